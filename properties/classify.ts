/**
 * The outcome classes of a run, for the census and for shrinking.
 */
import { bySeverity, OUTCOME } from '../src/contract/outcomes.ts';
import type { RunView, Violation } from './api.ts';

export interface RunClassification {
  /** Distinct outcome classes, most severe first (ties: earliest evidence first); ["ok"] when there are none. */
  readonly kinds: readonly string[];
  /** The headline: the most severe class; "ok" when there are none. */
  readonly primary: string;
}

/**
 * kinds = the outcomes of the violations, plus "wrong-loop" when any error event is a wrong-loop
 * RuntimeError: the model allows that error, but it is an outcome users ask about (reachable).
 */
export function classifyRun(view: RunView, violations: readonly Violation[]): RunClassification {
  const first = new Map<string, number>();
  const note = (kind: string, step: number) => {
    const seen = first.get(kind);
    if (seen === undefined || step < seen) first.set(kind, step);
  };
  for (const v of violations) note(v.outcome, v.step);
  for (const e of view.history) if (e.kind === 'error' && e.error?.class === 'wrong-loop') note(OUTCOME.wrongLoop, e.step);
  if (first.size === 0) return { kinds: [OUTCOME.ok], primary: OUTCOME.ok };
  const byEvidence = [...first.keys()].sort((a, b) => first.get(a)! - first.get(b)!);
  const kinds = bySeverity(byEvidence);
  return { kinds, primary: kinds[0]! };
}
