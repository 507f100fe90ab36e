/**
 * asyncio.Semaphore and asyncio.BoundedSemaphore of CPython 3.11.7 (Lib/asyncio/locks.py),
 * with _LoopBoundMixin._get_loop (Lib/asyncio/mixins.py), ported statement by statement.
 *
 * Points follow docs/execution-model.md: `point(...)` where 3.11 checks the eval breaker
 * (function entry, after a C call, a taken back-edge), `ftPoint(...)` before shared reads and
 * writes (free-threaded model only). A Python call has no point after it: its point is the
 * callee's entry. The loop binds in `getLoop()` below: that is "where does the loop bind?".
 */
import { ftPoint, labeller, point, type Py } from '../../runtime/instructions.ts';
import { CancelledError, RuntimeError, ValueError } from '../../runtime/errors.ts';
import { PyDeque } from '../../runtime/deque.ts';
import { awaitFuture, type Future } from '../../runtime/future.ts';
import type { EventLoop } from '../../runtime/event-loop.ts';
import { getRunningLoop } from '../../runtime/asyncio.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { SemaphoreArgs, SemaphorePort, SemaphoreSnapshot } from '../port.ts';
import { trackFields } from '../tracked.ts';

const LOCKS = 'asyncio/locks.py';
const aenterAt = labeller(LOCKS, '_ContextManagerMixin.__aenter__');
const aexitAt = labeller(LOCKS, '_ContextManagerMixin.__aexit__');
const reprAt = labeller(LOCKS, 'Semaphore.__repr__');
const lockedAt = labeller(LOCKS, 'Semaphore.locked');
const genexprAt = labeller(LOCKS, 'Semaphore.locked.<locals>.<genexpr>');
const acquireAt = labeller(LOCKS, 'Semaphore.acquire');
const releaseAt = labeller(LOCKS, 'Semaphore.release');
const wakeAt = labeller(LOCKS, 'Semaphore._wake_up_next');
const boundedReleaseAt = labeller(LOCKS, 'BoundedSemaphore.release');
const getLoopAt = labeller('asyncio/mixins.py', '_LoopBoundMixin._get_loop');

export class AsyncioSemaphore311 implements SemaphorePort {
  readonly kind = 'asyncio' as const;
  // Shared fields (trackFields below): every access is recorded as a step's read or write.
  declare protected _value: number;
  declare private _waiters: PyDeque<Future<boolean>> | null;
  declare private _loop: EventLoop | null;

  // CPython 3.11 Lib/asyncio/locks.py Semaphore.__init__ (and _LoopBoundMixin's _loop = None)
  constructor(
    protected readonly rt: PyRuntime,
    readonly id: string,
    value: number,
  ) {
    if (value < 0) throw new ValueError('Semaphore initial value must be >= 0');
    this._waiters = null;
    this._value = value;
    this._loop = null;
  }

  // CPython 3.11 Lib/asyncio/locks.py _ContextManagerMixin.__aenter__
  *enter(): Py<void> {
    yield point(aenterAt(14));
    yield* this.acquire();
  }

  // CPython 3.11 Lib/asyncio/locks.py _ContextManagerMixin.__aexit__
  *exit(): Py<void> {
    yield point(aexitAt(20));
    yield* this.release();
  }

  // CPython 3.11 Lib/asyncio/locks.py Semaphore.__repr__ (addresses print as 0x?)
  *repr(): Py<string> {
    yield point(reprAt(352));
    yield point(reprAt(353)); // after super() (C)
    const res = `<asyncio.locks.${this.className()} object at 0x?>`;
    yield point(reprAt(353)); // after object.__repr__ (C)
    let extra = (yield* this.locked()) ? 'locked' : `unlocked, value:${this._value}`;
    const ws = this._waiters;
    if (ws?.length) extra = `${extra}, waiters:${ws.length}`;
    return `<${res.slice(1, -1)} [${extra}]>`;
  }

  protected className(): string {
    return 'Semaphore';
  }

  // CPython 3.11 Lib/asyncio/locks.py Semaphore.locked
  *locked(): Py<boolean> {
    yield point(lockedAt(359));
    yield ftPoint(lockedAt(361));
    if (this._value === 0) return true;
    yield ftPoint(lockedAt(362));
    const it = (this._waiters ?? new PyDeque<Future<boolean>>(this.rt.machine, `local:${this.id}.locked() empty waiters`)).iterator();
    // any(not w.cancelled() for w in ...): the generator's own points, then the point after any() returns.
    let found = false;
    yield point(genexprAt(362)); // genexpr entry (RESUME 0) on any()'s first next()
    for (let r = it.next(); !r.done; r = it.next()) {
      const cancelled = r.value.cancelled();
      yield point(genexprAt(362)); // after w.cancelled() (C)
      if (!cancelled) {
        found = true; // any() stops at the first true value
        break;
      }
      yield point(genexprAt(362)); // RESUME 1: any() asks for the next value
      yield point(genexprAt(362)); // back-edge to FOR_ITER
    }
    yield point(lockedAt(362)); // after any() (C)
    return found;
  }

