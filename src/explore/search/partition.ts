/**
 * How an exploration is cut into units (units.ts) and how their results merge back.
 *
 * The cut never depends on how many workers or shards there are: that is what makes `--workers`
 * and `--shard` give the report a single sequential run gives, byte for byte.
 *
 * - Sampling: chunks of SAMPLE_CHUNK consecutive run indices.
 * - A bounded search: the default run first (a `path` unit), then the subtrees that branch off it:
 *   one per non-default choice at each of its decisions, in depth-first order (the deepest
 *   decision's first). Consecutive subtrees are grouped into SEARCH_UNITS units of about equal
 *   estimated size. Concatenating the units' runs in order is the sequential depth-first order.
 *   A unit is one pruning session: happens-before caching (src/scheduler/prefix-source.ts) prunes
 *   within a unit, never across, so the pruning too is the same however units are spread.
 */
import type { Decision } from '../../contract/schedule.ts';
import type { RunSummary } from '../run-summary.ts';
import { BLOCKED_RUNS_BEFORE_STOPPING, type SampleFamily, type Unit, type UnitResult, type UnitStop } from './units.ts';

/** Runs per sampling unit. */
export const SAMPLE_CHUNK = 200;

/**
 * Units of one bounded search. Fixed, because pruning sessions are per unit: more units spread
 * better over workers and shards, and prune less. Measured on asyncio-shared-3-threads (executions
 * to complete bound 2 / bound 3): one session 2,242 / 43,003; 2 units 2,251 / 44,421; 4 units
 * 2,403 / 44,993; 8 units 2,615 / 53,136. Four keep most of the reduction and fill two cores.
 */
export const SEARCH_UNITS = 4;

export function sampleUnits(family: SampleFamily, from: number, to: number): Unit[] {
  const units: Unit[] = [];
  for (let a = from; a <= to; a += SAMPLE_CHUNK) units.push({ kind: 'sample', family, from: a, to: Math.min(to, a + SAMPLE_CHUNK - 1) });
  return units;
}

/**
 * The subtrees branching off the default run, in depth-first order, each with a rough size: a
 * subtree starting at decision i has about (decisions after i)^(preemptions left) runs.
 */
export function subtreeRoots(decisions: readonly Decision[], budget: number): { readonly root: number[]; readonly weight: number }[] {
  const out: { root: number[]; weight: number }[] = [];
  const m = decisions.length;
  const path = decisions.map((d) => d.chosen);
  for (let i = m - 1; i >= 0; i--) {
    const d = decisions[i]!;
    for (let c = d.chosen + 1; c < d.arity; c++) {
      const left = Math.max(0, budget - (d.preempts ? 1 : 0));
      out.push({ root: [...path.slice(0, i), c], weight: (m - i) ** left });
    }
  }
  return out;
}

/** The subtree units of a bounded search whose default run met `decisions`; `session(u)` names unit u's pruning session. */
export function searchUnits(decisions: readonly Decision[], budget: number, limit: number, session: (unit: number) => string | undefined): Unit[] {
  const roots = subtreeRoots(decisions, budget);
  const total = roots.reduce((s, r) => s + r.weight, 0);
  const groups: number[][][] = [];
  let current: number[][] = [];
  let cumulative = 0;
  for (const r of roots) {
    current.push(r.root);
    cumulative += r.weight;
    // Close the group once it reaches its share of the whole (the last group takes the rest).
    if (groups.length < SEARCH_UNITS - 1 && cumulative >= (total * (groups.length + 1)) / SEARCH_UNITS) {
      groups.push(current);
      current = [];
    }
  }
  if (current.length > 0) groups.push(current);
  return groups.map((g, u) => {
    const s = session(u);
    return { kind: 'subtree', roots: g, budget, limit, ...(s !== undefined && { session: s }) };
  });
}

/** Executions a unit's results count toward a run limit. */
export function executionsOf(r: UnitResult): number {
  let n = 0;
  for (const e of r.entries) if (e !== 'pruned') n++;
  return n;
}

export interface MergedSearch {
  /** The executed runs in depth-first order, each with the preemptions it spent. */
  readonly runs: readonly RunSummary[];
  readonly executions: number;
  readonly pruned: number;
  /** Every schedule within the budget was run (or pruned as equivalent to one that was). */
  readonly complete: boolean;
  readonly maxPreemptions: number;
}

/**
 * A bounded search's runs as one depth-first search gives them: the default run, then the units'
 * runs in order, cut after `limit` executions (with the pruned runs met before the cut).
 */
export function mergeSearch(probe: UnitResult, units: readonly UnitResult[], limit: number): MergedSearch {
  const runs: RunSummary[] = [];
  let pruned = 0;
  let maxPreemptions = 0;
  let complete = true;
  const take = (r: UnitResult): boolean => {
    for (const e of r.entries) {
      if (runs.length >= limit) {
        complete = false;
        return false;
      }
      if (e === 'pruned') pruned++;
      else {
        runs.push(e);
        maxPreemptions = Math.max(maxPreemptions, e.preemptions);
      }
    }
    if (r.stopped !== undefined) complete = false;
    return r.stopped === undefined;
  };
  if (take(probe)) for (const u of units) if (!take(u)) break;
  return { runs, executions: runs.length, pruned, complete, maxPreemptions };
}

/** Whether a search's units after `done` (the results so far, in order) can still change its merge. */
export function searchNeedsMore(probe: UnitResult, done: readonly UnitResult[], limit: number): boolean {
  if (probe.stopped !== undefined) return false;
  let executions = executionsOf(probe);
  for (const r of done) {
    executions += executionsOf(r);
    if (r.stopped !== undefined || executions >= limit) return false;
  }
  return true;
}

export interface MergedSample {
  readonly runs: readonly RunSummary[];
  /** Why the stream ended early (absent: every planned run is in it). */
  readonly stopped?: UnitStop;
}

/**
 * Sampling units' runs as one loop gives them: in index order, ending at the first unit that
 * stopped early, and after BLOCKED_RUNS_BEFORE_STOPPING blocked runs in a row across units
 * (`blockedBefore`: how many the runs before these ended with).
 */
export function mergeSamples(results: readonly UnitResult[], planned: number, blockedBefore: number): MergedSample {
  const runs: RunSummary[] = [];
  let blocked = blockedBefore;
  for (const r of results) {
    for (const e of r.entries) {
      if (e === 'pruned') continue; // sampling never prunes
      if (blocked >= BLOCKED_RUNS_BEFORE_STOPPING) return { runs, stopped: 'blocked' };
      runs.push(e);
      blocked = e.failure === 'wall-time' ? blocked + 1 : 0;
    }
    if (r.stopped === 'blocked') return blocked >= BLOCKED_RUNS_BEFORE_STOPPING && runs.length < planned ? { runs, stopped: 'blocked' } : { runs };
    if (r.stopped !== undefined) return { runs, stopped: r.stopped };
  }
  return { runs };
}

/** Whether sampling units after `done` can still change the merge. */
export function samplesNeedMore(done: readonly UnitResult[]): boolean {
  return !done.some((r) => r.stopped !== undefined);
}
