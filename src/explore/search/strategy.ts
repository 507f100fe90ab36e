/**
 * How a scenario's schedules are explored, and what the verdict then covers (Coverage).
 *
 * - `auto` (default): on a backend that enumerates, preemption-bounded exhaustive search at bound
 *   0, 1, 2, ... while it completes within the run budget (a share of it; the rest is sampled
 *   beyond the bound). A search that completes with no run reaching its bound has covered the
 *   whole space: `exhaustive`. Elsewhere: sampled.
 * - `bounded`: one exhaustive search at --bound K (default 2), within the run budget.
 * - `random`: seeded coin-flip runs only; `pct`: seeded preemption-bounded (PCT-like) runs only.
 *
 * Runs are recorded into the census exactly once: the runs of the last complete search (it
 * includes every schedule of the smaller bounds), plus, from a search cut short, the runs that
 * spent exactly its bound (the new ones), plus the sampled runs.
 */
import type { Scenario } from '../../scenario/types.ts';
import type { BackendCapabilities } from '../../backends/runner.ts';
import type { Coverage } from '../report-types.ts';
import type { RunSummary } from '../run-summary.ts';
import type { UnitExecutor } from '../pool/executor.ts';
import { BLOCKED_RUNS_BEFORE_STOPPING, type SampleFamily } from './units.ts';
import type { MergedSearch } from './partition.ts';
import { coverageOf, hasCancellations, prunedOf, runPlan, sampleFamily, samplePlan, searchPlan, type Exploration, type StaticPlan } from './static-plan.ts';
import { boundedSearch } from './dfs.ts';

export { BLOCKED_RUNS_BEFORE_STOPPING };

