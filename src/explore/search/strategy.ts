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
import type { Property } from '../../../properties/api.ts';
import type { Runner, BackendCapabilities } from '../../backends/runner.ts';
import type { SourceSpec } from '../../contract/source-spec.ts';
import type { Coverage } from '../report-types.ts';
import { analyseRun, type RunAnalysis } from '../analyse.ts';
import { boundedDfs, type DfsResult } from './dfs.ts';
import { sourceFor } from './plan.ts';
import { yieldToEventLoop, YIELD_EVERY } from '../yield.ts';

export const SEARCH_MODES = ['auto', 'bounded', 'random', 'pct'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** --search bounded without --bound. */
export const DEFAULT_BOUND = 2;

/** Share of the run budget that bounded searches may use under `auto`; the rest samples beyond the bound. */
const AUTO_SEARCH_SHARE = 0.8;

/** Consecutive runs stopped by the wall-time guard after which exploring further is pointless. */
export const BLOCKED_RUNS_BEFORE_STOPPING = 3;

export interface ExploreOptions {
  readonly mode: SearchMode;
  readonly bound?: number;
  /** The run budget: executions, not counting pruned runs. */
  readonly runs: number;
  readonly seed: number;
  /** Wall-clock deadline (performance.now()) after which sampling stops; never changes a run. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface Exploration {
  readonly coverage: Coverage;
  /** The largest bound a search covered completely (-1: none): a kind first seen at <= this + 1 preemptions is proven minimal. */
  readonly provenBound: number;
  /** Sampling stopped early because runs kept blocking outside semverify's control. */
  readonly stoppedBlocked: boolean;
}

type Record = (a: RunAnalysis, preemptions?: number) => void;

export async function explore(
  runner: Runner,
  capabilities: BackendCapabilities,
  judged: Scenario,
  properties: readonly Property[],
  opts: ExploreOptions,
  record: Record,
): Promise<Exploration> {
  const searching = capabilities.enumerates && (opts.mode === 'auto' || opts.mode === 'bounded');
  if (!searching) return sampleOnly(runner, judged, properties, opts, record);
  const session = (bound: number) => (capabilities.prunes ? `bound ${bound}` : undefined);
  const search = (bound: number, limit: number, keep: (a: RunAnalysis, p: number) => void): Promise<DfsResult> =>
    boundedDfs(
      runner,
      judged,
      properties,
      { budget: bound, limit, ...sessionOpt(session(bound)), ...(opts.signal && { signal: opts.signal }) },
      keep,
      opts.onProgress,
    );

  if (opts.mode === 'bounded') {
    const bound = opts.bound ?? DEFAULT_BOUND;
    const res = await search(bound, opts.runs, record);
    return { coverage: coverageOf(bound, res), provenBound: res.complete ? bound : -1, stoppedBlocked: false };
  }

  // auto: deepen while each search completes within its share of the budget.
  const share = Math.max(1, Math.floor(opts.runs * AUTO_SEARCH_SHARE));
  let used = 0;
  let best: { bound: number; res: DfsResult; runs: [RunAnalysis, number][] } | null = null;
  // What sampling beyond needs of the searches: how long a run is, and whether the last one blocked.
  const seen = { horizon: 10, blocked: 0 };
  for (let bound = 0; opts.signal?.aborted !== true; bound++) {
    const runs: [RunAnalysis, number][] = [];
    const res = await search(bound, share - used, (a, p) => {
      runs.push([a, p]);
      seen.horizon = Math.max(seen.horizon, a.run.steps);
      seen.blocked = a.run.failure?.kind === 'wall-time' ? seen.blocked + 1 : 0;
    });
    used += res.executions;
    if (!res.complete) {
      // Cut short: keep what the complete search had, and the new schedules this one reached.
      for (const [a, p] of best?.runs ?? []) record(a, p);
      for (const [a, p] of runs) if (best === null || p > best.bound) record(a, p);
      const coverage = best === null ? coverageOf(bound, res) : coverageOf(best.bound, best.res);
      const sampled = await sampleBeyond(runner, judged, properties, opts, record, opts.runs - used, best?.bound ?? 0, seen);
      return { coverage: withSampled(coverage, sampled.done), provenBound: best?.bound ?? -1, stoppedBlocked: sampled.stoppedBlocked };
    }
    const previous = best;
    best = { bound, res, runs };
    // No run reached the bound: the bound never cut a choice, so this was every schedule there is.
    if (res.maxPreemptions < bound || used >= share) break;
    // Each bound multiplies the schedules: a next search that cannot nearly fit is not started (its runs would mostly repeat these).
    // (The growth from a bound with few schedules says little: then assume it doubles.)
    const growth = previous !== null && previous.res.executions >= 20 ? res.executions / previous.res.executions : 2;
    if (res.executions * Math.max(2, growth) > 2 * (share - used)) break;
  }
  for (const [a, p] of best?.runs ?? []) record(a, p);
  if (best === null) return { coverage: { method: 'sampled', preemptionBound: null, executions: 0, complete: false }, provenBound: -1, stoppedBlocked: false };
  const exhaustive = best.res.maxPreemptions < best.bound;
  const coverage: Coverage = exhaustive
    ? { method: 'exhaustive', preemptionBound: null, executions: best.res.executions, complete: true, ...prunedOf(best.res) }
    : coverageOf(best.bound, best.res);
  const sampled = exhaustive
    ? { done: 0, stoppedBlocked: false }
    : await sampleBeyond(runner, judged, properties, opts, record, opts.runs - used, best.bound, seen);
  return {
    coverage: withSampled(coverage, sampled.done),
    provenBound: exhaustive ? Number.POSITIVE_INFINITY : best.bound,
    stoppedBlocked: sampled.stoppedBlocked,
  };
}

function sessionOpt(session: string | undefined): { session?: string } {
  return session === undefined ? {} : { session };
}

function prunedOf(res: DfsResult): { pruned?: number } {
  return res.pruned > 0 ? { pruned: res.pruned } : {};
}

function coverageOf(bound: number, res: DfsResult): Coverage {
  return { method: 'bounded-exhaustive', preemptionBound: bound, executions: res.executions, complete: res.complete, ...prunedOf(res) };
}

function withSampled(c: Coverage, sampled: number): Coverage {
  return sampled > 0 ? { ...c, sampledBeyond: sampled } : c;
}

/** Seeded runs with more preemptions than the bound covered: where bugs needing more of them live. */
async function sampleBeyond(
  runner: Runner,
  judged: Scenario,
  properties: readonly Property[],
  opts: ExploreOptions,
  record: Record,
  runs: number,
  bound: number,
  searched: { readonly horizon: number; readonly blocked: number },
): Promise<{ readonly done: number; readonly stoppedBlocked: boolean }> {
  if (runs <= 0) return { done: 0, stoppedBlocked: false };
  const pCancel = (judged.cancellations?.length ?? 0) > 0 ? 0.05 : 0;
  const source = (i: number): SourceSpec => ({
    kind: 'bounded',
    seed: `${opts.seed}:beyond:${i}`,
    preemptions: bound + 1 + (i % 3),
    horizon: searched.horizon,
    delayShare: 0.3,
    pCancel,
  });
  return sample(runner, judged, properties, opts, record, runs, source, searched.blocked);
}

/** Sampling only: the default schedule, then seeded runs (random, PCT-like, or the mix of both). */
async function sampleOnly(runner: Runner, judged: Scenario, properties: readonly Property[], opts: ExploreOptions, record: Record): Promise<Exploration> {
  const probe = analyseRun(judged, await runner.run({ schedule: [] }), properties);
  record(probe);
  const horizon = Math.max(10, probe.run.steps);
  const hasCancellations = (judged.cancellations?.length ?? 0) > 0;
  const source = (i: number) => sampleSource(opts.mode, opts.seed, i, horizon, hasCancellations);
  const res = await sample(runner, judged, properties, opts, record, opts.runs - 1, source, probe.run.failure?.kind === 'wall-time' ? 1 : 0);
  opts.onProgress?.(opts.runs, opts.runs);
  return {
    coverage: { method: 'sampled', preemptionBound: null, executions: 1 + res.done, complete: false },
    provenBound: -1,
    stoppedBlocked: res.stoppedBlocked,
  };
}

/**
 * `runs` seeded runs from `source(1..runs)`, each recorded. Stops at the deadline, on interrupt, and
 * after a few runs in a row that blocked outside semverify's control (each costs the wall-time guard).
 */
async function sample(
  runner: Runner,
  judged: Scenario,
  properties: readonly Property[],
  opts: ExploreOptions,
  record: Record,
  runs: number,
  source: (i: number) => SourceSpec,
  blockedBefore: number,
): Promise<{ readonly done: number; readonly stoppedBlocked: boolean }> {
  let blockedInARow = blockedBefore;
  let done = 0;
  for (let i = 1; i <= runs && opts.signal?.aborted !== true && performance.now() <= opts.deadline; i++) {
    if (blockedInARow >= BLOCKED_RUNS_BEFORE_STOPPING) return { done, stoppedBlocked: true };
    const run = await runner.run({ source: source(i) });
    blockedInARow = run.failure?.kind === 'wall-time' ? blockedInARow + 1 : 0;
    record(analyseRun(judged, run, properties));
    done++;
    if (opts.onProgress && i % 50 === 0) opts.onProgress(i, runs);
    if (i % YIELD_EVERY === 0) await yieldToEventLoop();
  }
  return { done, stoppedBlocked: false };
}

function sampleSource(mode: SearchMode, seed: number, i: number, horizon: number, hasCancellations: boolean): SourceSpec {
  const pCancel = hasCancellations ? 0.05 : 0;
  if (mode === 'random') return { kind: 'random', seed: `${seed}:${i}`, pSwitch: [0.02, 0.05, 0.15][i % 3]!, pDelay: 0.01, pCancel };
  if (mode === 'pct') return { kind: 'bounded', seed: `${seed}:${i}`, preemptions: 1 + (i % 3), horizon, delayShare: 0.3, pCancel };
  return sourceFor(seed, i, horizon, hasCancellations);
}
