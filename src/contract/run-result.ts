/**
 * What one run of a scenario under one schedule produces, on any backend.
 */
import type { HistoryEvent } from './events.ts';
import type { Decision, Deviation, Schedule } from './schedule.ts';
import type { SemaphoreKind } from '../scenario/types.ts';

export type BlockedOn =
  | { readonly kind: 'lock'; readonly lock: string }
  | { readonly kind: 'sleep'; readonly until: number }
  | { readonly kind: 'select'; readonly loop: string; readonly until: number | null };

/** One row of the execution trace: a step of one thread between two scheduling points. */
export interface TraceEntry {
  readonly step: number;
  readonly time: number;
  readonly thread: string;
  readonly task: string | null;
  /** CPython source location of the point where this step ended, e.g. "asyncio/locks.py:Semaphore.acquire:373". */
  readonly label: string;
  /** What happened, in words: "point", "blocks on lock#3", "select(timeout=None)", "acquired sem", ... */
  readonly what: string;
  /**
   * Present exactly on rows that are scheduling points: the occurrence of `label` on `thread`
   * (1-based). (thread, label, occ) is what a deviation can name, on both backends.
   */
  readonly occ?: number;
  /** Shared objects this step read and wrote, e.g. "sem._value". */
  readonly reads?: readonly string[];
  readonly writes?: readonly string[];
  /** The deviation taken at this point, if any. */
  readonly decision?: Deviation;
  /** The thread blocks at this point: on what (a lock, a sleep, its loop's selector), until when (virtual seconds; null: until woken). */
  readonly blocks?: BlockedOn;
}

/** The state of one semaphore instance when the run's outcome was decided. */
export interface SemaphoreFinal {
  readonly id: string;
  readonly kind: SemaphoreKind;
  readonly initial: number;
  readonly bounded: boolean;
  /** The implementation's own `_value`; null when it has none (a --target class that keeps its count elsewhere). */
  readonly value: number | null;
  /**
   * Permits already handed to woken waiters that have not yet returned from acquire(): CPython >= 3.10
   * asyncio decrements `_value` on their behalf in `_wake_up_next`. 0 for threading and for older asyncio.
   * `value + inFlight` is what the history's completed operations account for.
   */
  readonly inFlight: number;
  /** Waiters still registered (asyncio: futures in `_waiters`; threading: Condition waiters). */
  readonly waiters: number;
  /** Loop id the asyncio semaphore is bound to, or null. */
  readonly boundLoop: string | null;
}

export interface BlockedThread {
  readonly thread: string;
  /** Human description of what it waits on: "select(timeout=None) on loop@T1", "lock#2 (sem._cond)". */
  readonly on: string;
  /** Tasks of this thread's loop still pending, with what each awaits. */
  readonly tasks?: readonly { readonly task: string; readonly awaits: string }[];
}

/**
 * - `completed`: every thread finished
 * - `hang`: nothing can run and no timer is pending, but some thread has not finished
 * - `step-limit`: the run exceeded its step budget
 * - `error`: the run failed (see RunFailure): never a property verdict, never ok
 * - `pruned`: a search abandoned the run at a state an equivalent schedule had reached (partial-order
 *   reduction, src/explore/search/): not a run of its own, never judged or counted. Only a backend
 *   that `prunes` returns it; the harness never does.
 */
export const RUN_STATUSES = ['completed', 'hang', 'step-limit', 'error', 'pruned'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Why a run failed (status 'error'), as a value: decide on `kind`, never on `detail`'s words.
 * The first three come from the harness itself; the others from its driver, which saw the process
 * die, stall or answer nonsense (src/backends/cpython/backend.ts).
 */
export type RunFailure =
  /** The code under test raised what no semaphore call may end with: any exception from a constructor, KeyboardInterrupt from acquire, ... */
  | { readonly kind: 'code-raised'; readonly exception: string }
  /** The code under test raised SystemExit (sys.exit). */
  | { readonly kind: 'code-exited'; readonly exception: string }
  /** The harness failed on its own: an exception of its (a bug, a scenario it cannot interpret), or it could not start. */
  | { readonly kind: 'harness-error'; readonly traceback?: string }
  /** The harness process ended during the run: an exit code (os._exit in the code under test?) or a signal (killed from outside, a crash in C). */
  | { readonly kind: 'harness-exited'; readonly code: number | null; readonly signal: string | null }
  /** No progress for `seconds` of wall time: the code under test blocks outside what the harness controls. The process was killed. */
  | { readonly kind: 'wall-time'; readonly seconds: number }
  /** The harness's reply failed validation at `field`, a path such as "result.history[3].kind". */
  | { readonly kind: 'protocol'; readonly field: string }
  /**
   * A program reached what semverify cannot control (docs/programs.md): `subprocess` (another process),
   * `socket` (a real socket), `select` (a wait on real file descriptors). Bad input, not a finding.
   */
  | { readonly kind: 'uncontrolled'; readonly what: UncontrolledUse };

/** What a program may not use under semverify's control (the harness's guards.py). */
export const UNCONTROLLED_USES = ['subprocess', 'socket', 'select'] as const;
export type UncontrolledUse = (typeof UNCONTROLLED_USES)[number];

export type RunFailureKind = RunFailure['kind'];

/** The failure kinds the harness may report about a run itself; the others are its driver's. */
export const HARNESS_FAILURE_KINDS = ['code-raised', 'code-exited', 'harness-error', 'uncontrolled'] as const satisfies readonly RunFailureKind[];

export interface RunResult {
  readonly status: RunStatus;
  readonly history: readonly HistoryEvent[];
  readonly trace: readonly TraceEntry[];
  readonly semaphores: readonly SemaphoreFinal[];
  /** Present when status is 'hang'. */
  readonly blocked?: readonly BlockedThread[];
  /** Virtual time at which the run ended. */
  readonly endTime: number;
  readonly steps: number;
  /** The deviations that actually took effect: replaying them reproduces the run exactly. */
  readonly schedule: Schedule;
  /** Backend-specific description when status is 'error' (one line, for people; `failure` is for code). */
  readonly detail?: string;
  /**
   * Why the run failed: present exactly when status is 'error' (on the CPython backend, or in the
   * simulation when a port's version cannot run an operation, e.g. cancel(msg) before 3.9).
   */
  readonly failure?: RunFailure;
  /**
   * Present exactly when the run followed a `prefix` source (src/backends/run-request.ts): every
   * decision with more than one option, in order. nextPrefix (src/scheduler/prefix-source.ts) makes
   * the next prefix of a depth-first enumeration from it, on either backend.
   */
  readonly decisions?: readonly Decision[];
  /** A program's run (docs/programs.md): every thread it started, in order, `main` first. */
  readonly threads?: readonly string[];
  /** A program's traced run: what it printed (stdout and stderr as written, object addresses normalised). */
  readonly output?: string;
}

/**
 * Trace accesses name shared objects: a semaphore's fields and deques by its id (`sem._value`,
 * `sem._waiters[]`), the runtime's own objects by kind (`lock:…`, `fut:…`, `loop@T1.ready`,
 * `history`, `clock`), a call's temporaries as `local:…`. True for a semaphore's own state: what a
 * race is about.
 */
export function isSemaphoreState(obj: string): boolean {
  return !/^(loop@|fut:|lock:|local:)/.test(obj) && obj !== 'history' && obj !== 'clock';
}
