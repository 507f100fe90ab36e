/**
 * Explorations whose units are known after one run: a bounded search at a given bound (its
 * default run's decisions define the subtrees) and sampling (the default run's length sets the
 * horizon). Each is a probe unit, then one step of units, then a merge. Because nothing but the
 * probe decides the units, the step can be split across machines (`--shard`, src/explore/shard.ts)
 * as well as threads. `auto` is not static: it picks each next bound from the last search's size.
 */
import type { Scenario } from '../../scenario/types.ts';
import type { Coverage } from '../report-types.ts';
import type { RunSummary } from '../run-summary.ts';
import type { UnitExecutor } from '../pool/executor.ts';
import type { SampleFamily, Unit, UnitResult } from './units.ts';
import { executionsOf, type MergedSearch, mergeSamples, mergeSearch, sampleUnits, samplesNeedMore, searchNeedsMore, searchUnits } from './partition.ts';
import { BLOCKED_RUNS_BEFORE_STOPPING } from './units.ts';

export interface Exploration {
  readonly coverage: Coverage;
  /** The largest bound a search covered completely (-1: none): a kind first seen at <= this + 1 preemptions is proven minimal. */
  readonly provenBound: number;
  /** Sampling stopped early because runs kept blocking outside semverify's control. */
  readonly stoppedBlocked: boolean;
}

export interface PlanOutcome {
  /** Every explored run once, in exploration order. */
  readonly runs: readonly RunSummary[];
  readonly exploration: Exploration;
  /** A search's merge (auto deepens from it). */
  readonly search?: MergedSearch;
}

export interface StaticPlan {
  readonly probe: Unit;
  /** The step's units, given the probe's result. */
  units(probe: UnitResult): readonly Unit[];
  needMore(probe: UnitResult, done: readonly UnitResult[]): boolean;
  /** The unit to run in place of units[index] once some have finished (a lower run limit); see UnitJob.refine. */
  refine?(probe: UnitResult, units: readonly Unit[], index: number, finished: readonly (UnitResult | undefined)[]): Unit;
  /** The outcome from the probe and the step's results in unit order (every unit's, or a prefix that `needMore` ended). */
  finish(probe: UnitResult, units: readonly Unit[], results: readonly UnitResult[]): PlanOutcome;
}

/** Run a plan on one executor: the probe, then its step. */
export async function runPlan(exec: UnitExecutor, plan: StaticPlan): Promise<PlanOutcome> {
  const [probe] = await exec.execute({ units: [plan.probe], needMore: () => false });
  const units = plan.units(probe!);
  const results =
    units.length === 0
      ? []
      : await exec.execute({
          units,
          needMore: (done) => plan.needMore(probe!, done),
          ...(plan.refine !== undefined && { refine: (i: number, finished: readonly (UnitResult | undefined)[]) => plan.refine!(probe!, units, i, finished) }),
        });
  return plan.finish(probe!, units, results);
}

/** A preemption-bounded depth-first search of at most `limit` executions (dfs.ts). */
export function searchPlan(bound: number, limit: number, session: (unit: number) => string | undefined): StaticPlan {
  const empty: MergedSearch = { runs: [], executions: 0, pruned: 0, complete: false, maxPreemptions: 0 };
  const outcome = (merged: MergedSearch): PlanOutcome => ({
    runs: merged.runs,
    exploration: { coverage: coverageOf(bound, merged), provenBound: merged.complete ? bound : -1, stoppedBlocked: false },
    search: merged,
  });
  return {
    probe: { kind: 'path', prefix: [], budget: bound },
    units: (probe) => (limit <= 1 || probe.decisions === undefined ? [] : searchUnits(probe.decisions, bound, limit - 1, session)),
    needMore: (probe, done) => searchNeedsMore(probe, done, limit),
    // Earlier units' executions come out of the limit: a later unit never needs more than what is left.
    refine: (probe, units, index, finished) => {
      let left = limit - executionsOf(probe);
      for (let i = 0; i < index; i++) if (finished[i] !== undefined) left -= executionsOf(finished[i]!);
      const unit = units[index]!;
      return unit.kind === 'subtree' ? { ...unit, limit: Math.max(0, left) } : unit;
    },
    finish: (probe, units, results) => {
      if (limit <= 0) return outcome(empty);
      const merged = mergeSearch(probe, results, limit);
      // Units left unrun (the limit was reached before them) hold schedules the search did not run.
      const cut = results.length < units.length || (limit === 1 && (probe.decisions?.length ?? 0) > 0);
      return outcome(cut ? { ...merged, complete: false } : merged);
    },
  };
}

/** Sampling only: the default schedule, then `runs - 1` seeded runs of `kind`. */
export function samplePlan(kind: 'mixed' | 'random' | 'pct', seed: number, runs: number, judged: Scenario): StaticPlan {
  const familyOf = (probe: UnitResult): SampleFamily => {
    const first = probe.entries[0];
    const steps = first === undefined || first === 'pruned' ? 0 : first.steps;
    return { kind, seed, horizon: Math.max(10, steps), cancellations: hasCancellations(judged) };
  };
  return {
    probe: { kind: 'schedule', schedule: [] },
    units: (probe) => (runs <= 1 ? [] : sampleUnits(familyOf(probe), 1, runs - 1)),
    needMore: (_probe, done) => samplesNeedMore(done),
    finish: (probe, _units, results) => {
      const merged = mergeSamples([probe, ...results], runs, 0);
      return {
        runs: merged.runs,
        exploration: {
          coverage: { method: 'sampled', preemptionBound: null, executions: merged.runs.length, complete: false },
          provenBound: -1,
          stoppedBlocked: merged.stopped === 'blocked',
        },
      };
    },
  };
}

/** Seeded runs beyond a bound (after `auto`'s searches): `runs` of them, after runs that ended `blockedBefore` blocked in a row. */
export async function sampleFamily(
  exec: UnitExecutor,
  family: SampleFamily,
  runs: number,
  blockedBefore: number,
): Promise<{ readonly runs: readonly RunSummary[]; readonly stoppedBlocked: boolean }> {
  if (runs <= 0) return { runs: [], stoppedBlocked: false };
  if (blockedBefore >= BLOCKED_RUNS_BEFORE_STOPPING) return { runs: [], stoppedBlocked: true };
  const results = await exec.execute({ units: sampleUnits(family, 1, runs), needMore: samplesNeedMore });
  const merged = mergeSamples(results, runs, blockedBefore);
  return { runs: merged.runs, stoppedBlocked: merged.stopped === 'blocked' };
}

export function hasCancellations(s: Scenario): boolean {
  return (s.cancellations?.length ?? 0) > 0;
}

export function coverageOf(bound: number, res: MergedSearch): Coverage {
  return { method: 'bounded-exhaustive', preemptionBound: bound, executions: res.executions, complete: res.complete, ...prunedOf(res) };
}

export function prunedOf(res: MergedSearch): { pruned?: number } {
  return res.pruned > 0 ? { pruned: res.pruned } : {};
}
