/**
 * Preemption-bounded depth-first search over decision prefixes (CHESS's iterative context
 * bounding), on any backend that `enumerates` (src/backends/runner.ts): each run follows a
 * prefix of choices and reports every decision it met, from which the next prefix follows.
 * A switch or an OS delay spends budget; lock wake-ups, timer ties, declared cancellations and
 * clock wake-ups are free, so all of them are enumerated at every bound.
 *
 * The search runs as units (partition.ts): the default run, then the subtrees branching off it,
 * grouped into a fixed number of units that any executor may run in parallel; merged in order,
 * their runs are the sequential depth-first order.
 *
 * On a backend that `prunes`, the runs of one unit share a session: a run that reaches a state an
 * equivalent schedule (same happens-before relation) reached with no more preemptions is
 * abandoned there (`pruned`), because that schedule's future was explored in full.
 */
import type { Scenario } from '../../scenario/types.ts';
import type { Property } from '../../../properties/api.ts';
import type { Runner } from '../../backends/runner.ts';
import { inlineExecutor, type UnitExecutor } from '../pool/executor.ts';
import type { RunSummary } from '../run-summary.ts';
import type { MergedSearch } from './partition.ts';
import { runPlan, searchPlan } from './static-plan.ts';

export { preemptionsOf } from './units.ts';

export interface DfsOptions {
  /** Preemptions (switches and delays) allowed in one run. */
  readonly budget: number;
  /** Runs (executions, not counting pruned ones) before the search stops, incomplete. */
  readonly limit: number;
  /** A session name for backends that prune equivalent schedules (one per unit is derived from it); absent: no reduction. */
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

/** One search on `runner`, here and now; `record` sees every executed run in depth-first order. */
export async function boundedDfs(
  runner: Runner,
  scenario: Scenario,
  properties: readonly Property[],
  opts: DfsOptions,
  record: (r: RunSummary) => void,
): Promise<DfsResult> {
  const exec = inlineExecutor(runner, scenario, properties, { ...(opts.signal && { signal: opts.signal }), deadlineEpochMs: Number.POSITIVE_INFINITY });
  const session = opts.session;
  const res = await boundedSearch(exec, opts.budget, opts.limit, (u) => (session === undefined ? undefined : `${session} unit ${u}`));
  for (const r of res.runs) record(r);
  return { executions: res.executions, pruned: res.pruned, complete: res.complete, maxPreemptions: res.maxPreemptions };
}

/** One search of at most `limit` executions on `exec`: the default run, then its subtrees as units, merged in depth-first order. */
export async function boundedSearch(exec: UnitExecutor, bound: number, limit: number, session: (unit: number) => string | undefined): Promise<MergedSearch> {
  if (limit <= 0) return { runs: [], executions: 0, pruned: 0, complete: false, maxPreemptions: 0 };
  const outcome = await runPlan(exec, searchPlan(bound, limit, session));
  return outcome.search!;
}
