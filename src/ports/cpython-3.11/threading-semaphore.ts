/**
 * threading.Condition, threading.Semaphore and threading.BoundedSemaphore of CPython 3.11.7
 * (Lib/threading.py), over the runtime's `_thread.lock`, ported statement by statement with
 * the 3.11 points (docs/execution-model.md). Only the paths a scenario reaches are ported:
 * blocking acquire without timeout, release(n=1), a Condition over a plain Lock.
 */
import { ftPoint, labeller, point, type Py } from '../../runtime/instructions.ts';
import { RuntimeError, ValueError } from '../../runtime/errors.ts';
import { PyDeque } from '../../runtime/deque.ts';
import type { SimLock } from '../../runtime/lock.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { SemaphoreArgs, SemaphorePort, SemaphoreSnapshot } from '../port.ts';
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

  // CPython 3.11 Lib/threading.py Condition.wait (timeout=None). `onPark` observes the thread really blocking.
  *wait(onPark?: () => void): Py<boolean> {
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
      if (waiter.locked()) onPark?.();
      yield* waiter.acquire(waitAt(327)); // blocks until notify() releases it
      yield point(waitAt(327)); // after waiter.acquire() (C)
      gotit = true;
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

  // CPython 3.11 Lib/threading.py Semaphore.acquire (blocking=True, timeout=None); also __enter__
  *acquire(): Py<boolean> {
    yield point(semAcquireAt(440));
    let rc = false;
    yield* this.cond.enter();
    try {
      yield ftPoint(semAcquireAt(469));
      if (this._value === 0) {
        // `waiting` once per call, when the thread first really blocks in Condition.wait.
        let parked = false;
        const onPark = () => {
          if (!parked) this.rt.machine.emit('waiting', 'acquire', this.id);
          parked = true;
        };
        for (;;) {
          yield* this.cond.wait(onPark);
          yield ftPoint(semAcquireAt(469));
          if (this._value !== 0) break;
          yield point(semAcquireAt(469)); // back-edge: still zero (another thread barged in)
        }
      }
      yield ftPoint(semAcquireAt(481));
      this._value -= 1;
      rc = true;
    } finally {
      yield* this.cond.exit();
    }
    return rc;
  }

  *enter(): Py<void> {
    yield* this.acquire();
  }

  // CPython 3.11 Lib/threading.py Semaphore.__exit__
  *exit(): Py<void> {
    yield point(semExitAt(501));
    yield* this.release();
  }

  // CPython 3.11 Lib/threading.py Semaphore.release (n=1)
  *release(): Py<void> {
    yield point(semReleaseAt(487));
    yield* this.cond.enter();
    try {
      yield* this.increment();
    } finally {
      yield* this.cond.exit();
    }
  }

  /** The body of `with self._cond:` in release(): `_value += n; for i in range(n): notify()`. */
  protected *increment(at: (line: number) => string = semReleaseAt, firstLine = 497): Py<void> {
    yield ftPoint(at(firstLine));
    this._value += 1;
    yield point(at(firstLine + 1)); // after range(n) (C)
    yield* this.cond.notify();
    yield point(at(firstLine + 2)); // back-edge to FOR_ITER
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

  // CPython 3.11 Lib/threading.py BoundedSemaphore.release (n=1)
  override *release(): Py<void> {
    yield point(boundedReleaseAt(531));
    yield* this.cond.enter();
    try {
      yield ftPoint(boundedReleaseAt(544));
      if (this._value + 1 > this.initialValue) {
        const err = new ValueError('Semaphore released too many times');
        yield point(boundedReleaseAt(545)); // after ValueError(...) (C)
        throw err;
      }
      yield* this.increment(boundedReleaseAt, 546);
    } finally {
      yield* this.cond.exit();
    }
  }
}

export function createThreadingSemaphore311(args: SemaphoreArgs): SemaphorePort {
  return args.bounded ? new ThreadingBoundedSemaphore311(args.rt, args.id, args.value) : new ThreadingSemaphore311(args.rt, args.id, args.value);
}
