/**
 * asyncio.Semaphore of CPython 3.10.13, 3.11.7 and 3.12.1 (Lib/asyncio/locks.py; family C):
 * the loop binds lazily (_LoopBoundMixin), `_wake_up_next` hands the permit over (it decrements
 * `_value` for the waiter it wakes), `locked()` also counts non-cancelled waiters, a waiter
 * cancelled after the hand-off gives the permit back, and a successful acquire wakes one more
 * waiter if permits remain. One waiter per completed acquire: a burst of permits is handed out
 * one loop iteration at a time (GH-111694, fixed in 3.13, ./wake-many.ts).
 */
import { CancelledError, PyException } from '../../runtime/errors.ts';
import { PyDeque } from '../../runtime/deque.ts';
import type { Future } from '../../runtime/future.ts';
import type { EventLoop } from '../../runtime/event-loop.ts';
import type { Py } from '../../runtime/instructions.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { SemaphoreSnapshot } from '../port.ts';
import type { Frame, IterStep } from '../bytecode/frame.ts';
import type { PortVersion } from '../bytecode/version.ts';
import { getLoop, type LoopBound } from '../mixins/loop-bound.ts';
import { trackFields } from '../tracked.ts';
import { AsyncioSemaphorePort } from './base.ts';

const LOCKS = 'asyncio/locks.py';

export class HandOffSemaphore extends AsyncioSemaphorePort implements LoopBound {
  // Shared fields (trackFields below): `_waiters` itself is replaced once (None -> deque), racily.
  declare _waiters: PyDeque<Future<boolean>> | null;
  declare _loop: EventLoop | null;

  // CPython 3.10-3.13 Lib/asyncio/locks.py Semaphore.__init__ (and _LoopBoundMixin's _loop = None)
  constructor(rt: PyRuntime, id: string, v: PortVersion, value: number, bounded: boolean) {
    super(rt, id, v, value, bounded);
    this._waiters = null;
    this._value = value;
    this._loop = null;
  }

  // CPython 3.10-3.13 Lib/asyncio/locks.py Semaphore.__init__, walked (the constructor above did it)
  protected *semaphoreInit(): Py<void> {
    const f = this.frame('Semaphore.__init__');
    yield* f.start();
    // 3.10 only: super().__init__(loop=loop), the mixin refusing a loop argument
    if (this.v.minor === 10) {
      yield* f.callCIfCompiled('super', () => undefined);
      yield* f.call('__init__', 'py', () => this.mixinInit());
    }
    // if value < 0: raise ValueError(...); self._waiters = None; self._value = value
    yield* f.branch(false);
    yield* f.store('_waiters');
    yield* f.store('_value');
    yield* f.ret();
  }

  // CPython 3.10 Lib/asyncio/mixins.py _LoopBoundMixin.__init__: `if loop is not _marker: raise TypeError(...)`
  private *mixinInit(): Py<void> {
    const f = this.v.frame('asyncio/mixins.py:_LoopBoundMixin.__init__');
    yield* f.start();
    yield* f.branch(false);
    yield* f.ret();
  }

  protected frame(name: string): Frame {
    return this.v.frame(`${LOCKS}:${name}`);
  }

  // CPython 3.10-3.13 Lib/asyncio/locks.py Semaphore.__repr__ (addresses print as 0x?)
  *repr(): Py<string> {
    const f = this.frame('Semaphore.__repr__');
    yield* f.start();
    // res = super().__repr__()
    yield* f.callCIfCompiled('super', () => undefined);
    const res = yield* f.callC('__repr__', () => `<asyncio.locks.${this.className} object at 0x?>`);
    // extra = 'locked' if self.locked() else f'unlocked, value:{self._value}'
    let extra: string;
    if (yield* f.branch(yield* f.call('locked', 'py', () => this.locked()))) extra = 'locked';
    else {
      yield* f.load('_value');
      extra = `unlocked, value:${this._value}`;
    }
    // if self._waiters: extra = f'{extra}, waiters:{len(self._waiters)}'
    yield* f.load('_waiters');
    const ws = this._waiters;
    if (yield* f.branch(() => (ws?.length ?? 0) > 0)) {
      yield* f.load('_waiters');
      const now = this._waiters;
      const n = yield* f.callC('len', () => now?.length ?? 0);
      extra = `${extra}, waiters:${n}`;
    }
    yield* f.ret();
    return `<${res.slice(1, -1)} [${extra}]>`;
  }

  // CPython 3.10-3.13 Lib/asyncio/locks.py Semaphore.locked
  *locked(): Py<boolean> {
    const f = this.frame('Semaphore.locked');
    yield* f.start();
    // return self._value == 0 or (any(not w.cancelled() for w in (self._waiters or ())))
    yield* f.load('_value');
    if (yield* f.branch(this._value === 0)) {
      yield* f.ret();
      return true;
    }
    yield* f.load('_waiters');
    const ws = this._waiters;
    yield* f.branch(() => (ws?.length ?? 0) > 0);
    const items = ws ?? new PyDeque<Future<boolean>>(this.rt.machine, `local:${this.id}.locked() empty tuple`);
    const it = yield* f.at('GET_ITER', () => items.iterator());
    yield* f.create('<genexpr>');
    const found = yield* f.call('any', 'c', () => this.anyNotCancelled(it));
    yield* f.ret();
    return found;
  }

