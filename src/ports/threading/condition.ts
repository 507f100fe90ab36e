/**
 * threading.Condition (Lib/threading.py) over a plain Lock, as CPython 3.6-3.13 have it, on the
 * runtime's `_thread.lock`: the Condition's own _is_owned/_release_save/_acquire_restore (a plain
 * Lock has none), wait() with or without a timeout, and notify(n) in its two versions: up to 3.8
 * it releases the first n waiters of a snapshot; from 3.9 (gh-92530) it loops over `waiters[0]`,
 * skips a waiter lock another notify already released, and removes it.
 */
import { PyException, RuntimeError } from '../../runtime/errors.ts';
import { PyDeque } from '../../runtime/deque.ts';
import type { Py } from '../../runtime/instructions.ts';
import type { SimLock } from '../../runtime/lock.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { Frame, IterStep } from '../bytecode/frame.ts';
import type { PortVersion } from '../bytecode/version.ts';

export class ConditionPort {
  /** Condition._waiters: the deque object is fixed, its contents shared (PyDeque tracks them). */
  readonly waiters: PyDeque<SimLock>;

  // CPython 3.6-3.13 Lib/threading.py Condition.__init__ (lock given; a plain Lock has no _release_save & co.)
  constructor(
    private readonly rt: PyRuntime,
    private readonly lock: SimLock,
    id: string,
    private readonly v: PortVersion,
  ) {
    this.waiters = new PyDeque<SimLock>(rt.machine, `${id}._waiters`);
  }

  /** Condition.__init__(lock), walked (the constructor above did it): a plain Lock has none of RLock's internals. */
  *init(): Py<void> {
    const f = this.frame('__init__');
    yield* f.start();
    // if lock is None: lock = RLock()
    yield* f.branchNone(false);
    for (const attr of ['_release_save', '_acquire_restore', '_is_owned']) {
      if (this.v.minor >= 12) {
        // CPython 3.12+: if hasattr(lock, attr): self.<attr> = lock.<attr>
        yield* f.branch(yield* f.callC('hasattr', () => false));
      } else {
        // CPython 3.6-3.11: try: self.<attr> = lock.<attr> except AttributeError: pass
        yield* f.loadRaising(attr);
        yield* f.branch(true);
      }
    }
    // self._waiters = _deque()
    yield* f.callC('_deque', () => undefined);
    yield* f.ret();
  }

  private frame(name: string): Frame {
    return this.v.frame(`threading.py:Condition.${name}`);
  }

  // CPython 3.6-3.13 Lib/threading.py Condition.__enter__: return self._lock.__enter__()
  *enter(): Py<boolean> {
    const f = this.frame('__enter__');
    yield* f.start();
    const lock = this.lock;
    const got = yield* f.call('__enter__', 'c', () => lock.acquire(f.here()));
    yield* f.ret();
    return got;
  }

  // CPython 3.6-3.13 Lib/threading.py Condition.__exit__: return self._lock.__exit__(*args)
  *exit(): Py<void> {
    const f = this.frame('__exit__');
    yield* f.start();
    const lock = this.lock;
    yield* f.callC('__exit__', () => lock.release(f.here()));
    yield* f.ret();
  }

  // CPython 3.6-3.13 Lib/threading.py Condition._release_save: self._lock.release()
  private *releaseSave(): Py<void> {
    const f = this.frame('_release_save');
    yield* f.start();
    const lock = this.lock;
    yield* f.callC('release', () => lock.release(f.here()));
    yield* f.ret();
  }

  // CPython 3.6-3.13 Lib/threading.py Condition._acquire_restore: self._lock.acquire()
  private *acquireRestore(): Py<void> {
    const f = this.frame('_acquire_restore');
    yield* f.start();
    const lock = this.lock;
    yield* f.call('acquire', 'c', () => lock.acquire(f.here()));
    yield* f.ret();
  }

  // CPython 3.6-3.13 Lib/threading.py Condition._is_owned
  private *isOwned(): Py<boolean> {
    const f = this.frame('_is_owned');
    yield* f.start();
    const lock = this.lock;
    // if self._lock.acquire(False): self._lock.release(); return False
    if (yield* f.branch(yield* f.call('acquire', 'c', () => lock.acquire(f.here(), false)))) {
      yield* f.callC('release', () => lock.release(f.here()));
      yield* f.ret();
      return false;
    }
    // else: return True
    yield* f.ret();
    return true;
  }

  /** `if not self._is_owned(): raise RuntimeError(message)`, the start of wait() and notify(). */
  private *mustOwn(f: Frame, message: string): Py<void> {
    if (yield* f.branch(yield* f.call('_is_owned', 'py', () => this.isOwned()))) return;
    const err = yield* f.callC('RuntimeError', () => new RuntimeError(message));
    yield* f.raiseNew();
    throw err;
  }

