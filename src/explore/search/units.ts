/**
 * Units of work: an exploration cut into pieces that are pure functions of their description.
 * A unit's result does not depend on where or when it runs (this thread, a worker thread, a
 * shard on another machine), so the pieces can run anywhere and be merged in unit order into
 * exactly what one sequential exploration gives. Both the cut and the merge live here and in
 * partition.ts; how units are run lives in src/explore/pool/.
 *
 * - `sample`: seeded runs `from`..`to` (inclusive, 1-based) of a sampled family.
 * - `schedule`: one run following an explicit schedule (the default schedule: `[]`).
 * - `path`: one run following a decision prefix, reporting the decisions it met (where a bounded
 *   search starts: its decisions define the subtrees).
 * - `subtree`: the depth-first search below each of `roots` in turn, sharing one pruning session.
 */
import type { Scenario } from '../../scenario/types.ts';
import type { Property } from '../../../properties/api.ts';
import type { Runner } from '../../backends/runner.ts';
import type { SourceSpec } from '../../contract/source-spec.ts';
import type { Decision, Schedule } from '../../contract/schedule.ts';
import { UnsupportedRequestError } from '../../backends/run-request.ts';
import { nextPrefix } from '../../scheduler/prefix-source.ts';
import { analyseRun } from '../analyse.ts';
import { pruneWitnessSchedules, summariseRun, type RunSummary } from '../run-summary.ts';
import { sourceFor } from './plan.ts';
import { yieldToEventLoop, YIELD_EVERY } from '../yield.ts';

/** Consecutive runs stopped by the wall-time guard after which exploring further is pointless. */
export const BLOCKED_RUNS_BEFORE_STOPPING = 3;

/** How the i-th run of a sampled family is seeded: data, so that any thread or machine builds the same source. */
export type SampleFamily =
  /** Sampling only (--search random|pct, or a backend that cannot enumerate); `mixed` is the default mix of both. */
  | { readonly kind: 'mixed' | 'random' | 'pct'; readonly seed: number; readonly horizon: number; readonly cancellations: boolean }
  /** Beyond a bounded search: PCT-like runs with bound + 1 to bound + 3 preemptions. */
  | { readonly kind: 'beyond'; readonly seed: number; readonly bound: number; readonly horizon: number; readonly cancellations: boolean };

export function sampleSpec(f: SampleFamily, i: number): SourceSpec {
  const pCancel = f.cancellations ? 0.05 : 0;
  switch (f.kind) {
    case 'beyond':
      return { kind: 'bounded', seed: `${f.seed}:beyond:${i}`, preemptions: f.bound + 1 + (i % 3), horizon: f.horizon, delayShare: 0.3, pCancel };
    case 'random':
      return { kind: 'random', seed: `${f.seed}:${i}`, pSwitch: [0.02, 0.05, 0.15][i % 3]!, pDelay: 0.01, pCancel };
    case 'pct':
      return { kind: 'bounded', seed: `${f.seed}:${i}`, preemptions: 1 + (i % 3), horizon: f.horizon, delayShare: 0.3, pCancel };
    case 'mixed':
      return sourceFor(f.seed, i, f.horizon, f.cancellations);
  }
}

export type Unit =
  | { readonly kind: 'sample'; readonly family: SampleFamily; readonly from: number; readonly to: number }
  | { readonly kind: 'schedule'; readonly schedule: Schedule }
  | { readonly kind: 'path'; readonly prefix: readonly number[]; readonly budget: number }
  | {
      readonly kind: 'subtree';
      readonly roots: readonly (readonly number[])[];
      readonly budget: number;
      /** Executions (not pruned runs) after which the unit stops, incomplete. */
      readonly limit: number;
      /** A pruning session for backends that prune; absent: every prefix runs in full. */
      readonly session?: string;
    };

/** One run of a unit, in order: judged, or abandoned by the search as equivalent to one explored. */
export type UnitEntry = RunSummary | 'pruned';

/** Why a unit ended before its work was done. */
export type UnitStop =
  /** The exploration's deadline passed, or it was interrupted: not deterministic, and marked so. */
  | 'deadline'
  | 'interrupted'
  /** Runs kept blocking outside semverify's control (BLOCKED_RUNS_BEFORE_STOPPING in a row). */
  | 'blocked'
  /** A run failed before reporting its decisions: the subtree below it is unknown. */
  | 'failed'
  /** The unit's own run limit: more prefixes remained. */
  | 'limit';

export interface UnitResult {
  readonly entries: readonly UnitEntry[];
  /** Absent: the unit did all its work. */
  readonly stopped?: UnitStop;
  /** `path` units: the decisions the run met (absent if it failed before reporting them). */
  readonly decisions?: readonly Decision[];
}

