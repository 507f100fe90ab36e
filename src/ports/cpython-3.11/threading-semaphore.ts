/**
 * threading.Condition, threading.Semaphore and threading.BoundedSemaphore of CPython 3.11.7
 * (Lib/threading.py), over the runtime's `_thread.lock`, ported statement by statement with
 * the 3.11 points (docs/execution-model.md). Only the paths a scenario reaches are ported:
 * acquire(blocking, timeout), release(n), a Condition over a plain Lock (wait with or without a
 * timeout, notify). Time is the virtual clock (`_time` is what the harness patches it to).
 */
import { ftPoint, labeller, point, type Py } from '../../runtime/instructions.ts';
import { RuntimeError, ValueError } from '../../runtime/errors.ts';
import { PyDeque } from '../../runtime/deque.ts';
import type { SimLock } from '../../runtime/lock.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { AcquireOptions, SemaphoreArgs, SemaphorePort, SemaphoreSnapshot } from '../port.ts';
import { trackFields } from '../tracked.ts';

const TH = 'threading.py';
const enterAt = labeller(TH, 'Condition.__enter__');
const exitAt = labeller(TH, 'Condition.__exit__');
const releaseSaveAt = labeller(TH, 'Condition._release_save');
const acquireRestoreAt = labeller(TH, 'Condition._acquire_restore');
const isOwnedAt = labeller(TH, 'Condition._is_owned');
const waitAt = labeller(TH, 'Condition.wait');
const notifyAt = labeller(TH, 'Condition.notify');
const semAcquireAt = labeller(TH, 'Semaphore.acquire');
const semReleaseAt = labeller(TH, 'Semaphore.release');
const semExitAt = labeller(TH, 'Semaphore.__exit__');
const boundedReleaseAt = labeller(TH, 'BoundedSemaphore.release');

// CPython 3.11 Lib/threading.py Condition (with a plain Lock: Condition's own _is_owned/_release_save/_acquire_restore)
export class Condition311 {
  readonly waiters: PyDeque<SimLock>;

  constructor(
    private readonly rt: PyRuntime,
    readonly lock: SimLock,
    id: string,
  ) {
    this.waiters = new PyDeque<SimLock>(rt.machine, `${id}._waiters`);
  }

  // CPython 3.11 Lib/threading.py Condition.__enter__
  *enter(): Py<void> {
    yield point(enterAt(271));
    yield* this.lock.acquire(enterAt(272));
    yield point(enterAt(272)); // after lock.__enter__ (C)
  }

  // CPython 3.11 Lib/threading.py Condition.__exit__
  *exit(): Py<void> {
    yield point(exitAt(274));
    this.lock.release(exitAt(275));
    yield point(exitAt(275)); // after lock.__exit__ (C)
  }

  // CPython 3.11 Lib/threading.py Condition._is_owned
  private *isOwned(): Py<boolean> {
    yield point(isOwnedAt(286));
    const got = yield* this.lock.acquire(isOwnedAt(289), false);
    yield point(isOwnedAt(289)); // after lock.acquire(False) (C)
    if (got) {
      this.lock.release(isOwnedAt(290));
      yield point(isOwnedAt(290));
      return false;
    }
    return true;
  }

