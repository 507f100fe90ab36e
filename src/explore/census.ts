/**
 * The census of an exploration: what every run showed, counted so that nothing hides behind
 * something else. A run counts under every outcome kind it shows (an over-admission that later
 * hangs counts as both); `primary` counts the runs a kind headlines (its most severe kind).
 */
import { maxConcurrency } from '../../properties/holders.ts';
import type { Schedule } from '../contract/schedule.ts';
import { preemptionCount, scheduleKey } from '../contract/schedule.ts';
import { OUTCOME, severityRank } from '../contract/outcomes.ts';
import type { RunAnalysis } from './analyse.ts';

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

/** `preemptions`: what the run spent (switches and delays; a search knows it, else the applied schedule's count). */
export function addToCensus(c: Census, a: RunAnalysis, preemptions: number = preemptionCount(a.run.schedule)): void {
  c.runs++;
  c.schedules.add(scheduleKey(a.run.schedule));
  const witness = { schedule: a.run.schedule, preemptions, steps: a.run.steps };
  for (const kind of a.kinds) {
    const t = c.kinds.get(kind);
    if (t === undefined) c.kinds.set(kind, { count: 1, primary: kind === a.primary ? 1 : 0, witness });
    else {
      t.count++;
      if (kind === a.primary) t.primary++;
      if (preemptions < t.witness.preemptions || (preemptions === t.witness.preemptions && witness.steps < t.witness.steps)) t.witness = witness;
    }
  }
  if (a.run.status === 'error' && c.firstError === null) c.firstError = a.run.detail ?? 'no detail';
  for (const [name, vs] of a.perProperty) {
    c.applicable.add(name);
    if (vs.length > 0) c.violatedRuns.set(name, (c.violatedRuns.get(name) ?? 0) + 1);
  }
  // Makespan is a property of scheduling, not of OS hiccups: runs with forced delays do not count.
  if (a.run.status === 'completed' && !a.run.schedule.some((d) => d.kind === 'delay')) {
    const t = a.run.endTime;
    c.makespan = c.makespan ? { min: Math.min(c.makespan.min, t), max: Math.max(c.makespan.max, t) } : { min: t, max: t };
  }
  const conc = maxConcurrency(a.run.history);
  for (const [sem, n] of Object.entries(conc.perSemaphore)) c.perSemaphore[sem] = Math.max(c.perSemaphore[sem] ?? 0, n);
  c.overall = Math.max(c.overall, conc.overall);
}

/** Kinds that occurred, most severe first (`ok` last); equally severe ones by how often they occurred. */
export function kindsBySeverity(c: Census): string[] {
  return [...c.kinds.keys()].sort((a, b) => severityRank(a) - severityRank(b) || c.kinds.get(b)!.count - c.kinds.get(a)!.count || a.localeCompare(b));
}

/** Runs that showed nothing but `ok`. */
export function okRuns(c: Census): number {
  return c.kinds.get(OUTCOME.ok)?.count ?? 0;
}
