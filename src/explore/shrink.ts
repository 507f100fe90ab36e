/**
 * Minimal counterexamples. The sparse schedule is the fast-check value: fast-check searches
 * sub-schedules of a schedule known to reach the outcome and shrinks the failing one by
 * deleting deviations. A final deterministic pass makes the result 1-minimal (no single
 * deviation can be removed) and replays it to keep only deviations that took effect.
 */
import fc from 'fast-check';
import type { Deviation, Schedule } from '../contract/schedule.ts';
import type { RunResult } from '../contract/run-result.ts';

export interface ShrinkResult {
  readonly schedule: Schedule;
  readonly run: RunResult;
  /** fast-check's seed and counterexample path: `fc.check(..., { seed, path })` replays the shrink. */
  readonly found?: { readonly seed: number; readonly path?: string; readonly numRuns: number };
}

export interface ShrinkOptions {
  readonly seed: number;
  /** fast-check runs before shrinking starts (each is one backend run). */
  readonly numRuns?: number;
  /** Aborted: stop shrinking and return the smallest schedule found so far. */
  readonly signal?: AbortSignal;
}

/**
 * `reaches(run)` says whether a run shows the outcome. `start` is a schedule known to reach it.
 * Returns null only if `start` itself no longer reaches it (a nondeterministic backend).
 */
export async function shrinkSchedule(
  start: Schedule,
  execute: (s: Schedule) => Promise<RunResult>,
  reaches: (run: RunResult) => boolean,
  opts: ShrinkOptions,
): Promise<ShrinkResult | null> {
  const first = await execute(start);
  if (!reaches(first)) return null;
  let best: Schedule = first.schedule;

  if (best.length > 0) {
    // fc.subarray keeps the deviations in order: a sub-schedule means "the same run with fewer preemptions".
    const arb = fc.subarray([...best] as Deviation[]);
    const stopped = () => opts.signal?.aborted === true;
    const details = await fc.check(
      // Once stopped, every candidate "passes": fast-check then keeps the smallest failure it has.
      fc.asyncProperty(arb, async (s) => stopped() || !reaches(await execute(s))),
      { seed: opts.seed, numRuns: opts.numRuns ?? 60, endOnFailure: false },
    );
    if (details.failed && details.counterexample) {
      const [shrunk] = details.counterexample;
      best = shrunk;
      const minimal = await oneMinimal(best, execute, reaches, opts.signal);
      const path = details.counterexamplePath ?? undefined;
      return { ...minimal, found: { seed: details.seed, ...(path !== undefined && { path }), numRuns: details.numRuns } };
    }
  }
  // Nothing for fast-check to search (already empty, or it found no failing sub-schedule): minimise directly.
  return oneMinimal(best, execute, reaches, opts.signal);
}

/** Delete deviations one at a time while the outcome persists; then keep what took effect. */
export async function oneMinimal(
  start: Schedule,
  execute: (s: Schedule) => Promise<RunResult>,
  reaches: (run: RunResult) => boolean,
  signal?: AbortSignal,
): Promise<{ schedule: Schedule; run: RunResult }> {
  let current = [...start];
  let run = await execute(current);
  for (let changed = true; changed && signal?.aborted !== true; ) {
    changed = false;
    for (let i = current.length - 1; i >= 0; i--) {
      const candidate = [...current.slice(0, i), ...current.slice(i + 1)];
      const r = await execute(candidate);
      if (reaches(r)) {
        current = [...r.schedule];
        run = r;
        changed = true;
        break;
      }
    }
  }
  // Prefer the applied schedule: it replays byte-identically and holds no dead deviations.
  return { schedule: run.schedule, run };
}