export const SEARCH_MODES = ['auto', 'bounded', 'random', 'pct'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** --search bounded without --bound. */
export const DEFAULT_BOUND = 2;

/** Share of the run budget that bounded searches may use under `auto`; the rest samples beyond the bound. */
const AUTO_SEARCH_SHARE = 0.8;

export interface ExploreOptions {
  readonly mode: SearchMode;
  readonly bound?: number;
  /** The run budget: executions, not counting pruned runs. */
  readonly runs: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
}

export type { Exploration } from './static-plan.ts';

/** Receives every explored run once, in exploration order. */
type Record = (r: RunSummary) => void;

export async function explore(
  exec: UnitExecutor,
  capabilities: BackendCapabilities,
  judged: Scenario,
  opts: ExploreOptions,
  record: Record,
): Promise<Exploration> {
  const plan = staticPlanFor(capabilities, judged, opts);
  if (plan !== null) {
    const outcome = await runPlan(exec, plan);
    for (const r of outcome.runs) record(r);
    return outcome.exploration;
  }
  const session = (bound: number) => (unit: number) => (capabilities.prunes ? `bound ${bound} unit ${unit}` : undefined);
  const search = (bound: number, limit: number) => boundedSearch(exec, bound, limit, session(bound));

  // auto: deepen while each search completes within its share of the budget.
  const share = Math.max(1, Math.floor(opts.runs * AUTO_SEARCH_SHARE));
  let used = 0;
  let best: { bound: number; res: MergedSearch } | null = null;
  for (let bound = 0; opts.signal?.aborted !== true; bound++) {
    const res = await search(bound, share - used);
    used += res.executions;
    if (!res.complete) {
      // Cut short: keep what the complete search had, and the new schedules this one reached.
      for (const r of best?.res.runs ?? []) record(r);
      let reached = 0;
      for (const r of res.runs) {
        if (best !== null && r.preemptions <= best.bound) continue;
        record(r);
        reached += 1;
      }
      // Those new schedules are counted in the census, so the verdict says where they came from.
      const coverage =
        best === null ? coverageOf(bound, res) : { ...coverageOf(best.bound, best.res), ...(reached > 0 && { searchedBeyond: { bound, runs: reached } }) };
      const sampled = await sampleBeyond(exec, judged, opts, record, opts.runs - used, best?.bound ?? 0, seenIn(best?.res.runs ?? [], res.runs));
      return { coverage: withSampled(coverage, sampled.done), provenBound: best?.bound ?? -1, stoppedBlocked: sampled.stoppedBlocked };
    }
    const previous = best;
    best = { bound, res };
    // No run reached the bound: the bound never cut a choice, so this was every schedule there is.
    if (res.maxPreemptions < bound || used >= share) break;
    // Each bound multiplies the schedules: a next search that cannot nearly fit is not started (its runs would mostly repeat these).
    // (The growth from a bound with few schedules says little: then assume it doubles.)
    const growth = previous !== null && previous.res.executions >= 20 ? res.executions / previous.res.executions : 2;
    if (res.executions * Math.max(2, growth) > 2 * (share - used)) break;
  }
  for (const r of best?.res.runs ?? []) record(r);
  if (best === null) return { coverage: { method: 'sampled', preemptionBound: null, executions: 0, complete: false }, provenBound: -1, stoppedBlocked: false };
  const exhaustive = best.res.maxPreemptions < best.bound;
  const coverage: Coverage = exhaustive
    ? { method: 'exhaustive', preemptionBound: null, executions: best.res.executions, complete: true, ...prunedOf(best.res) }
    : coverageOf(best.bound, best.res);
  const sampled = exhaustive
    ? { done: 0, stoppedBlocked: false }
    : await sampleBeyond(exec, judged, opts, record, opts.runs - used, best.bound, seenIn(best.res.runs, []));
  return {
    coverage: withSampled(coverage, sampled.done),
    provenBound: exhaustive ? Number.POSITIVE_INFINITY : best.bound,
    stoppedBlocked: sampled.stoppedBlocked,
  };
}

/** What sampling beyond needs of the searches: how long a run is, and how many of the last ones blocked. */
function seenIn(kept: readonly RunSummary[], cut: readonly RunSummary[]): { readonly horizon: number; readonly blocked: number } {
  let horizon = 10;
  let blocked = 0;
  for (const r of [...kept, ...cut]) {
    horizon = Math.max(horizon, r.steps);
    blocked = r.failure === 'wall-time' ? blocked + 1 : 0;
  }
  return { horizon, blocked };
}

function withSampled(c: Coverage, sampled: number): Coverage {
  return sampled > 0 ? { ...c, sampledBeyond: sampled } : c;
}

/** Seeded runs with more preemptions than the bound covered: where bugs needing more of them live. */
async function sampleBeyond(
  exec: UnitExecutor,
  judged: Scenario,
  opts: ExploreOptions,
  record: Record,
  runs: number,
  bound: number,
  searched: { readonly horizon: number; readonly blocked: number },
): Promise<{ readonly done: number; readonly stoppedBlocked: boolean }> {
  const family: SampleFamily = { kind: 'beyond', seed: opts.seed, bound, horizon: searched.horizon, cancellations: hasCancellations(judged) };
  const res = await sampleFamily(exec, family, runs, searched.blocked);
  for (const r of res.runs) record(r);
  return { done: res.runs.length, stoppedBlocked: res.stoppedBlocked };
}

/**
 * The plan of every mode but `auto` on a backend that enumerates: one bounded search, or sampling
 * (also `auto` where the backend cannot enumerate). Null for `auto`'s deepening searches.
 */
export function staticPlanFor(capabilities: BackendCapabilities, judged: Scenario, opts: ExploreOptions): StaticPlan | null {
  const searching = capabilities.enumerates && (opts.mode === 'auto' || opts.mode === 'bounded');
  if (!searching) return samplePlan(opts.mode === 'random' || opts.mode === 'pct' ? opts.mode : 'mixed', opts.seed, opts.runs, judged);
  if (opts.mode !== 'bounded') return null;
  const bound = opts.bound ?? DEFAULT_BOUND;
  return searchPlan(bound, opts.runs, (unit) => (capabilities.prunes ? `bound ${bound} unit ${unit}` : undefined));
}