  // CPython 3.11 Lib/threading.py Condition.wait. `onPark` observes the thread really blocking.
  *wait(onPark?: () => void, timeout: number | null = null): Py<boolean> {
    yield point(waitAt(295));
    if (!(yield* this.isOwned())) throw new RuntimeError('cannot wait on un-acquired lock');
    const waiter = this.rt.newLock('waiter-lock');
    yield point(waitAt(320)); // after _allocate_lock() (C)
    yield* waiter.acquire(waitAt(321));
    yield point(waitAt(321)); // after waiter.acquire() (C)
    this.waiters.append(waiter);
    yield point(waitAt(322)); // after deque.append (C)
    // _release_save
    yield point(releaseSaveAt(280));
    this.lock.release(releaseSaveAt(281));
    yield point(releaseSaveAt(281));
    let gotit = false;
    try {
      if (timeout === null) {
        if (waiter.locked()) onPark?.();
        yield* waiter.acquire(waitAt(327)); // blocks until notify() releases it
        yield point(waitAt(327)); // after waiter.acquire() (C)
        gotit = true;
      } else if (timeout > 0) {
        if (waiter.locked()) onPark?.();
        gotit = yield* waiter.acquire(waitAt(331), true, timeout); // until notify() or the deadline
        yield point(waitAt(331)); // after waiter.acquire(True, timeout) (C)
      } else {
        gotit = yield* waiter.acquire(waitAt(333), false);
        yield point(waitAt(333)); // after waiter.acquire(False) (C)
      }
      return gotit;
    } finally {
      // _acquire_restore
      yield point(acquireRestoreAt(283));
      yield* this.lock.acquire(acquireRestoreAt(284));
      yield point(acquireRestoreAt(284));
      if (!gotit) {
        try {
          this.waiters.remove(waiter);
          yield point(waitAt(339));
        } catch (e) {
          if (!(e instanceof ValueError)) throw e;
        }
      }
    }
  }

  // CPython 3.11 Lib/threading.py Condition.notify
  *notify(n = 1): Py<void> {
    yield point(notifyAt(366));
    if (!(yield* this.isOwned())) throw new RuntimeError('cannot notify on un-acquired lock');
    const waiters = this.waiters;
    while (waiters.length && n > 0) {
      const waiter = waiters.at(0);
      let released = true;
      try {
        waiter.release(notifyAt(382));
        yield point(notifyAt(382)); // after waiter.release() (C)
      } catch (e) {
        // Another thread released it already (a timed-out waiter): CPython ignores it.
        if (!(e instanceof RuntimeError)) throw e;
        released = false;
      }
      if (released) n -= 1;
      try {
        waiters.remove(waiter);
        yield point(notifyAt(392)); // after deque.remove (C)
      } catch (e) {
        if (!(e instanceof ValueError)) throw e;
      }
      if (waiters.length && n > 0) yield point(notifyAt(379)); // back-edge
    }
  }
}

// CPython 3.11 Lib/threading.py Semaphore
export class ThreadingSemaphore311 implements SemaphorePort {
  readonly kind = 'threading' as const;
  protected readonly cond: Condition311;
  // A shared field (trackFields below): every access is recorded as a step's read or write.
  declare protected _value: number;

  // CPython 3.11 Lib/threading.py Semaphore.__init__
  constructor(
    protected readonly rt: PyRuntime,
    readonly id: string,
    value: number,
  ) {
    if (value < 0) throw new ValueError('semaphore initial value must be >= 0');
    this.cond = new Condition311(rt, rt.newLock(`${id}._cond._lock`), `${id}._cond`);
    this._value = value;
  }

  // CPython 3.11 Lib/threading.py Semaphore.acquire; also __enter__ (no arguments)
  *acquire(options: AcquireOptions = {}): Py<boolean> {
    const blocking = options.blocking ?? true;
    let timeout = options.timeout ?? null;
    yield point(semAcquireAt(440));
    if (!blocking && timeout !== null) {
      const err = new ValueError("can't specify timeout for non-blocking acquire");
      yield point(semAcquireAt(465)); // after ValueError(...) (C)
      throw err;
    }
    let rc = false;
    let endtime: number | null = null;
    yield* this.cond.enter();
    try {
      yield ftPoint(semAcquireAt(469));
      // while ... else: the else (take a permit) runs when the test fails, not after a break.
      let take = true;
      if (this._value === 0) {
        // `waiting` once per call, when the thread first really blocks in Condition.wait.
        let parked = false;
        const onPark = () => {
          if (!parked) this.rt.machine.emit('waiting', 'acquire', this.id);
          parked = true;
        };
        for (;;) {
          if (!blocking) {
            take = false;
            break;
          }
          if (timeout !== null) {
            if (endtime === null) {
              const now = this.time();
              yield point(semAcquireAt(474)); // after _time() (not code under test)
              endtime = now + timeout;
            } else {
              const now = this.time();
              yield point(semAcquireAt(476)); // after _time()
              timeout = endtime - now;
              if (timeout <= 0) {
                take = false;
                break;
              }
            }
          }
          yield* this.cond.wait(onPark, timeout);
          yield ftPoint(semAcquireAt(469));
          if (this._value !== 0) break;
          yield point(semAcquireAt(469)); // back-edge: still zero (another thread barged in, or the wait timed out)
        }
      }
      if (take) {
        yield ftPoint(semAcquireAt(481));
        this._value -= 1;
        rc = true;
      }
    } finally {
      yield* this.cond.exit();
    }
    return rc;
  }

