/**
 * Preemption-bounded depth-first search over decision prefixes (CHESS's iterative context
 * bounding), on any backend that `enumerates` (src/backends/runner.ts): each run follows a
 * prefix of choices and reports every decision it met, from which the next prefix follows.
 * A switch or an OS delay spends budget; lock wake-ups, timer ties, declared cancellations and
 * clock wake-ups are free, so all of them are enumerated at every bound.
 *
 * On a backend that `prunes`, the runs of one search share a session: a run that reaches a
 * state an equivalent schedule (same happens-before relation) reached with no more preemptions
 * is abandoned there (`pruned`), because that schedule's future was explored in full.
 */
import type { Scenario } from '../../scenario/types.ts';
import type { Property } from '../../../properties/api.ts';
import type { Decision } from '../../contract/schedule.ts';
import type { Runner } from '../../backends/runner.ts';
import { UnsupportedRequestError } from '../../backends/run-request.ts';
import { nextPrefix } from '../../scheduler/prefix-source.ts';
import { analyseRun, type RunAnalysis } from '../analyse.ts';
import { yieldToEventLoop, YIELD_EVERY } from '../yield.ts';

export interface DfsOptions {
  /** Preemptions (switches and delays) allowed in one run. */
  readonly budget: number;
  /** Runs (executions, not counting pruned ones) before the search stops, incomplete. */
  readonly limit: number;
  /** A session id for backends that prune equivalent schedules; absent: no reduction. */
  readonly session?: string;
  readonly signal?: AbortSignal;
}

export interface DfsResult {
  /** Runs executed to the end and judged. */
  readonly executions: number;
  /** Runs abandoned at a state an equivalent schedule had reached. */
  readonly pruned: number;
  /** Every schedule within the budget was run (or pruned as equivalent to one that was). */
  readonly complete: boolean;
  /** The most preemptions any run spent: below the budget, the budget never cut a choice. */
  readonly maxPreemptions: number;
}

/** Preemptions a run spent: its non-default choices at decisions that cost budget. */
export function preemptionsOf(decisions: readonly Decision[]): number {
  let n = 0;
  for (const d of decisions) if (d.preempts && d.chosen !== 0) n++;
  return n;
}

/** `scenario` is what judges the runs (the implementation the runner really executes). `record` sees every executed run. */
export async function boundedDfs(
  runner: Runner,
  scenario: Scenario,
  properties: readonly Property[],
  opts: DfsOptions,
  record: (a: RunAnalysis, preemptions: number) => void,
  onProgress?: (done: number, total: number) => void,
): Promise<DfsResult> {
  let prefix: readonly number[] | null = [];
  let executions = 0;
  let pruned = 0;
  let maxPreemptions = 0;
  while (prefix !== null && executions < opts.limit && opts.signal?.aborted !== true) {
    const source = { kind: 'prefix' as const, prefix, budget: opts.budget, ...(opts.session !== undefined && { session: opts.session }) };
    const run = await runner.run({ source });
    if (run.decisions === undefined) {
      // A run that failed may end before it reports what it met: the subtree below it is unknown, so the search is partial.
      if (run.status === 'error') {
        record(analyseRun(scenario, run, properties), 0);
        return { executions: executions + 1, pruned, complete: false, maxPreemptions };
      }
      throw new UnsupportedRequestError(runner.describe, "a 'prefix' source (its run reported no decisions)");
    }
    if (run.status === 'pruned') pruned++;
    else {
      const preemptions = preemptionsOf(run.decisions);
      maxPreemptions = Math.max(maxPreemptions, preemptions);
      record(analyseRun(scenario, run, properties), preemptions);
      executions++;
      if (onProgress && executions % 50 === 0) onProgress(executions, opts.limit);
    }
    if ((executions + pruned) % YIELD_EVERY === 0) await yieldToEventLoop();
    prefix = nextPrefix(run.decisions);
  }
  return { executions, pruned, complete: prefix === null, maxPreemptions };
}
