/**
 * What one run is asked to follow, and how each backend receives it: an explicit schedule
 * (replay, shrinking) or a seeded source described as data (exploration, enumeration), so that
 * any backend can build it. The simulation builds a DecisionSource from it (buildSource); the
 * CPython harness gets the fields of its run request (cpythonRunRequest). Both translations live
 * in this one file so that a new kind of source is added in one place for every backend.
 */
import type { Scenario } from '../scenario/types.ts';
import type { Schedule } from '../contract/schedule.ts';
import type { TargetSpec } from '../contract/target.ts';
import type { ProgramSpec } from '../contract/program.ts';
import type { DecisionSource } from '../scheduler/source.ts';
import type { SourceSpec } from '../contract/source-spec.ts';

export type { SourceSpec };
import type { CPythonRunRequest } from './cpython/backend.ts';
import { RandomSource } from '../scheduler/random-source.ts';
import { BoundedSource } from '../scheduler/bounded-source.ts';
import { PrefixSource } from '../scheduler/prefix-source.ts';

export interface RunRequest {
  readonly schedule?: Schedule;
  readonly source?: SourceSpec;
  readonly recordTrace?: boolean;
}

/** A backend was asked for something it declared it cannot do (a capability it lacks): a bug in the caller, as a value. */
export class UnsupportedRequestError extends Error {
  constructor(
    readonly backend: string,
    readonly request: string,
  ) {
    super(`${backend} cannot follow ${request}`);
    this.name = 'UnsupportedRequestError';
  }
}

/** The simulation's decision source for a seeded source. */
export function buildSource(spec: SourceSpec): DecisionSource {
  switch (spec.kind) {
    case 'random':
      return new RandomSource(spec);
    case 'bounded':
      return new BoundedSource(spec);
    case 'prefix':
      // A session's pruning memory is the runner's (src/backends/sim/runner.ts), not data of the spec.
      return new PrefixSource(spec.prefix, spec.budget);
  }
}

/** What the cpython runner (src/backends/cpython/runner.ts) asks the harness for, for one run. */
export function cpythonRunRequest(
  scenario: Scenario,
  req: RunRequest,
  opts: {
    readonly maxSteps?: number | undefined;
    readonly wallTimeMs?: number | undefined;
    readonly target?: TargetSpec | undefined;
    readonly program?: ProgramSpec | undefined;
  },
): CPythonRunRequest {
  return {
    scenario,
    ...(opts.program ? { program: opts.program } : {}),
    ...(req.schedule ? { schedule: req.schedule } : {}),
    ...(req.source ? { source: wireSource(req.source) } : {}),
    ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
    ...(opts.wallTimeMs !== undefined ? { wallTimeMs: opts.wallTimeMs } : {}),
    ...(opts.target ? { target: opts.target } : {}),
    trace: req.recordTrace ?? false,
    // A traced run is one a report shows: if it kills the harness, its trace must still show where.
    tellAll: req.recordTrace ?? false,
  };
}

/** The spec as the harness reads it (semverify_harness/sources.py): a prefix search's session is this side's memory, never sent. */
function wireSource(spec: SourceSpec): SourceSpec {
  if (spec.kind !== 'prefix' || spec.session === undefined) return spec;
  const { session: _session, ...rest } = spec;
  return rest;
}
