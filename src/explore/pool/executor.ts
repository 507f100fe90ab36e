/**
 * Where units (src/explore/search/units.ts) run. An executor takes the units of one step of an
 * exploration and returns their results in unit order, for as long a prefix of them as the step
 * needs. The inline executor runs them one after another on the check's own runner; the worker
 * pool (worker-pool.ts) spreads them over threads. Both return the same results: units are pure.
 */
import type { Scenario } from '../../scenario/types.ts';
import type { Property } from '../../../properties/api.ts';
import type { Runner } from '../../backends/runner.ts';
import { executeUnit, type Unit, type UnitControl, type UnitResult } from '../search/units.ts';

export interface UnitJob {
  readonly units: readonly Unit[];
  /** Given the results of a prefix of the units, in order: whether the units after it are still needed. */
  needMore(done: readonly UnitResult[]): boolean;
  /**
   * The unit to run in place of units[index], given what has finished (sparse: undefined where a
   * unit has not): lets a search lower a later unit's run limit once earlier units used the budget.
   * It may only cut work the merge would discard.
   */
  refine?(index: number, finished: readonly (UnitResult | undefined)[]): Unit;
}

/** Runs one unit in the caller's thread, on the check's own runner. */
export type LocalUnitRunner = (unit: Unit) => Promise<UnitResult>;

export interface UnitExecutor {
  /** How many units it may run at once (1: inline). */
  readonly parallelism: number;
  /**
   * Results of units 0..k in order, k the first at which `needMore` said no (or the last unit).
   * `local`, where given, lets the caller's thread take units too (the pool's; inline ignores it).
   */
  execute(job: UnitJob, local?: LocalUnitRunner): Promise<UnitResult[]>;
  close(): Promise<void>;
}

/** When a running unit must stop: an interrupt, the exploration's deadline (an epoch time in ms, comparable across threads). */
export interface StopConditions {
  readonly signal?: AbortSignal;
  readonly deadlineEpochMs: number;
}

export function epochNow(): number {
  return performance.timeOrigin + performance.now(); // wall-clock: only ever a deadline, never a verdict
}

export function controlFor(stop: StopConditions, cancelled: () => boolean = () => false): UnitControl {
  return {
    stop: () => {
      if (stop.signal?.aborted === true || cancelled()) return 'interrupted';
      return epochNow() > stop.deadlineEpochMs ? 'deadline' : null;
    },
  };
}

export function inlineExecutor(runner: Runner, judged: Scenario, properties: readonly Property[], stop: StopConditions, onRun?: () => void): UnitExecutor {
  const control = controlFor(stop);
  return {
    parallelism: 1,
    async execute(job) {
      const results: UnitResult[] = [];
      for (let i = 0; i < job.units.length; i++) {
        if (i > 0 && !job.needMore(results)) break;
        const unit = job.refine ? job.refine(i, results) : job.units[i]!;
        results.push(await executeUnit(runner, judged, properties, unit, control, onRun));
      }
      return results;
    },
    close: async () => {},
  };
}
