/** What one run means: the properties' violations and the run's outcome classes. */
import type { Scenario } from '../scenario/types.ts';
import type { RunResult } from '../backends/run-result.ts';
import type { Property, Violation } from '../../properties/api.ts';
import { checkProperties } from '../../properties/check-all.ts';
import { classifyRun } from '../../properties/classify.ts';

/** Outcome kind of a run that exceeded its step budget. */
export const STEP_LIMIT = 'step-limit';

export interface RunAnalysis {
  readonly run: RunResult;
  readonly violations: readonly Violation[];
  /** Property name -> its violations in this run (absent when the property does not apply). */
  readonly perProperty: ReadonlyMap<string, readonly Violation[]>;
  readonly kinds: readonly string[];
  readonly primary: string;
}

export function analyseRun(scenario: Scenario, run: RunResult, properties: readonly Property[]): RunAnalysis {
  const view = { scenario, run, history: run.history };
  const { perProperty, violations } = checkProperties(view, properties);
  const classified = classifyRun(view, violations);
  // A run cut off by its step budget proves nothing about the rest of it: never let it pass as ok.
  if (run.status === 'step-limit') {
    const kinds = [...classified.kinds.filter((k) => k !== 'ok'), STEP_LIMIT];
    return { run, violations, perProperty, kinds, primary: classified.primary === 'ok' ? STEP_LIMIT : classified.primary };
  }
  return { run, violations, perProperty, kinds: classified.kinds, primary: classified.primary };
}
