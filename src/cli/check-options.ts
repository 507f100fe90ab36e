/** The exploration options a check's flags ask for, shared by check, --shard and the report files. */
import type { CheckOptions } from '../explore/check.ts';
import type { CheckFlags } from './flags.ts';

/** The exploration options the flags ask for (the run's own hooks, progress and interrupts, are added by the caller). */
export function checkOptionsOf(flags: CheckFlags): CheckOptions {
  return {
    seed: flags.seed,
    ...(flags.runs !== undefined && { runs: flags.runs }),
    backend: flags.backend,
    model: flags.model,
    ...(flags.python !== undefined && { python: flags.python }),
    ...(flags.impl !== undefined && { impl: flags.impl }),
    ...(flags.maxSteps !== undefined && { maxSteps: flags.maxSteps }),
    confirm: flags.confirm,
    ...(flags.timeLimit !== undefined && { timeLimitSeconds: flags.timeLimit }),
    search: flags.search,
    ...(flags.bound !== undefined && { bound: flags.bound }),
    ...(flags.target !== undefined && { target: flags.target, pythonpath: flags.pythonpath ?? [] }),
  };
}
