/**
 * One way to execute runs, whatever the backend: explicit schedules (replay, shrinking) or a
 * seeded source (exploration). The simulated backend answers synchronously; the CPython
 * backend answers over its process pipe.
 */
import type { Scenario } from '../scenario/types.ts';
import type { RunResult } from '../contract/run-result.ts';
import type { Schedule } from '../contract/schedule.ts';
import type { DecisionSource } from '../scheduler/source.ts';
import type { PreemptionModel } from './report-types.ts';
import { runSim } from '../backends/sim/run.ts';
import { DEFAULT_IMPLEMENTATION } from '../contract/implementations.ts';
import { findImplementation, implementationIds } from '../ports/registry.ts';
import { InputError } from '../contract/input-error.ts';
import { SparseSource } from '../scheduler/sparse-source.ts';
import { RandomSource } from '../scheduler/random-source.ts';
import { BoundedSource } from '../scheduler/bounded-source.ts';

/** A seeded exploration source, described as data so that any backend can build it. */
export type SourceSpec =
  | { readonly kind: 'random'; readonly seed: string; readonly pSwitch: number; readonly pDelay: number; readonly pCancel: number }
  | {
      readonly kind: 'bounded';
      readonly seed: string;
      readonly preemptions: number;
      readonly horizon: number;
      readonly delayShare: number;
      readonly pCancel: number;
    };

export interface RunRequest {
  readonly schedule?: Schedule;
  readonly source?: SourceSpec;
  readonly recordTrace?: boolean;
}

export interface Runner {
  readonly describe: string;
  /** The implementation this runner really executes ("cpython-3.11", "cpython-3.9", ...): models and properties judge by it. */
  readonly impl: string;
  /** The CPython version whose code runs: the interpreter's ("3.11.7"), or the release a port follows. Per-version expectations match it. */
  readonly version: string;
  run(req: RunRequest): Promise<RunResult>;
  close(): Promise<void>;
}

export function buildSource(spec: SourceSpec): DecisionSource {
  return spec.kind === 'random' ? new RandomSource(spec) : new BoundedSource(spec);
}

export function simRunner(scenario: Scenario, model: PreemptionModel, maxSteps?: number): Runner {
  const impl = scenario.impl ?? DEFAULT_IMPLEMENTATION;
  // A valid impl may name a CPython only the real backend runs: the scenario asked for what the simulation lacks.
  if (findImplementation(impl) === undefined) {
    throw new InputError(
      'impl',
      `"${impl}" has no simulated port (simulated: ${implementationIds().join(', ')}); run it on the real interpreter with --backend cpython`,
      scenario.id,
    );
  }
  return {
    describe: 'sim',
    impl,
    version: findImplementation(impl)!.follows,
    run: async (req) =>
      runSim(scenario, {
        source: req.source ? buildSource(req.source) : new SparseSource(req.schedule ?? []),
        model,
        ...(maxSteps !== undefined ? { maxSteps } : {}),
        recordTrace: req.recordTrace ?? false,
      }),
    close: async () => {},
  };
}
