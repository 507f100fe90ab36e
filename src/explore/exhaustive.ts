/**
 * Complete enumeration of a scenario's decision space by depth-first search over decision
 * prefixes, on any backend that `enumerates` (src/backends/runner.ts): each run follows a prefix
 * of choices and reports every decision it met, from which the next prefix follows. Used for
 * single-threaded scenarios, whose only choices are timer ties and declared cancellations, so
 * "every schedule" is a small, exact number.
 */
import type { Scenario } from '../scenario/types.ts';
import type { Property } from '../../properties/api.ts';
import type { Runner } from '../backends/runner.ts';
import { UnsupportedRequestError } from '../backends/run-request.ts';
import { nextPrefix } from '../scheduler/prefix-source.ts';
import { analyseRun, type RunAnalysis } from './analyse.ts';
import { yieldToEventLoop, YIELD_EVERY } from './yield.ts';

export interface ExhaustiveResult {
  readonly runs: number;
  /** False when the limit (or an interrupt, or a failed run) stopped the search before the space was exhausted. */
  readonly complete: boolean;
}

/** `scenario` is what judges the runs (the implementation the runner really executes). */
export async function exploreExhaustively(
  runner: Runner,
  scenario: Scenario,
  properties: readonly Property[],
  opts: { readonly limit: number; readonly budget: number; readonly signal?: AbortSignal },
  record: (a: RunAnalysis) => void,
  onProgress?: (done: number, total: number) => void,
): Promise<ExhaustiveResult> {
  let prefix: readonly number[] | null = [];
  let runs = 0;
  while (prefix !== null && runs < opts.limit && opts.signal?.aborted !== true) {
    const run = await runner.run({ source: { kind: 'prefix', prefix, budget: opts.budget } });
    record(analyseRun(scenario, run, properties));
    runs++;
    if (run.decisions === undefined) {
      // A run that failed may end before it reports what it met: the subtree below it is unknown, so the enumeration is partial.
      if (run.status === 'error') return { runs, complete: false };
      throw new UnsupportedRequestError(runner.describe, "a 'prefix' source (its run reported no decisions)");
    }
    if (onProgress && runs % 50 === 0) onProgress(runs, opts.limit);
    if (runs % YIELD_EVERY === 0) await yieldToEventLoop();
    prefix = nextPrefix(run.decisions);
  }
  return { runs, complete: prefix === null };
}
