/**
 * The outcome classes of a run, for the census and for shrinking.
 */
import type { RunView, Violation } from './api.ts';

export interface RunClassification {
  /** Distinct outcome classes, earliest evidence first; ["ok"] when there are none. */
  readonly kinds: readonly string[];
  /** The class with the earliest evidence; "ok" when there are none. */
  readonly primary: string;
}

/** Between classes whose evidence has the same step: the more specific symptom names the run. */
const TIE_ORDER = ['over-admission', 'wrong-loop', 'hang'];

/**
 * kinds = the outcomes of the violations, plus "wrong-loop" when any error event is a wrong-loop
 * RuntimeError: the model allows that error, but it is an outcome users ask about (reachable).
 */
export function classifyRun(view: RunView, violations: readonly Violation[]): RunClassification {
  const first = new Map<string, { step: number; order: number }>();
  const note = (kind: string, step: number) => {
    const seen = first.get(kind);
    if (seen === undefined) first.set(kind, { step, order: first.size });
    else if (step < seen.step) first.set(kind, { step, order: seen.order });
  };
  for (const v of violations) note(v.outcome, v.step);
  for (const e of view.history) if (e.kind === 'error' && e.error?.class === 'wrong-loop') note('wrong-loop', e.step);
  if (first.size === 0) return { kinds: ['ok'], primary: 'ok' };
  const rank = (k: string) => (TIE_ORDER.includes(k) ? TIE_ORDER.indexOf(k) : TIE_ORDER.length);
  const kinds = [...first.keys()].sort((a, b) => {
    const x = first.get(a)!;
    const y = first.get(b)!;
    return x.step - y.step || rank(a) - rank(b) || x.order - y.order;
  });
  return { kinds, primary: kinds[0]! };
}
