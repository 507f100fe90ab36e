/**
 * Shared fields of a port, tracked. A Python semaphore's attributes (`_value`, `_waiters`,
 * `_loop`, ...) are state every thread may read and write; each access is recorded with the
 * machine (`touch`), so traces show what a step touched and the partial-order reduction knows
 * which steps conflict. Declaring them here keeps the port's code reading like the Python it
 * follows (`this._value -= 1`) instead of a getter/setter pair per field.
 *
 *   class Semaphore311 { declare protected _value: number; ... }
 *   trackFields(Semaphore311, ['_value', '_waiters']);
 *
 * Fields must be `declare`d (an initialised class field would shadow the accessor) and are
 * assigned in the constructor. Accesses outside a running thread (construction on the main
 * thread, snapshots after the run) are not steps and are not recorded.
 */
import type { PyRuntime } from '../runtime/runtime.ts';

interface Owner {
  readonly rt: PyRuntime;
  readonly id: string;
}

export function trackFields(cls: { readonly prototype: object }, names: readonly string[]): void {
  for (const name of names) {
    const slot = Symbol(name);
    const suffix = `.${name}`;
    Object.defineProperty(cls.prototype, name, {
      configurable: false,
      enumerable: false,
      get(this: Owner & Record<symbol, unknown>) {
        const m = this.rt.machine;
        if (m.tracking) m.touch(this.id + suffix, 'r');
        return this[slot];
      },
      set(this: Owner & Record<symbol, unknown>, v: unknown) {
        const m = this.rt.machine;
        if (m.tracking) m.touch(this.id + suffix, 'w');
        this[slot] = v;
      },
    });
  }
}