  /**
   * CPython 3.6-3.13 Lib/threading.py Condition.wait. `onPark` observes the thread really
   * blocking on its waiter lock (the scenario's `waiting`), as the harness does in its lock.
   */
  *wait(timeout: number | null, onPark: () => void): Py<boolean> {
    const f = this.frame('wait');
    yield* f.start();
    yield* this.mustOwn(f, 'cannot wait on un-acquired lock');
    // waiter = _allocate_lock(); waiter.acquire(); self._waiters.append(waiter)
    const rt = this.rt;
    const waiter = yield* f.callC('_allocate_lock', () => rt.newLock('waiter-lock'));
    yield* f.call('acquire', 'c', () => waiter.acquire(f.here()));
    yield* f.load('_waiters');
    yield* f.callC('append', () => this.waiters.append(waiter));
    // saved_state = self._release_save(); gotit = False
    yield* f.call('_release_save', 'py', () => this.releaseSave());
    let gotit = false;
    try {
      // The thread parks only if no notify released its waiter lock since _release_save().
      // `timeout` as _thread.lock.acquire takes it: seconds from now, -1 for none (Python's own default).
      const parking = function* (timeout: number): Py<boolean> {
        if (waiter.locked()) onPark();
        return yield* waiter.acquire(f.here(), true, timeout);
      };
      if (yield* f.branchNone(timeout === null)) {
        // waiter.acquire(); gotit = True
        yield* f.call('acquire', 'c', () => parking(-1));
        gotit = true;
      } else if (yield* f.branch((timeout ?? 0) > 0)) {
        // gotit = waiter.acquire(True, timeout)
        gotit = yield* f.call('acquire', 'c', () => parking(timeout ?? 0));
      } else {
        // gotit = waiter.acquire(False)
        gotit = yield* f.call('acquire', 'c', () => waiter.acquire(f.here(), false));
      }
      // return gotit: the finally block runs first (3.9+ compile it in; 3.8 calls it; 3.6/3.7 unwind into it)
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      yield* this.restore(f, gotit, waiter);
      yield* f.reraise();
      throw e;
    }
    yield* this.restore(f, gotit, waiter);
    yield* f.ret();
    return gotit;
  }

  /** wait()'s `finally`: re-acquire the lock; a waiter that was not notified takes itself off the list. */
  private *restore(f: Frame, gotit: boolean, waiter: SimLock): Py<void> {
    yield* f.call('_acquire_restore', 'py', () => this.acquireRestore());
    if (yield* f.branch(gotit)) return;
    try {
      // self._waiters.remove(waiter)
      yield* f.load('_waiters');
      yield* f.callC('remove', () => this.waiters.remove(waiter));
    } catch (e) {
      // except ValueError: pass (a notify removed it meanwhile)
      if (!(e instanceof PyException)) throw e;
      if (!(yield* f.branch(e.pyType === 'ValueError'))) {
        yield* f.reraise();
        throw e;
      }
    }
  }

  /** Condition.notify(n) of this version. */
  *notify(n = 1): Py<void> {
    if (this.v.minor <= 8) yield* this.notifySnapshot(n);
    else yield* this.notifyHead(n);
  }

  // CPython 3.6-3.8 Lib/threading.py Condition.notify
  private *notifySnapshot(n: number): Py<void> {
    const f = this.frame('notify');
    yield* f.start();
    yield* this.mustOwn(f, 'cannot notify on un-acquired lock');
    // all_waiters = self._waiters; waiters_to_notify = _deque(_islice(all_waiters, n))
    yield* f.load('_waiters');
    const all = this.waiters;
    const sliced = yield* f.callC('_islice', () => all.iterator());
    const toNotify = yield* f.callC('_deque', () => {
      const out: SimLock[] = [];
      for (let r = sliced.next(); !r.done && out.length < n; r = sliced.next()) out.push(r.value);
      return out;
    });
    // if not waiters_to_notify: return
    if (!(yield* f.branch(toNotify.length > 0))) {
      yield* f.ret();
      return;
    }
    // for waiter in waiters_to_notify: waiter.release(); try: all_waiters.remove(waiter) except ValueError: pass
    let i = 0;
    yield* f.at('GET_ITER', () => undefined);
    for (;;) {
      const r: IterStep<SimLock> = yield* f.forIter(() => (i < toNotify.length ? { done: false, value: toNotify[i++]! } : { done: true }));
      if (r.done) break;
      const waiter = r.value;
      yield* f.callC('release', () => waiter.release(f.here()));
      yield* this.removeQuietly(f, all, waiter);
    }
    yield* f.ret();
  }

  // CPython 3.9-3.13 Lib/threading.py Condition.notify
  private *notifyHead(n: number): Py<void> {
    const f = this.frame('notify');
    yield* f.start();
    yield* this.mustOwn(f, 'cannot notify on un-acquired lock');
    // waiters = self._waiters
    yield* f.load('_waiters');
    const waiters = this.waiters;
    // while waiters and n > 0:
    for (;;) {
      if (!(yield* f.branch(() => waiters.length > 0))) break;
      if (!(yield* f.branch(n > 0))) break;
      // waiter = waiters[0]
      const waiter = yield* f.at('BINARY_SUBSCR', () => waiters.at(0));
      let released = true;
      try {
        // waiter.release()
        yield* f.callC('release', () => waiter.release(f.here()));
      } catch (e) {
        // except RuntimeError: pass (gh-92530: released by an earlier, interrupted notify)
        if (!(e instanceof PyException)) throw e;
        if (!(yield* f.branch(e.pyType === 'RuntimeError'))) {
          yield* f.reraise();
          throw e;
        }
        released = false;
      }
      // else: n -= 1
      if (released) n -= 1;
      yield* this.removeQuietly(f, waiters, waiter);
    }
    yield* f.ret();
  }

  /** `try: waiters.remove(waiter) except ValueError: pass` */
  private *removeQuietly(f: Frame, waiters: PyDeque<SimLock>, waiter: SimLock): Py<void> {
    try {
      yield* f.callC('remove', () => waiters.remove(waiter));
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      if (!(yield* f.branch(e.pyType === 'ValueError'))) {
        yield* f.reraise();
        throw e;
      }
    }
  }
}
