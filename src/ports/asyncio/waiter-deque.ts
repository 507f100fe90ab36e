/**
 * asyncio.Semaphore of CPython 3.6.15, 3.7.16 and 3.8.18 (Lib/asyncio/locks.py; family A of
 * ../shared/notes/semaphore-versions.md): a deque of waiter futures, the loop bound at
 * construction, and an acquirer that decrements the counter itself once it gets through
 * `while self._value <= 0`. Whoever runs first after a release takes the permit (barging,
 * bpo-45997). The three releases differ only in bytecode, which their label tables carry.
 */
import { PyException } from '../../runtime/errors.ts';
import { PyDeque } from '../../runtime/deque.ts';
import type { Future } from '../../runtime/future.ts';
import type { EventLoop } from '../../runtime/event-loop.ts';
import { getRunningLoop } from '../../runtime/asyncio.ts';
import type { Py } from '../../runtime/instructions.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { SemaphoreSnapshot } from '../port.ts';
import type { Frame } from '../bytecode/frame.ts';
import type { PortVersion } from '../bytecode/version.ts';
import { trackFields } from '../tracked.ts';
import { AsyncioSemaphorePort } from './base.ts';

const LOCKS = 'asyncio/locks.py';

export class WaiterDequeSemaphore extends AsyncioSemaphorePort {
  /** The deque object never changes (created in __init__); its contents are shared, and PyDeque tracks them. */
  protected readonly waiters: PyDeque<Future<null>>;
  protected readonly loop: EventLoop;

  // CPython 3.6-3.9 Lib/asyncio/locks.py Semaphore.__init__ (loop=None)
  constructor(rt: PyRuntime, id: string, v: PortVersion, value: number, bounded: boolean) {
    super(rt, id, v, value, bounded);
    this._value = value;
    this.waiters = new PyDeque<Future<null>>(rt.machine, `${id}._waiters`);
    // self._loop = events.get_event_loop(): the creating thread's running loop, else the main thread's loop.
    this.loop = (rt.machine.current ? getRunningLoop(rt.machine) : null) ?? rt.mainThreadLoop();
  }

  // CPython 3.6-3.9 Lib/asyncio/locks.py Semaphore.__init__, walked (the constructor above did it)
  protected *semaphoreInit(): Py<void> {
    const f = this.frame('Semaphore.__init__');
    yield* f.start();
    // if value < 0: raise ValueError(...)
    yield* f.branch(false);
    // self._value = value; self._waiters = collections.deque()
    yield* f.store('_value');
    yield* f.callC('deque', () => undefined);
    yield* f.store('_waiters');
    // if loop is None (3.6/3.7: is not None): self._loop = events.get_event_loop()
    yield* f.branchNone(true);
    yield* f.callC('get_event_loop', () => undefined);
    yield* f.store('_loop');
    yield* this.initFlag(f);
    yield* f.ret();
  }

  /** What 3.9's __init__ adds at its end: `self._wakeup_scheduled = False`. */
  protected *initFlag(_f: Frame): Py<void> {}

  protected frame(name: string): Frame {
    return this.v.frame(`${LOCKS}:${name}`);
  }

  /** `waiting` once per call, when the task first really parks on its waiter future. */
  protected parker(): () => void {
    let parked = false;
    return () => {
      if (!parked) this.rt.machine.emit('waiting', 'acquire', this.id);
      parked = true;
    };
  }

  // CPython 3.6-3.8 Lib/asyncio/locks.py Semaphore._wake_up_next
  protected *wakeUpNext(): Py<void> {
    const f = this.frame('Semaphore._wake_up_next');
    yield* f.start();
    // while self._waiters:
    for (;;) {
      yield* f.load('_waiters');
      if (!(yield* f.branch(() => this.waiters.length > 0))) break;
      // waiter = self._waiters.popleft()
      yield* f.load('_waiters');
      const waiter = yield* f.callC('popleft', () => this.waiters.popleft());
      // if not waiter.done():
      if (!(yield* f.branch(yield* f.callC('done', () => waiter.done())))) {
        // waiter.set_result(None); return
        yield* f.callC('set_result', () => waiter.setResult(null));
        yield* this.afterWakeUp(f);
        yield* f.ret();
        return;
      }
    }
    yield* f.ret();
  }

  /** What `_wake_up_next` does after `set_result` before returning: nothing up to 3.8. */
  protected *afterWakeUp(_f: Frame): Py<void> {}

  // CPython 3.6-3.8 Lib/asyncio/locks.py Semaphore.acquire
  *acquire(): Py<boolean> {
    const f = this.frame('Semaphore.acquire');
    yield* f.start();
    const onPark = this.parker();
    // while self._value <= 0:
    for (;;) {
      yield* f.load('_value');
      if (!(yield* f.branch(this._value <= 0))) break;
      const fut = yield* this.enqueue(f);
      try {
        // await fut   (3.6: yield from fut)
        yield* f.awaitFuture(fut, onPark);
      } catch (e) {
        if (!(e instanceof PyException)) throw e;
        // except: (bare) fut.cancel()
        yield* f.callC('cancel', () => fut.cancel());
        // if self._value > 0 and not fut.cancelled(): self._wake_up_next()
        yield* f.load('_value');
        if (yield* f.branch(this._value > 0)) {
          if (!(yield* f.branch(yield* f.callC('cancelled', () => fut.cancelled())))) {
            yield* f.call('_wake_up_next', 'py', () => this.wakeUpNext());
          }
        }
        // raise
        yield* f.reraise();
        throw e;
      }
    }
    // self._value -= 1; return True
    return yield* this.takePermit(f);
  }

  /** `fut = self._loop.create_future(); self._waiters.append(fut)` (3.6-3.9) */
  protected *enqueue(f: Frame): Py<Future<null>> {
    const fut = yield* f.callC('create_future', () => this.loop.createFuture<null>(`waiter future of ${this.id}`));
    yield* f.load('_waiters');
    yield* f.callC('append', () => this.waiters.append(fut));
    return fut;
  }

  snapshot(): SemaphoreSnapshot {
    return { value: this._value, waiters: this.waiters.length, inFlight: 0, boundLoop: this.loop.id };
  }
}

trackFields(WaiterDequeSemaphore, ['_value']);
