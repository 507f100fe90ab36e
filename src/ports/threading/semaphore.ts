/**
 * threading.Semaphore and threading.BoundedSemaphore (Lib/threading.py) of CPython 3.6-3.13, over
 * ./condition.ts. The versions differ in release(): no `n` up to 3.8 (a second argument is a
 * TypeError), `release(n)` with n notify() calls from 3.9 (bpo-10978), one notify(n) from 3.12.
 * acquire(blocking, timeout) is the same everywhere: a timeout is a deadline on the virtual clock,
 * recomputed after each wake-up.
 */
import { PyException, ValueError } from '../../runtime/errors.ts';
import type { Py } from '../../runtime/instructions.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { AcquireOptions, SemaphorePort, SemaphoreSnapshot } from '../port.ts';
import type { Frame } from '../bytecode/frame.ts';
import type { PortVersion } from '../bytecode/version.ts';
import { trackFields } from '../tracked.ts';
import { ConditionPort } from './condition.ts';

export class ThreadingSemaphorePort implements SemaphorePort {
  readonly kind = 'threading' as const;
  protected readonly cond: ConditionPort;
  /** A shared field (trackFields below): every access is a step's read or write. */
  declare _value: number;
  /** BoundedSemaphore's _initial_value, or null for a plain Semaphore: set once, never shared state. */
  private readonly initialValue: number | null;

  // CPython 3.6-3.13 Lib/threading.py Semaphore.__init__ (and BoundedSemaphore.__init__)
  constructor(
    readonly rt: PyRuntime,
    readonly id: string,
    private readonly v: PortVersion,
    value: number,
    bounded: boolean,
  ) {
    if (value < 0) throw new ValueError('semaphore initial value must be >= 0');
    this.cond = new ConditionPort(rt, rt.newLock(`${id}._cond._lock`), `${id}._cond`, v);
    this._value = value;
    this.initialValue = bounded ? value : null;
  }

  /** Semaphore.__init__ (and BoundedSemaphore's), walked: the constructor above did it. */
  *init(): Py<void> {
    if (this.initialValue === null) {
      yield* this.semaphoreInit();
      return;
    }
    // CPython 3.6-3.13 Lib/threading.py BoundedSemaphore.__init__: Semaphore.__init__(self, value) (3.12+: super().__init__(value))
    const f = this.frame('BoundedSemaphore.__init__');
    yield* f.start();
    yield* f.callCIfCompiled('super', () => undefined);
    yield* f.call('__init__', 'py', () => this.semaphoreInit());
    // self._initial_value = value
    yield* f.store('_initial_value');
    yield* f.ret();
  }

  // CPython 3.6-3.13 Lib/threading.py Semaphore.__init__
  private *semaphoreInit(): Py<void> {
    const f = this.frame('Semaphore.__init__');
    yield* f.start();
    // if value < 0: raise ValueError(...)
    yield* f.branch(false);
    // self._cond = Condition(Lock()); self._value = value
    yield* f.callC('Lock', () => undefined);
    yield* f.call('Condition', 'c', () => this.cond.init());
    yield* f.store('_cond');
    yield* f.store('_value');
    yield* f.ret();
  }

  private frame(name: string): Frame {
    return this.v.frame(`threading.py:${name}`);
  }

  // CPython 3.6-3.13 Lib/threading.py Semaphore.acquire (also __enter__)
  *acquire(options?: AcquireOptions): Py<boolean> {
    const blocking = options?.blocking ?? true;
    let timeout = options?.timeout ?? null;
    const f = this.frame('Semaphore.acquire');
    yield* f.start();
    // if not blocking and timeout is not None: raise ValueError(...)
    if (!(yield* f.branch(blocking)) && !(yield* f.branchNone(timeout === null))) {
      const err = yield* f.callC('ValueError', () => new ValueError("can't specify timeout for non-blocking acquire"));
      yield* f.raiseNew();
      throw err;
    }
    let rc = false;
    let endtime: number | null = null;
    let parked = false;
    const onPark = () => {
      if (!parked) this.rt.machine.emit('waiting', 'acquire', this.id);
      parked = true;
    };
    // with self._cond:
    yield* this.withCond(f, function* (this: ThreadingSemaphorePort) {
      // while self._value == 0: ... else: self._value -= 1; rc = True
      for (;;) {
        yield* f.load('_value');
        if (!(yield* f.branch(this._value === 0))) {
          yield* this.add(f, -1);
          rc = true;
          break;
        }
        // if not blocking: break
        if (!(yield* f.branch(blocking))) break;
        // if timeout is not None:
        if (!(yield* f.branchNone(timeout === null))) {
          const t = timeout ?? 0;
          if (yield* f.branchNone(endtime === null)) {
            // endtime = _time() + timeout
            endtime = (yield* this.time(f)) + t;
          } else {
            // timeout = endtime - _time(); if timeout <= 0: break
            timeout = (endtime ?? 0) - (yield* this.time(f));
            if (yield* f.branch(timeout <= 0)) break;
          }
        }
        // self._cond.wait(timeout)
        const wait = timeout;
        yield* f.call('wait', 'py', () => this.cond.wait(wait, onPark));
      }
    });
    yield* f.ret();
    return rc;
  }