  /** any() over the generator expression `(not w.cancelled() for w in it)`: its own frame, resumed by any(). */
  private *anyNotCancelled(it: { next(): IterStep<Future<boolean>> }): Py<boolean> {
    const g = this.frame('Semaphore.locked.<locals>.<genexpr>');
    yield* g.start();
    for (;;) {
      const r = yield* g.forIter(() => it.next());
      if (r.done) {
        yield* g.ret();
        return false;
      }
      const w = r.value;
      const cancelled = yield* g.callC('cancelled', () => w.cancelled());
      yield* g.yieldValue();
      // any() stops at the first true value and drops the generator, which closes it.
      if (!cancelled) {
        yield* g.close();
        return true;
      }
      yield* g.resume();
    }
  }

  // CPython 3.10-3.12 Lib/asyncio/locks.py Semaphore.acquire
  *acquire(): Py<boolean> {
    const f = this.frame('Semaphore.acquire');
    const fut = yield* this.fastPathOrEnqueue(f);
    if (fut === null) return true;
    try {
      yield* this.awaitWaiter(f, fut);
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      // except exceptions.CancelledError:
      if (yield* f.branch(e instanceof CancelledError)) {
        // if not fut.cancelled(): self._value += 1; self._wake_up_next()
        if (!(yield* f.branch(yield* f.callC('cancelled', () => fut.cancelled())))) {
          yield* this.addValue(f, 1);
          yield* f.call('_wake_up_next', 'py', () => this.wakeUpNext());
        }
      }
      // raise
      yield* f.reraise();
      throw e;
    }
    // if self._value > 0: self._wake_up_next()
    yield* f.load('_value');
    if (yield* f.branch(this._value > 0)) yield* f.call('_wake_up_next', 'py', () => this.wakeUpNext());
    yield* f.ret();
    return true;
  }

  /**
   * CPython 3.10-3.13 Semaphore.acquire up to the wait: `if not self.locked(): self._value -= 1;
   * return True` (null: acquired), else the waiter future, enqueued.
   */
  protected *fastPathOrEnqueue(f: Frame): Py<Future<boolean> | null> {
    yield* f.start();
    if (!(yield* f.branch(yield* f.call('locked', 'py', () => this.locked())))) {
      yield* this.takePermit(f);
      return null;
    }
    return yield* this.enqueue(f);
  }

  /**
   * CPython 3.10-3.13 Semaphore.acquire, the lines between the fast path and the wait:
   * `if self._waiters is None: self._waiters = collections.deque()`, the waiter future from the
   * (lazily bound) loop, and its append: two threads can both see None here and lose a waiter.
   */
  private *enqueue(f: Frame): Py<Future<boolean>> {
    yield* f.load('_waiters');
    if (yield* f.branchNone(this._waiters === null)) {
      const fresh = yield* f.callC('deque', () => new PyDeque<Future<boolean>>(this.rt.machine, this.rt.machine.freshId(`${this.id}._waiters`)));
      yield* f.store('_waiters');
      this._waiters = fresh;
    }
    // fut = self._get_loop().create_future()
    const loop = yield* f.call('_get_loop', 'py', () => getLoop(this.v, this));
    const fut = yield* f.callC('create_future', () => loop.createFuture<boolean>(`waiter future of ${this.id}`));
    // self._waiters.append(fut)
    yield* f.load('_waiters');
    const ws = this._waiters!;
    yield* f.callC('append', () => ws.append(fut));
    return fut;
  }

  /** `try: await fut finally: self._waiters.remove(fut)`, with `waiting` when the task really parks. */
  protected *awaitWaiter(f: Frame, fut: Future<boolean>): Py<void> {
    let parked = false;
    const onPark = () => {
      if (!parked) this.rt.machine.emit('waiting', 'acquire', this.id);
      parked = true;
    };
    try {
      yield* f.awaitFuture(fut, onPark);
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      yield* this.removeWaiter(f, fut);
      yield* f.reraise();
      throw e;
    }
    yield* this.removeWaiter(f, fut);
  }

  private *removeWaiter(f: Frame, fut: Future<boolean>): Py<void> {
    yield* f.load('_waiters');
    const ws = this._waiters!;
    yield* f.callC('remove', () => ws.remove(fut));
  }

  // CPython 3.10-3.12 Lib/asyncio/locks.py Semaphore._wake_up_next (3.13 returns whether it woke one)
  protected *wakeUpNext(): Py<boolean> {
    const f = this.frame('Semaphore._wake_up_next');
    yield* f.start();
    // if not self._waiters: return
    yield* f.load('_waiters');
    const ws = this._waiters;
    if (!(yield* f.branch(() => (ws?.length ?? 0) > 0))) {
      yield* f.ret();
      return false;
    }
    // for fut in self._waiters:
    yield* f.load('_waiters');
    const live = this._waiters!;
    const it = yield* f.at('GET_ITER', () => live.iterator());
    for (;;) {
      const r = yield* f.forIter(() => it.next());
      if (r.done) break;
      const fut = r.value;
      // if not fut.done(): self._value -= 1; fut.set_result(True); return
      if (!(yield* f.branch(yield* f.callC('done', () => fut.done())))) {
        yield* this.addValue(f, -1);
        // From another thread this schedules the waiter's wake-up on *its* loop with call_soon: no self-pipe write.
        yield* f.callC('set_result', () => fut.setResult(true));
        yield* f.ret();
        return true;
      }
    }
    yield* f.ret();
    return false;
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

trackFields(HandOffSemaphore, ['_value', '_waiters', '_loop']);
