/**
 * Complete enumeration of a scenario's decision space by depth-first search over decision
 * prefixes (simulated backend). Used for single-threaded scenarios, whose only choices are
 * timer ties and declared cancellations, so "every schedule" is a small, exact number.
 */
import type { Scenario } from '../scenario/types.ts';
import type { Property } from '../../properties/api.ts';
import type { PreemptionModel } from './report-types.ts';
import { runSim } from '../backends/sim/run.ts';
import { PrefixSource, nextPrefix } from '../scheduler/prefix-source.ts';
import { analyseRun, type RunAnalysis } from './analyse.ts';
import { yieldToEventLoop, YIELD_EVERY } from './yield.ts';

export interface ExhaustiveResult {
  readonly runs: number;
  /** False when the limit (or an interrupt) stopped the search before the space was exhausted. */
  readonly complete: boolean;
}

export async function exploreExhaustively(
  scenario: Scenario,
  model: PreemptionModel,
  properties: readonly Property[],
  opts: { readonly limit: number; readonly budget: number; readonly maxSteps?: number; readonly signal?: AbortSignal },
  record: (a: RunAnalysis) => void,
  onProgress?: (done: number, total: number) => void,
): Promise<ExhaustiveResult> {
  let prefix: number[] | null = [];
  let runs = 0;
  while (prefix !== null && runs < opts.limit && opts.signal?.aborted !== true) {
    const source = new PrefixSource(prefix, opts.budget);
    const run = runSim(scenario, { source, model, ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}) });
    record(analyseRun(scenario, run, properties));
    runs++;
    if (onProgress && runs % 50 === 0) onProgress(runs, opts.limit);
    if (runs % YIELD_EVERY === 0) await yieldToEventLoop();
    prefix = nextPrefix(source.log);
  }
  return { runs, complete: prefix === null };
}
