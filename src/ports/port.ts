/**
 * What an implementation under test provides. A port is one Python semaphore class written
 * against the simulated runtime; ports of other CPython versions, or a user's own design,
 * sit beside the 3.11 ones and register in ports/registry.ts without touching the runtime.
 */
import type { Py } from '../runtime/instructions.ts';
import type { PyRuntime } from '../runtime/runtime.ts';
import type { SemaphoreKind } from '../scenario/types.ts';

export interface SemaphoreSnapshot {
  readonly value: number;
  readonly waiters: number;
  /** Permits handed to woken waiters that have not returned from acquire() yet. */
  readonly inFlight: number;
  readonly boundLoop: string | null;
}

/** threading.Semaphore.acquire(blocking=True, timeout=None)'s arguments. asyncio ports take none (a timeout there is asyncio.wait_for around the call). */
export interface AcquireOptions {
  /** False: `acquire(False)` returns False at once instead of blocking. */
  readonly blocking?: boolean;
  /** Seconds of virtual time to wait at most; null or absent: no limit. */
  readonly timeout?: number | null;
}

/** The Python-level surface a scenario uses. */
export interface SemaphorePort {
  readonly kind: SemaphoreKind;
  /** `await sem.acquire()` / `sem.acquire(blocking, timeout)`: True when a permit was taken. */
  acquire(options?: AcquireOptions): Py<boolean>;
  /** `sem.release()`, or threading's `release(n)` (3.9+; older versions raise TypeError). */
  release(n?: number): Py<void>;
  /** `async with sem:` entry (`__aenter__`) / `with sem:` entry (`__enter__`). */
  enter(): Py<void>;
  /** `__aexit__` / `__exit__`. */
  exit(): Py<void>;
  snapshot(): SemaphoreSnapshot;
  /**
   * The points of the Python constructor (`Semaphore(value)`: `__init__` and what it calls), for a
   * semaphore a running thread makes (per-thread scenarios); the object itself is already built.
   * Absent: the port has no points there.
   */
  init?(): Py<void>;
}

export interface SemaphoreArgs {
  readonly rt: PyRuntime;
  /** Instance id used in events ("sem", "sem@T1"). */
  readonly id: string;
  readonly value: number;
  readonly bounded: boolean;
}

export interface Implementation {
  /** "cpython-3.11" */
  readonly id: string;
  /** The CPython release whose source the ports follow, e.g. "3.11.7". */
  readonly follows: string;
  readonly asyncio: (args: SemaphoreArgs) => SemaphorePort;
  readonly threading: (args: SemaphoreArgs) => SemaphorePort;
}
