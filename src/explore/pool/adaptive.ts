/**
 * Threads only where they pay: a job's units run here, in order, until the job has taken
 * INLINE_MS of wall time; whatever is left then goes to the pool, this thread included. Most checks of the simulation
 * finish within that (starting threads would cost more than it saves); long ones, and the real
 * backend's, spread over the threads. Where a unit runs never changes its result, so this choice,
 * the only one made by the clock, cannot change a report.
 */
import type { Unit, UnitResult } from '../search/units.ts';
import { epochNow, type UnitExecutor, type UnitJob } from './executor.ts';

/** Wall time a job runs in this thread before the rest of it is handed to the pool. */
export const INLINE_MS = 250;

export function adaptiveExecutor(inline: UnitExecutor, pool: UnitExecutor, inlineMs = INLINE_MS): UnitExecutor {
  // This thread keeps taking units beside the pool's threads: it is one of the --workers.
  const runHere = async (unit: Unit): Promise<UnitResult> => (await inline.execute({ units: [unit], needMore: () => false }))[0]!;
  return {
    parallelism: pool.parallelism,
    async execute(job) {
      const started = epochNow();
      const done: UnitResult[] = [];
      for (let i = 0; i < job.units.length; i++) {
        if (i > 0 && !job.needMore(done)) return done;
        if (epochNow() - started > inlineMs && job.units.length - i > 1) return [...done, ...(await pool.execute(rest(job, done), runHere))];
        const unit = job.refine ? job.refine(i, done) : job.units[i]!;
        const [result] = await inline.execute({ units: [unit], needMore: () => false });
        done.push(result!);
      }
      return done;
    },
    async close() {
      await pool.close();
      await inline.close();
    },
  };
}

/** The job's units after the `done` prefix, with its questions answered about the whole. */
function rest(job: UnitJob, done: readonly UnitResult[]): UnitJob {
  const k = done.length;
  return {
    units: job.units.slice(k),
    needMore: (more) => job.needMore([...done, ...more]),
    ...(job.refine !== undefined && {
      refine: (i: number, finished: readonly (UnitResult | undefined)[]) => job.refine!(k + i, [...done, ...finished]),
    }),
  };
}
