/** What one run means: the properties' violations and the run's outcome classes. */
import type { Scenario } from '../scenario/types.ts';
import type { RunResult } from '../contract/run-result.ts';
import type { Property, Violation } from '../../properties/api.ts';
import { checkProperties } from '../../properties/check-all.ts';
import { classifyRun } from '../../properties/classify.ts';
import { bySeverity, OUTCOME } from '../contract/outcomes.ts';

/** Outcome kind of a run that exceeded its step budget. */
export const STEP_LIMIT = OUTCOME.stepLimit;

export interface RunAnalysis {
  readonly run: RunResult;
  readonly violations: readonly Violation[];
  /** Property name -> its violations in this run (absent when the property does not apply). */
  readonly perProperty: ReadonlyMap<string, readonly Violation[]>;
  /** Every outcome kind the run shows, most severe first; ["ok"] alone when it shows none. */
  readonly kinds: readonly string[];
  /** The headline: kinds[0]. */
  readonly primary: string;
}

export function analyseRun(scenario: Scenario, run: RunResult, properties: readonly Property[]): RunAnalysis {
  // A run that failed (harness died, code under test raised or exited) proves nothing either way:
  // never ok, and no property is judged on its cut-short history (none "holds" because of it).
  if (run.status === 'error') {
    const failure: Violation = { property: 'run', outcome: OUTCOME.error, step: run.steps, message: `the run failed: ${run.detail ?? 'no detail'}` };
    return { run, violations: [failure], perProperty: new Map(), kinds: [OUTCOME.error], primary: OUTCOME.error };
  }
  const view = { scenario, run, history: run.history };
  const { perProperty, violations } = checkProperties(view, properties);
  const classified = classifyRun(view, violations);
  // A run cut off by its step budget proves nothing about the rest of it: never let it pass as ok.
  if (run.status === 'step-limit') {
    const kinds = bySeverity([...classified.kinds.filter((k) => k !== OUTCOME.ok), STEP_LIMIT]);
    return { run, violations, perProperty, kinds, primary: kinds[0]! };
  }
  return { run, violations, perProperty, kinds: classified.kinds, primary: classified.primary };
}
