/**
 * What the census keeps of one explored run: the run judged, reduced to plain data. Runs are
 * judged where they execute (in a worker thread, in a shard on another machine) and only their
 * summaries travel: a summary is small, serialisable, and enough to build the census exactly as
 * if the run had been judged in place. The full run (history, trace) is never needed again: a
 * counterexample is replayed from its schedule.
 */
import { maxConcurrency } from '../../properties/holders.ts';
import type { RunFailureKind, RunStatus } from '../contract/run-result.ts';
import { preemptionCount, type Schedule, scheduleKey } from '../contract/schedule.ts';
import type { RunAnalysis } from './analyse.ts';

export interface RunSummary {
  /** Every outcome kind the run showed, most severe first. */
  readonly kinds: readonly string[];
  readonly primary: string;
  readonly status: RunStatus;
  /** One line, for the report's note on failed runs (status error). */
  readonly detail?: string;
  /** Why a run failed, where the backend knows (a run stopped by the wall-time guard counts toward "blocked in a row"). */
  readonly failure?: RunFailureKind;
  /** Preemptions the run spent (a search knows them; else those of the applied schedule). */
  readonly preemptions: number;
  readonly steps: number;
  readonly endTime: number;
  /** Whether the schedule forced an OS delay (such runs do not count toward the makespan). */
  readonly delayed: boolean;
  /** Distinct-schedule identity: a hash of the canonical schedule text. */
  readonly scheduleHash: string;
  /**
   * The applied schedule, kept only where the run may become a kind's witness (the fewest
   * preemptions, then steps, so far in its stream); dropped elsewhere to keep summaries small.
   */
  schedule?: Schedule;
  /** Properties that applied to the run, and those of them it violated. */
  readonly applicable: readonly string[];
  readonly violated: readonly string[];
  readonly concurrency: { readonly perSemaphore: Readonly<Record<string, number>>; readonly overall: number };
}

export function summariseRun(a: RunAnalysis, preemptions: number = preemptionCount(a.run.schedule)): RunSummary {
  const run = a.run;
  const applicable: string[] = [];
  const violated: string[] = [];
  for (const [name, vs] of a.perProperty) {
    applicable.push(name);
    if (vs.length > 0) violated.push(name);
  }
  return {
    kinds: a.kinds,
    primary: a.primary,
    status: run.status,
    ...(run.detail !== undefined && { detail: run.detail }),
    ...(run.failure !== undefined && { failure: run.failure.kind }),
    preemptions,
    steps: run.steps,
    endTime: run.endTime,
    delayed: run.schedule.some((d) => d.kind === 'delay'),
    scheduleHash: scheduleHashOf(run.schedule),
    schedule: run.schedule,
    applicable,
    violated,
    concurrency: maxConcurrency(run.history),
  };
}

/** Whether `a` is a better witness than `b`: fewer preemptions, then fewer steps (ties keep the earlier run). */
export function betterWitness(a: Pick<RunSummary, 'preemptions' | 'steps'>, b: Pick<RunSummary, 'preemptions' | 'steps'>): boolean {
  return a.preemptions < b.preemptions || (a.preemptions === b.preemptions && a.steps < b.steps);
}

/**
 * Drop the schedules no census can take as a witness: a run whose every kind had, earlier in the
 * same stream, a run at least as good. Whatever comes before the stream in a merge only raises
 * the bar, so the runs kept are a superset of those any merge needs. Mutates and returns `runs`.
 */
export function pruneWitnessSchedules(runs: RunSummary[]): RunSummary[] {
  const best = new Map<string, RunSummary>();
  for (const r of runs) {
    let candidate = false;
    for (const kind of r.kinds) {
      const b = best.get(kind);
      if (b === undefined || betterWitness(r, b)) {
        best.set(kind, r);
        candidate = true;
      }
    }
    if (!candidate) delete r.schedule;
  }
  return runs;
}

/** The identity RunSummary.scheduleHash gives a schedule. */
export function scheduleHashOf(schedule: Schedule): string {
  return hashText(scheduleKey(schedule));
}

/** 64 bits of FNV-1a (two 32-bit lanes with different offsets), as hex: equal texts, equal hashes; a collision is negligible. */
function hashText(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
