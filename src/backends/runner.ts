/**
 * The one interface every backend implements: a Backend declares what it can do and opens
 * Runners; a Runner executes runs of one scenario. explore/ sees backends only through this
 * file, run-request.ts and registry.ts, and decides by capabilities, never by a backend's name.
 */
import type { Scenario } from '../scenario/types.ts';
import type { RunResult } from '../contract/run-result.ts';
import type { BackendName, PreemptionModel } from '../contract/names.ts';
import type { RunRequest } from './run-request.ts';
import type { ProgramSpec } from '../contract/program.ts';

export interface Runner {
  readonly describe: string;
  /** The implementation this runner really executes ("cpython-3.11", "cpython-3.9", ...): models and properties judge by it. */
  readonly impl: string;
  /** The CPython version whose code runs: the interpreter's ("3.11.7"), or the release a port follows. Per-version expectations match it. */
  readonly version: string;
  run(req: RunRequest): Promise<RunResult>;
  /** A prefix search's session is over: its memory of states reached may go (backends that `prune`). */
  endSession?(session: string): void;
  close(): Promise<void>;
}

/** How to open a runner; each option applies only where the backend's capabilities say so. */
export interface OpenOptions {
  readonly model: PreemptionModel;
  /** `executes: 'interpreter'` only: a CPython version ("3.11", "3.11.7") or an interpreter path. */
  readonly python?: string;
  readonly maxSteps?: number;
  /** `runsTargets` only: `module.path:ClassName` checked in place of the standard library's semaphores. */
  readonly target?: string;
  /** Directories the harness puts first on sys.path to import `target`. */
  readonly pythonpath?: readonly string[];
  /**
   * cpython only: the per-run wall-time guard (CPythonRunRequest.wallTimeMs; default 10 s). Internal,
   * for tests of blocking code: no flag sets it, and it is not the exploration's --time-limit.
   */
  readonly wallTimeMs?: number;
  /**
   * `runsPrograms` only: run this Python program as it is, instead of the scenario (docs/programs.md);
   * the scenario then only carries the program's name and expectations.
   */
  readonly program?: ProgramSpec;
}

export interface BackendCapabilities {
  /**
   * What executes the scenario. `port`: TypeScript ports of CPython's semaphores on the simulated
   * runtime, each following one CPython release. `interpreter`: an installed CPython's own standard
   * library, picked with --python.
   */
  readonly executes: 'port' | 'interpreter';
  /**
   * Follows a `prefix` source and reports the decisions it met (RunResult.decisions): a scenario
   * with one thread is then enumerated exhaustively instead of sampled.
   */
  readonly enumerates: boolean;
  /**
   * Prunes equivalent schedules in a prefix search (partial-order reduction): runs of one search
   * `session` share the memory of states reached, and a run reaching one again with no fewer
   * preemptions left comes back `pruned`. Needs the accesses of every step (the simulated runtime
   * records them); a backend without it runs every prefix in full.
   */
  readonly prunes: boolean;
  /**
   * Where its minimal counterexamples are confirmed: `interpreter-of-port`, replayed on the installed
   * interpreter of the release its port follows (on the backend that `executes: 'interpreter'`);
   * null when it runs the real thing already.
   */
  readonly confirmsOn: 'interpreter-of-port' | null;
  /** The preemption models it can run (--model). */
  readonly preemptionModels: readonly PreemptionModel[];
  /** Runs a user's class in place of the scenario's semaphores (--target, --pythonpath). */
  readonly runsTargets: boolean;
  /** Runs a Python program as it is (`check script.py`), its threads and semaphores found as it runs. */
  readonly runsPrograms: boolean;
}

export interface Backend {
  readonly name: BackendName;
  readonly capabilities: BackendCapabilities;
  /**
   * A runner for `scenario`. Bad input (an implementation it has no code for, a missing interpreter,
   * an unusable target) is an InputError naming the field or flag.
   */
  open(scenario: Scenario, options: OpenOptions): Promise<Runner>;
}