/** What a unit may ask while it runs: whether to stop now (deadline, interrupt, or its result is no longer needed). */
export interface UnitControl {
  stop(): 'deadline' | 'interrupted' | null;
}

export async function executeUnit(
  runner: Runner,
  judged: Scenario,
  properties: readonly Property[],
  unit: Unit,
  control: UnitControl,
  onRun?: () => void,
): Promise<UnitResult> {
  switch (unit.kind) {
    case 'sample':
      return sampleUnit(runner, judged, properties, unit, control, onRun);
    case 'schedule': {
      const run = await runner.run({ schedule: unit.schedule });
      onRun?.();
      return { entries: [summariseRun(analyseRun(judged, run, properties))] };
    }
    case 'path': {
      const run = await runner.run({ source: { kind: 'prefix', prefix: unit.prefix, budget: unit.budget } });
      onRun?.();
      const summary = summariseRun(analyseRun(judged, run, properties), run.decisions ? preemptionsOf(run.decisions) : 0);
      if (run.decisions !== undefined) return { entries: [summary], decisions: run.decisions };
      // A run that failed may end before it reports what it met; anything else ignored the prefix.
      if (run.status === 'error') return { entries: [summary], stopped: 'failed' };
      throw new UnsupportedRequestError(runner.describe, "a 'prefix' source (its run reported no decisions)");
    }
    case 'subtree':
      try {
        return await subtreeUnit(runner, judged, properties, unit, control, onRun);
      } finally {
        if (unit.session !== undefined) runner.endSession?.(unit.session);
      }
  }
}

async function sampleUnit(
  runner: Runner,
  judged: Scenario,
  properties: readonly Property[],
  unit: Extract<Unit, { kind: 'sample' }>,
  control: UnitControl,
  onRun?: () => void,
): Promise<UnitResult> {
  const entries: RunSummary[] = [];
  let blockedInARow = 0;
  for (let i = unit.from; i <= unit.to; i++) {
    const stop = control.stop();
    if (stop !== null) return { entries: pruneWitnessSchedules(entries), stopped: stop };
    const run = await runner.run({ source: sampleSpec(unit.family, i) });
    onRun?.();
    entries.push(summariseRun(analyseRun(judged, run, properties)));
    // Runs before this unit may have blocked too: the merge applies the rule across units (mergeSamples).
    blockedInARow = run.failure?.kind === 'wall-time' ? blockedInARow + 1 : 0;
    if (blockedInARow >= BLOCKED_RUNS_BEFORE_STOPPING) return { entries: pruneWitnessSchedules(entries), stopped: 'blocked' };
    if (entries.length % YIELD_EVERY === 0) await yieldToEventLoop();
  }
  return { entries: pruneWitnessSchedules(entries) };
}

async function subtreeUnit(
  runner: Runner,
  judged: Scenario,
  properties: readonly Property[],
  unit: Extract<Unit, { kind: 'subtree' }>,
  control: UnitControl,
  onRun?: () => void,
): Promise<UnitResult> {
  const entries: UnitEntry[] = [];
  const done = (stopped?: UnitStop): UnitResult => {
    // In place: the entries hold the same summaries.
    pruneWitnessSchedules(entries.filter((e): e is RunSummary => e !== 'pruned'));
    return stopped === undefined ? { entries } : { entries, stopped };
  };
  let executions = 0;
  for (const root of unit.roots) {
    let prefix: readonly number[] | null = root;
    while (prefix !== null) {
      if (executions >= unit.limit) return done('limit');
      const stop = control.stop();
      if (stop !== null) return done(stop);
      const source = { kind: 'prefix' as const, prefix, budget: unit.budget, ...(unit.session !== undefined && { session: unit.session }) };
      const run = await runner.run({ source });
      onRun?.();
      if (run.decisions === undefined) {
        if (run.status === 'error') {
          entries.push(summariseRun(analyseRun(judged, run, properties), 0));
          return done('failed');
        }
        throw new UnsupportedRequestError(runner.describe, "a 'prefix' source (its run reported no decisions)");
      }
      if (run.status === 'pruned') entries.push('pruned');
      else {
        entries.push(summariseRun(analyseRun(judged, run, properties), preemptionsOf(run.decisions)));
        executions++;
      }
      if (entries.length % YIELD_EVERY === 0) await yieldToEventLoop();
      // Never above the root: the subtree's prefixes all extend it.
      prefix = nextPrefix(run.decisions, root.length);
    }
  }
  return done();
}

/** Preemptions a run spent: its non-default choices at decisions that cost budget. */
export function preemptionsOf(decisions: readonly Decision[]): number {
  let n = 0;
  for (const d of decisions) if (d.preempts && d.chosen !== 0) n++;
  return n;
}
