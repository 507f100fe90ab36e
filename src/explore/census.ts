/**
 * The census of an exploration: what every run showed, counted so that nothing hides behind
 * something else. A run counts under every outcome kind it shows (an over-admission that later
 * hangs counts as both); `primary` counts the runs a kind headlines (its most severe kind).
 */
import type { Schedule } from '../contract/schedule.ts';
import { OUTCOME, severityRank } from '../contract/outcomes.ts';
import { betterWitness, type RunSummary } from './run-summary.ts';

export interface KindTally {
  /** Runs in which the kind occurred. */
  count: number;
  /** Runs the kind headlined. */
  primary: number;
  /**
   * The run that showed it with the fewest preemptions, then the fewest steps: where its minimal
   * counterexample starts. Under a complete bounded search this is a proven minimum.
   */
  witness: { schedule: Schedule; preemptions: number; steps: number };
}

export interface Census {
  runs: number;
  /** Distinct schedules, by hash (RunSummary.scheduleHash). */
  readonly schedules: Set<string>;
  readonly kinds: Map<string, KindTally>;
  /** Runs in which each property was violated. */
  readonly violatedRuns: Map<string, number>;
  /** Properties that applied to at least one run. */
  readonly applicable: Set<string>;
  makespan: { min: number; max: number } | null;
  readonly perSemaphore: Record<string, number>;
  overall: number;
  /** The first run that failed (status error), for the report's notes. */
  firstError: string | null;
}

export function newCensus(): Census {
  return {
    runs: 0,
    schedules: new Set(),
    kinds: new Map(),
    violatedRuns: new Map(),
    applicable: new Set(),
    makespan: null,
    perSemaphore: {},
    overall: 0,
    firstError: null,
  };
}

/**
 * Count one run. Runs are added in exploration order (the order is part of the result: of equally
 * good witnesses the first is kept), whether they ran here, in worker threads or in shards.
 */
export function addToCensus(c: Census, r: RunSummary): void {
  c.runs++;
  c.schedules.add(r.scheduleHash);
  for (const kind of r.kinds) {
    const t = c.kinds.get(kind);
    if (t === undefined) c.kinds.set(kind, { count: 1, primary: kind === r.primary ? 1 : 0, witness: witnessOf(r) });
    else {
      t.count++;
      if (kind === r.primary) t.primary++;
      if (betterWitness(r, t.witness)) t.witness = witnessOf(r);
    }
  }
  if (r.status === 'error' && c.firstError === null) c.firstError = r.detail ?? 'no detail';
  for (const name of r.applicable) c.applicable.add(name);
  for (const name of r.violated) c.violatedRuns.set(name, (c.violatedRuns.get(name) ?? 0) + 1);
  // Makespan is a property of scheduling, not of OS hiccups: runs with forced delays do not count.
  if (r.status === 'completed' && !r.delayed) {
    const t = r.endTime;
    c.makespan = c.makespan ? { min: Math.min(c.makespan.min, t), max: Math.max(c.makespan.max, t) } : { min: t, max: t };
  }
  for (const [sem, n] of Object.entries(r.concurrency.perSemaphore)) c.perSemaphore[sem] = Math.max(c.perSemaphore[sem] ?? 0, n);
  c.overall = Math.max(c.overall, r.concurrency.overall);
}

function witnessOf(r: RunSummary): KindTally['witness'] {
  // pruneWitnessSchedules keeps the schedule of every run that can become a witness.
  if (r.schedule === undefined) throw new Error('a run that became a witness has no schedule: its summary was pruned wrongly');
  return { schedule: r.schedule, preemptions: r.preemptions, steps: r.steps };
}

/** Kinds that occurred, most severe first (`ok` last); equally severe ones by how often they occurred. */
export function kindsBySeverity(c: Census): string[] {
  return [...c.kinds.keys()].sort((a, b) => severityRank(a) - severityRank(b) || c.kinds.get(b)!.count - c.kinds.get(a)!.count || a.localeCompare(b));
}

/** Runs that showed nothing but `ok`. */
export function okRuns(c: Census): number {
  return c.kinds.get(OUTCOME.ok)?.count ?? 0;
}
