/**
 * asyncio.Semaphore and asyncio.BoundedSemaphore of CPython 3.9.18 (Lib/asyncio/locks.py):
 * bound at construction to the creating thread's `events.get_event_loop()`, with the
 * `_wakeup_scheduled` flag that python/cpython gh-90155 fixed in 3.10.
 *
 * Points: this port uses the same rule as the 3.11 ports (function entry, after C calls,
 * back-edges). CPython 3.9 has no RESUME and checks its eval breaker at most instruction
 * boundaries, so real 3.9 can switch in more places; the CPython backend is the ground
 * truth for cross-thread 3.9 behaviour. Single-loop behaviour (gh-90155) does not depend on it.
 */
import { labeller, point, type Py } from '../../runtime/instructions.ts';
import { CancelledError, ValueError } from '../../runtime/errors.ts';
import { PyDeque } from '../../runtime/deque.ts';
import { awaitFuture, type Future } from '../../runtime/future.ts';
import type { EventLoop } from '../../runtime/event-loop.ts';
import { getRunningLoop } from '../../runtime/asyncio.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { AcquireOptions, SemaphoreArgs, SemaphorePort, SemaphoreSnapshot } from '../port.ts';
import { takesNoArgument } from '../arguments.ts';
import { trackFields } from '../tracked.ts';

const LOCKS = 'asyncio/locks.py';
const aenterAt = labeller(LOCKS, '_ContextManagerMixin.__aenter__');
const aexitAt = labeller(LOCKS, '_ContextManagerMixin.__aexit__');
const wakeAt = labeller(LOCKS, 'Semaphore._wake_up_next');
const acquireAt = labeller(LOCKS, 'Semaphore.acquire');
const releaseAt = labeller(LOCKS, 'Semaphore.release');
const boundedReleaseAt = labeller(LOCKS, 'BoundedSemaphore.release');

export class AsyncioSemaphore39 implements SemaphorePort {
  readonly kind = 'asyncio' as const;
  // Shared fields (trackFields below): every access is recorded as a step's read or write.
  declare protected _value: number;
  declare private _wakeup_scheduled: boolean;
  private readonly waiters: PyDeque<Future<null>>;
  private readonly loop: EventLoop;

  // CPython 3.9 Lib/asyncio/locks.py Semaphore.__init__: self._loop = events.get_event_loop()
  constructor(
    protected readonly rt: PyRuntime,
    readonly id: string,
    value: number,
  ) {
    if (value < 0) throw new ValueError('Semaphore initial value must be >= 0');
    this._value = value;
    this.waiters = new PyDeque<Future<null>>(rt.machine, `${id}._waiters`);
    this._wakeup_scheduled = false;
    // The loop binds here, at construction: the creating thread's running loop, else the main thread's loop.
    this.loop = (rt.machine.current ? getRunningLoop(rt.machine) : null) ?? rt.mainThreadLoop();
  }

  // CPython 3.9 Lib/asyncio/locks.py _ContextManagerMixin.__aenter__
  *enter(): Py<void> {
    yield point(aenterAt(13));
    yield* this.acquire();
  }

  // CPython 3.9 Lib/asyncio/locks.py _ContextManagerMixin.__aexit__
  *exit(): Py<void> {
    yield point(aexitAt(19));
    yield* this.release();
  }

  // CPython 3.9 Lib/asyncio/locks.py Semaphore._wake_up_next
  private *wakeUpNext(): Py<void> {
    yield point(wakeAt(390));
    while (this.waiters.length) {
      const waiter = this.waiters.popleft();
      yield point(wakeAt(392)); // after deque.popleft (C)
      const done = waiter.done();
      yield point(wakeAt(393)); // after waiter.done() (C)
      if (!done) {
        waiter.setResult(null);
        yield point(wakeAt(394)); // after set_result (C)
        this._wakeup_scheduled = true;
        return;
      }
      yield point(wakeAt(391)); // back-edge
    }
  }

  // CPython 3.9 Lib/asyncio/locks.py Semaphore.acquire
  *acquire(options?: AcquireOptions): Py<boolean> {
    takesNoArgument('Semaphore.acquire', options);
    yield point(acquireAt(402));
    let registered = false;
    while (this._wakeup_scheduled || this._value <= 0) {
      const fut = this.loop.createFuture<null>(`waiter future of ${this.id}`);
      this.waiters.append(fut);
      yield point(acquireAt(415)); // after deque.append (C)
      // `waiting` once per call, when the task first really parks.
      if (!registered && !fut.done()) {
        this.rt.machine.emit('waiting', 'acquire', this.id);
        registered = true;
      }
      try {
        yield* awaitFuture(fut);
        this._wakeup_scheduled = false;
      } catch (e) {
        if (e instanceof CancelledError) yield* this.wakeUpNext();
        throw e;
      }
      yield point(acquireAt(413)); // back-edge to the while test
    }
    this._value -= 1;
    return true;
  }

  // CPython 3.9 Lib/asyncio/locks.py Semaphore.release
  *release(n?: number): Py<void> {
    takesNoArgument('Semaphore.release', n);
    yield point(releaseAt(426));
    this._value += 1;
    yield* this.wakeUpNext();
  }

  snapshot(): SemaphoreSnapshot {
    return { value: this._value, waiters: this.waiters.length, inFlight: 0, boundLoop: this.loop.id };
  }
}

// CPython 3.9 Lib/asyncio/locks.py BoundedSemaphore
export class AsyncioBoundedSemaphore39 extends AsyncioSemaphore39 {
  private readonly boundValue: number;

  constructor(rt: PyRuntime, id: string, value: number) {
    super(rt, id, value);
    this.boundValue = value;
  }

  // CPython 3.9 Lib/asyncio/locks.py BoundedSemaphore.release
  override *release(n?: number): Py<void> {
    takesNoArgument('BoundedSemaphore.release', n);
    yield point(boundedReleaseAt(451));
    if (this._value >= this.boundValue) {
      const err = new ValueError('BoundedSemaphore released too many times');
      yield point(boundedReleaseAt(453));
      throw err;
    }
    yield point(boundedReleaseAt(454)); // after super() (C)
    yield* super.release();
  }
}

trackFields(AsyncioSemaphore39, ['_value', '_wakeup_scheduled']);

export function createAsyncioSemaphore39(args: SemaphoreArgs): SemaphorePort {
  return args.bounded ? new AsyncioBoundedSemaphore39(args.rt, args.id, args.value) : new AsyncioSemaphore39(args.rt, args.id, args.value);
}
