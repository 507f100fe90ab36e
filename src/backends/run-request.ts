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
import type { DecisionSource } from '../scheduler/source.ts';
import type { CPythonRunRequest, RandomPolicy } from './cpython/backend.ts';
import { RandomSource } from '../scheduler/random-source.ts';
import { BoundedSource } from '../scheduler/bounded-source.ts';
import { PrefixSource } from '../scheduler/prefix-source.ts';

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
    }
  /**
   * Depth-first enumeration (src/explore/exhaustive.ts): choice `prefix[i]` at the i-th decision,
   * the default after the prefix, at most `budget` preemptions. The run reports every decision it
   * met (RunResult.decisions). Sent only to backends that declare `enumerates`.
   */
  | {
      readonly kind: 'prefix';
      readonly prefix: readonly number[];
      readonly budget: number;
      /**
       * Runs of one search that share the memory of states reached, for backends that `prune`
       * (a run may then come back `pruned`); ignored by the others. Absent: no reduction.
       */
      readonly session?: string;
    };

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
  opts: { readonly maxSteps?: number | undefined; readonly wallTimeMs?: number | undefined; readonly target?: TargetSpec | undefined },
): CPythonRunRequest {
  return {
    scenario,
    ...(req.schedule ? { schedule: req.schedule } : {}),
    ...(req.source ? { random: randomPolicy(req.source) } : {}),
    ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
    ...(opts.wallTimeMs !== undefined ? { wallTimeMs: opts.wallTimeMs } : {}),
    ...(opts.target ? { target: opts.target } : {}),
    trace: req.recordTrace ?? false,
    // A traced run is one a report shows: if it kills the harness, its trace must still show where.
    tellAll: req.recordTrace ?? false,
  };
}

/**
 * The harness draws its own random choices (Python's random.Random): a bounded source becomes
 * the coin-flip policy with the same expected number of preemptions per run.
 */
function randomPolicy(spec: SourceSpec): RandomPolicy {
  // The harness has no prefix source yet: the cpython backend declares `enumerates: false`, so none is sent.
  if (spec.kind === 'prefix') throw new UnsupportedRequestError('cpython', "a 'prefix' source");
  const seed = hashSeed(spec.seed);
  if (spec.kind === 'random') return { seed, pSwitch: spec.pSwitch, pDelay: spec.pDelay, pCancel: spec.pCancel };
  const p = spec.preemptions / Math.max(1, spec.horizon);
  return { seed, pSwitch: p * (1 - spec.delayShare), pDelay: p * spec.delayShare, pCancel: spec.pCancel };
}

/** FNV-1a: a stable 32-bit integer for a string seed. */
function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