  // CPython 3.11 Lib/asyncio/locks.py Semaphore.acquire
  *acquire(): Py<boolean> {
    yield point(acquireAt(364)); // coroutine start
    if (!(yield* this.locked())) {
      // The window the seed's race lives in: locked() has returned, the decrement has not happened.
      yield ftPoint(acquireAt(374));
      this._value -= 1;
      return true;
    }
    yield ftPoint(acquireAt(377));
    if (this._waiters === null) {
      const fresh = new PyDeque<Future<boolean>>(this.rt.machine, `${this.id}._waiters[]`);
      yield point(acquireAt(378)); // after collections.deque() (C), before the store
      this._waiters = fresh;
    }
    const loop = yield* this.getLoop();
    const fut = loop.createFuture<boolean>(`waiter future of ${this.id}`);
    yield ftPoint(acquireAt(380));
    this._waiters!.append(fut);
    yield point(acquireAt(380)); // after deque.append (C)
    // `waiting` means the task really parks: a future already resolved (by another thread, since the append) is not awaited.
    if (!fut.done()) this.rt.machine.emit('waiting', 'acquire', this.id);
    try {
      try {
        yield* awaitFuture(fut); // resumption (RESUME 3) is not a point in 3.11
      } finally {
        yield ftPoint(acquireAt(389));
        this._waiters!.remove(fut);
        yield point(acquireAt(389)); // after deque.remove (C)
      }
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      const cancelled = fut.cancelled();
      yield point(acquireAt(391)); // after fut.cancelled() (C)
      if (!cancelled) {
        yield ftPoint(acquireAt(392));
        this._value += 1;
        yield* this.wakeUpNext();
      }
      throw e;
    }
    yield ftPoint(acquireAt(396));
    if (this._value > 0) yield* this.wakeUpNext();
    return true;
  }

  // CPython 3.11 Lib/asyncio/locks.py Semaphore.release
  *release(): Py<void> {
    yield point(releaseAt(400));
    yield ftPoint(releaseAt(406));
    this._value += 1;
    yield* this.wakeUpNext();
  }

  // CPython 3.11 Lib/asyncio/locks.py Semaphore._wake_up_next
  protected *wakeUpNext(): Py<void> {
    yield point(wakeAt(409));
    yield ftPoint(wakeAt(411));
    const ws = this._waiters;
    if (!ws || ws.length === 0) return;
    const it = ws.iterator();
    for (let r = it.next(); !r.done; r = it.next()) {
      const fut = r.value;
      const done = fut.done();
      yield point(wakeAt(415)); // after fut.done() (C)
      if (!done) {
        yield ftPoint(wakeAt(416));
        this._value -= 1;
        // From another thread this schedules the waiter's wake-up on *its* loop with call_soon: no self-pipe write.
        fut.setResult(true);
        yield point(wakeAt(417)); // after fut.set_result() (C)
        return;
      }
      yield point(wakeAt(415)); // back-edge
    }
  }

  // CPython 3.11 Lib/asyncio/mixins.py _LoopBoundMixin._get_loop — the loop binds here.
  private *getLoop(): Py<EventLoop> {
    yield point(getLoopAt(12));
    const loop = getRunningLoop(this.rt.machine);
    yield point(getLoopAt(13)); // after events._get_running_loop() (C)
    yield ftPoint(getLoopAt(15));
    if (this._loop === null) {
      const lock = this.rt.mixinsGlobalLock;
      yield* lock.acquire(getLoopAt(16)); // `with _global_lock:` (blocks if another thread is binding)
      try {
        yield ftPoint(getLoopAt(17));
        if (this._loop === null) this._loop = loop;
      } finally {
        lock.release(getLoopAt(16));
      }
      yield point(getLoopAt(16)); // after the with-exit call (C lock.__exit__)
    }
    yield ftPoint(getLoopAt(19));
    if (loop !== this._loop) {
      const text = yield* this.repr();
      const err = new RuntimeError(`${text} is bound to a different event loop`);
      yield point(getLoopAt(20)); // after RuntimeError(...) (C)
      throw err;
    }
    if (loop === null) throw new RuntimeError('no running event loop');
    return loop;
  }

  snapshot(): SemaphoreSnapshot {
    const ws = this._waiters?.toArray() ?? [];
    return {
      value: this._value,
      waiters: ws.length,
      inFlight: ws.filter((f) => f.done() && !f.cancelled()).length,
      boundLoop: this._loop?.id ?? null,
    };
  }
}

trackFields(AsyncioSemaphore311, ['_value', '_waiters', '_loop']);

// CPython 3.11 Lib/asyncio/locks.py BoundedSemaphore
export class AsyncioBoundedSemaphore311 extends AsyncioSemaphore311 {
  private readonly boundValue: number;

  constructor(rt: PyRuntime, id: string, value: number) {
    super(rt, id, value);
    this.boundValue = value;
  }

  protected override className(): string {
    return 'BoundedSemaphore';
  }

  // CPython 3.11 Lib/asyncio/locks.py BoundedSemaphore.release
  override *release(): Py<void> {
    yield point(boundedReleaseAt(432));
    yield ftPoint(boundedReleaseAt(433));
    if (this._value >= this.boundValue) {
      const err = new ValueError('BoundedSemaphore released too many times');
      yield point(boundedReleaseAt(434)); // after ValueError(...) (C)
      throw err;
    }
    yield point(boundedReleaseAt(435)); // after super() (C)
    yield* super.release();
  }
}

export function createAsyncioSemaphore311(args: SemaphoreArgs): SemaphorePort {
  return args.bounded ? new AsyncioBoundedSemaphore311(args.rt, args.id, args.value) : new AsyncioSemaphore311(args.rt, args.id, args.value);
}
