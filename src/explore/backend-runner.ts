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
import { DEFAULT_IMPLEMENTATION, findImplementation, implementationIds } from '../ports/registry.ts';
import { InputError } from '../scenario/errors.ts';
import { SparseSource } from '../scheduler/sparse-source.ts';
import { RandomSource } from '../scheduler/random-source.ts';
import { BoundedSource } from '../scheduler/bounded-source.ts';
import { PrefixSource } from '../scheduler/prefix-source.ts';

/**
 * An exploration source, described as data so that any backend can build it: the simulation
 * here, the harness from the same spec sent over its pipe (semverify_harness/sources.py). Seeded
 * sources draw from the contract's generator, so a spec makes the same decisions on both
 * backends wherever they reach the same points.
 */
export type SourceSpec =
  | { readonly kind: 'random'; readonly seed: string; readonly pSwitch: number; readonly pDelay: number; readonly pCancel: number }
  | {
      readonly kind: 'bounded';
      readonly seed: string;
      readonly preemptions: number;
      readonly horizon: number;
      readonly delayShare: number;
      readonly pCancel: number;
    }
  /** Depth-first enumeration: the run takes these choice indices, then defaults; its result carries `decisions`, for nextPrefix. */
  | { readonly kind: 'prefix'; readonly prefix: readonly number[]; readonly budget: number };

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
  switch (spec.kind) {
    case 'random':
      return new RandomSource(spec);
    case 'bounded':
      return new BoundedSource(spec);
    case 'prefix':
      return new PrefixSource(spec.prefix, spec.budget);
  }
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
    run: async (req) => {
      const source = req.source ? buildSource(req.source) : new SparseSource(req.schedule ?? []);
      const run = runSim(scenario, { source, model, ...(maxSteps !== undefined ? { maxSteps } : {}), recordTrace: req.recordTrace ?? false });
      return source instanceof PrefixSource ? { ...run, decisions: source.log } : run;
    },
    close: async () => {},
  };
}