  /** threading._time(): the virtual clock. */
  private time(): number {
    this.rt.machine.touch('clock', 'r');
    return this.rt.machine.now;
  }

  *enter(): Py<void> {
    yield* this.acquire();
  }

  // CPython 3.11 Lib/threading.py Semaphore.__exit__
  *exit(): Py<void> {
    yield point(semExitAt(501));
    yield* this.release();
  }

  // CPython 3.11 Lib/threading.py Semaphore.release
  *release(n = 1): Py<void> {
    yield point(semReleaseAt(487));
    yield* checkN(n, semReleaseAt(495));
    yield* this.cond.enter();
    try {
      yield* this.increment(n);
    } finally {
      yield* this.cond.exit();
    }
  }

  /** The body of `with self._cond:` in release(): `_value += n; for i in range(n): notify()`. */
  protected *increment(n: number, at: (line: number) => string = semReleaseAt, firstLine = 497): Py<void> {
    yield ftPoint(at(firstLine));
    this._value += n;
    yield point(at(firstLine + 1)); // after range(n) (C)
    for (let i = 0; i < n; i++) {
      yield* this.cond.notify();
      yield point(at(firstLine + 2)); // back-edge to FOR_ITER
    }
  }

  snapshot(): SemaphoreSnapshot {
    return { value: this._value, waiters: this.cond.waiters.length, inFlight: 0, boundLoop: null };
  }
}

trackFields(ThreadingSemaphore311, ['_value']);

// CPython 3.11 Lib/threading.py BoundedSemaphore
export class ThreadingBoundedSemaphore311 extends ThreadingSemaphore311 {
  private readonly initialValue: number;

  constructor(rt: PyRuntime, id: string, value: number) {
    super(rt, id, value);
    this.initialValue = value;
  }

  // CPython 3.11 Lib/threading.py BoundedSemaphore.release
  override *release(n = 1): Py<void> {
    yield point(boundedReleaseAt(531));
    yield* checkN(n, boundedReleaseAt(542));
    yield* this.cond.enter();
    try {
      yield ftPoint(boundedReleaseAt(544));
      if (this._value + n > this.initialValue) {
        const err = new ValueError('Semaphore released too many times');
        yield point(boundedReleaseAt(545)); // after ValueError(...) (C)
        throw err;
      }
      yield* this.increment(n, boundedReleaseAt, 546);
    } finally {
      yield* this.cond.exit();
    }
  }
}

/** `if n < 1: raise ValueError('n must be one or more')`, the first statement of both release()s. */
function* checkN(n: number, at: string): Py<void> {
  if (n >= 1) return;
  const err = new ValueError('n must be one or more');
  yield point(at); // after ValueError(...) (C)
  throw err;
}

export function createThreadingSemaphore311(args: SemaphoreArgs): SemaphorePort {
  return args.bounded ? new ThreadingBoundedSemaphore311(args.rt, args.id, args.value) : new ThreadingSemaphore311(args.rt, args.id, args.value);
}
