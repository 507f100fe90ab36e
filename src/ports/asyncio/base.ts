/**
 * What every version's asyncio.Semaphore port shares: the port interface around the version's
 * own acquire/release, `async with` through _ContextManagerMixin, BoundedSemaphore.release (the
 * same in 3.6-3.13).
 */
import type { Py } from '../../runtime/instructions.ts';
import { ValueError } from '../../runtime/errors.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { SemaphorePort, SemaphoreSnapshot } from '../port.ts';
import type { Frame } from '../bytecode/frame.ts';
import type { PortVersion } from '../bytecode/version.ts';
import { aenter, aexit } from '../mixins/context-manager.ts';

export abstract class AsyncioSemaphorePort implements SemaphorePort {
  readonly kind = 'asyncio' as const;
  /** A shared field: subclasses track it (trackFields), every access is a step's read or write. */
  declare _value: number;
  /** BoundedSemaphore's _bound_value, or null for a plain Semaphore. Set once, read-only: not shared state. */
  protected readonly boundValue: number | null;

  constructor(
    readonly rt: PyRuntime,
    readonly id: string,
    protected readonly v: PortVersion,
    value: number,
    bounded: boolean,
  ) {
    // Semaphore.__init__: `if value < 0: raise ValueError(...)`
    if (value < 0) throw new ValueError('Semaphore initial value must be >= 0');
    this.boundValue = bounded ? value : null;
  }

  /** `await sem.acquire()`: no arguments (the scenario reader refuses blocking; a timeout is wait_for around it). */
  abstract acquire(): Py<boolean>;

  /** Semaphore._wake_up_next of this version (3.13's says whether it woke one). */
  protected abstract wakeUpNext(): Py<unknown>;

  // CPython 3.6-3.13 Lib/asyncio/locks.py Semaphore.release, the same in every version
  protected *semaphoreRelease(): Py<void> {
    const f = this.v.frame('asyncio/locks.py:Semaphore.release');
    yield* f.start();
    // self._value += 1
    yield* this.addValue(f, 1);
    // self._wake_up_next()
    yield* f.call('_wake_up_next', 'py', () => this.wakeUpNext());
    yield* f.ret();
  }

  /** `self._value -= 1; return True`: the end of an acquire that got its permit. */
  protected *takePermit(f: Frame): Py<true> {
    yield* this.addValue(f, -1);
    yield* f.ret();
    return true;
  }

  abstract snapshot(): SemaphoreSnapshot;

  /** Semaphore.__init__ of this version, walked: the object is built already (see init()). */
  protected abstract semaphoreInit(): Py<void>;

  *init(): Py<void> {
    if (this.boundValue === null) yield* this.semaphoreInit();
    else yield* this.boundedInit();
  }

  // CPython 3.6-3.13 Lib/asyncio/locks.py BoundedSemaphore.__init__
  private *boundedInit(): Py<void> {
    const f = this.v.frame('asyncio/locks.py:BoundedSemaphore.__init__');
    yield* f.start();
    // 3.8 and 3.9: `if loop: warnings.warn(...)` (the harness passes no loop)
    if (this.v.minor === 8 || this.v.minor === 9) yield* f.branch(false);
    // self._bound_value = value; super().__init__(value, ...)
    yield* f.store('_bound_value');
    yield* f.callCIfCompiled('super', () => undefined);
    yield* f.call('__init__', 'py', () => this.semaphoreInit());
    yield* f.ret();
  }

  /** `self._value += k` (`-= 1`). */
  protected *addValue(f: Frame, k: number): Py<void> {
    yield* f.augment(
      '_value',
      () => this._value,
      (v) => {
        this._value = v;
      },
      k,
    );
  }

  protected get className(): string {
    return this.boundValue === null ? 'Semaphore' : 'BoundedSemaphore';
  }

  /** `sem.release()`: no n (the scenario reader refuses it on asyncio; release(n) is threading's). */
  *release(): Py<void> {
    if (this.boundValue === null) yield* this.semaphoreRelease();
    else yield* this.boundedRelease(this.boundValue);
  }

  // CPython 3.6-3.13 Lib/asyncio/locks.py BoundedSemaphore.release
  private *boundedRelease(bound: number): Py<void> {
    const f = this.v.frame('asyncio/locks.py:BoundedSemaphore.release');
    yield* f.start();
    // if self._value >= self._bound_value:
    yield* f.load('_value');
    if (yield* f.branch(this._value >= bound)) {
      // raise ValueError('BoundedSemaphore released too many times')
      const err = yield* f.callC('ValueError', () => new ValueError('BoundedSemaphore released too many times'));
      yield* f.raiseNew();
      throw err;
    }
    // super().release()  (3.12+ loads the method with LOAD_SUPER_ATTR: no call of super)
    yield* f.callCIfCompiled('super', () => undefined);
    yield* f.call('release', 'py', () => this.semaphoreRelease());
    yield* f.ret();
  }

  *enter(): Py<void> {
    yield* aenter(this.v, () => this.acquire());
  }

  *exit(): Py<void> {
    yield* aexit(this.v, () => this.release());
  }
}