  /** `_time()`: threading's clock, the virtual one (Python outside the code under test on the real side). */
  private *time(f: Frame): Py<number> {
    const machine = this.rt.machine;
    return yield* f.callC('_time', () => {
      machine.touch('clock', 'r');
      return machine.now;
    });
  }

  /** `self._value += k` (or `-= 1`). */
  private *add(f: Frame, k: number): Py<void> {
    yield* f.augment(
      '_value',
      () => this._value,
      (v) => {
        this._value = v;
      },
      k,
    );
  }

  /** `with self._cond: <body>`: Condition.__enter__, the body, Condition.__exit__ on either path. */
  private *withCond(f: Frame, body: (this: ThreadingSemaphorePort) => Py<void>): Py<void> {
    yield* f.call('__enter__', 'py', () => this.cond.enter());
    try {
      yield* body.call(this);
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      yield* f.exitWithRaising('py', () => this.cond.exit());
      throw e;
    }
    yield* f.call('__exit__', 'py', () => this.cond.exit());
  }

  *enter(): Py<void> {
    yield* this.acquire();
  }

  // CPython 3.6-3.13 Lib/threading.py Semaphore.__exit__: self.release()
  *exit(): Py<void> {
    const f = this.frame('Semaphore.__exit__');
    yield* f.start();
    yield* f.call('release', 'py', () => this.release());
    yield* f.ret();
  }

  *release(n?: number): Py<void> {
    if (this.v.minor <= 8 && n !== undefined) {
      // release(self) takes no n before 3.9: Python refuses the call before any frame runs.
      throw new PyException('TypeError', 'release() takes 1 positional argument but 2 were given');
    }
    const count = n ?? 1;
    const f = this.frame(this.initialValue === null ? 'Semaphore.release' : 'BoundedSemaphore.release');
    yield* f.start();
    if (this.v.minor >= 9) {
      // if n < 1: raise ValueError('n must be one or more')
      if (yield* f.branch(count < 1)) {
        const err = yield* f.callC('ValueError', () => new ValueError('n must be one or more'));
        yield* f.raiseNew();
        throw err;
      }
    }
    // with self._cond:
    yield* this.withCond(f, function* (this: ThreadingSemaphorePort) {
      if (this.initialValue !== null) {
        // BoundedSemaphore: if self._value >= self._initial_value (3.9+: self._value + n > self._initial_value): raise ValueError
        yield* f.load('_value');
        const over = this.v.minor <= 8 ? this._value >= this.initialValue : this._value + count > this.initialValue;
        if (yield* f.branch(over)) {
          const err = yield* f.callC('ValueError', () => new ValueError('Semaphore released too many times'));
          yield* f.raiseNew();
          throw err;
        }
      }
      // self._value += n
      yield* this.add(f, count);
      yield* this.notify(f, count);
    });
    yield* f.ret();
  }

  /** `self._cond.notify()` (up to 3.8), `for i in range(n): self._cond.notify()` (3.9-3.11), `self._cond.notify(n)` (3.12+). */
  private *notify(f: Frame, n: number): Py<void> {
    if (this.v.minor <= 8 || this.v.minor >= 12) {
      yield* f.call('notify', 'py', () => this.cond.notify(n));
      return;
    }
    yield* f.callC('range', () => undefined);
    yield* f.at('GET_ITER', () => undefined);
    for (let i = 0; ; i++) {
      const r = yield* f.forIter(() => (i < n ? { done: false, value: i } : { done: true }));
      if (r.done) return;
      yield* f.call('notify', 'py', () => this.cond.notify());
    }
  }

  snapshot(): SemaphoreSnapshot {
    return { value: this._value, waiters: this.cond.waiters.length, inFlight: 0, boundLoop: null };
  }
}

trackFields(ThreadingSemaphorePort, ['_value']);
