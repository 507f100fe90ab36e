/**
 * Sequential specification of asyncio.Semaphore / asyncio.BoundedSemaphore: the semantics
 * CPython's maintainers settled on (3.10.8+, 3.11, 3.12, 3.13; see
 * ../shared/notes/semaphore-versions.md and docs/models.md).
 *
 * - One counter `value` of free permits and a line of actors, in arrival order. An actor in line
 *   is either still waiting (`queue`) or already *handed* a permit that it has not yet taken by
 *   returning from acquire() (`granted`: CPython's `_wake_up_next` decremented `_value` for it and
 *   resolved its future, but its task has not run yet).
 * - acquire on loop L: takes a permit at once only if one is free and nobody is in line, waiting
 *   or handed (CPython's `locked()` counts every waiter future that is not cancelled). Otherwise
 *   the call is contended: if the semaphore is bound to another loop it fails with RuntimeError
 *   (`wrong-loop`, the only error acquire may raise); else it binds to L (if unbound) and joins
 *   the line. A newcomer therefore never overtakes a woken waiter (bpo-45997).
 * - release: value++ (BoundedSemaphore: ValueError `released-too-many` if that would exceed the
 *   initial value). Free permits are handed to the head of the line at once, in order: the
 *   hand-off is what makes the model FIFO.
 * - A handed actor that returns simply keeps its permit (`grant`). If it is cancelled instead,
 *   the permit goes back and moves on to the next in line (CPython 3.11+; gh-90155 is the bug of
 *   losing it). A waiting actor that is cancelled leaves the line. A timeout is a cancellation
 *   (asyncio.wait_for cancels the acquire); one that came before the acquire ran has no effect.
 *
 * CPython hands out permits lazily (a woken waiter wakes the next when it runs); the model hands
 * them out at once. Linearizability absorbs the difference: a grant may take effect at any
 * instant up to the waiter's return.
 *
 * Binding: CPython >= 3.10 binds lazily on the first contended acquire; <= 3.9 binds at
 * construction to the constructing code's loop (`bindAtConstruction`).
 */
import type { AcquireResult, Caller, ModelDecl, ReleaseResult, SemaphoreModel, Step } from './model.ts';

export interface AsyncioState {
  /** Free permits. Permits handed to granted waiters are already subtracted. */
  readonly value: number;
  /** Waiting actors in the order they joined the line. */
  readonly queue: readonly string[];
  /** Actors handed a permit that have not yet returned from acquire(); sorted (order does not matter). */
  readonly granted: readonly string[];
  /** Loop the semaphore is bound to, or null when unbound. */
  readonly bound: string | null;
  /** Largest value release may produce (BoundedSemaphore), or null. Constant. */
  readonly limit: number | null;
}

export interface AsyncioModelOptions {
  /** CPython <= 3.9: bound at construction to ModelDecl.creatorLoop. */
  readonly bindAtConstruction: boolean;
}

export function asyncioModel(options: AsyncioModelOptions): SemaphoreModel<AsyncioState> {
  return {
    name: options.bindAtConstruction ? 'asyncio (<= 3.9: bound at construction)' : 'asyncio (>= 3.10)',
    kind: 'asyncio',
    init: (decl: ModelDecl): AsyncioState => ({
      value: decl.initial,
      queue: [],
      granted: [],
      bound: options.bindAtConstruction ? decl.creatorLoop : null,
      limit: decl.bounded ? decl.initial : null,
    }),
    acquire,
    grant,
    cancel,
    // wait_for cancels the acquire when the time is up: a timed-out waiter is a cancelled one.
    timeOut: cancel,
    // A wait_for whose time was up before its acquire ran (timeout 0) cancelled it before it could act.
    refuse: (s) => s,
    release,
    key: (s) => `${s.value}|${s.queue.join(',')}|${s.granted.join(',')}|${s.bound ?? ''}`,
    describe,
  };
}

function acquire(s: AsyncioState, caller: Caller): Step<AsyncioState, AcquireResult> {
  if (s.value > 0 && s.queue.length === 0 && s.granted.length === 0) {
    return { state: { ...s, value: s.value - 1 }, result: { kind: 'acquired' } };
  }
  if (s.bound !== null && s.bound !== caller.loop) {
    return { state: s, result: { kind: 'error', error: 'wrong-loop' } };
  }
  return {
    state: handOver({ ...s, bound: s.bound ?? caller.loop, queue: [...s.queue, caller.actor] }),
    result: { kind: 'enqueued' },
  };
}

function grant(s: AsyncioState, actor: string): AsyncioState | null {
  const i = s.granted.indexOf(actor);
  if (i < 0) return null;
  return { ...s, granted: without(s.granted, i) };
}

function cancel(s: AsyncioState, actor: string): AsyncioState | null {
  const q = s.queue.indexOf(actor);
  if (q >= 0) return { ...s, queue: without(s.queue, q) };
  const g = s.granted.indexOf(actor);
  if (g < 0) return null;
  // The permit it was handed goes back and moves on to the next in line.
  return handOver({ ...s, value: s.value + 1, granted: without(s.granted, g) });
}

function release(s: AsyncioState, _caller: Caller, n = 1): Step<AsyncioState, ReleaseResult> {
  if (s.limit !== null && s.value + n > s.limit) {
    return { state: s, result: { kind: 'error', error: 'released-too-many' } };
  }
  return { state: handOver({ ...s, value: s.value + n }), result: { kind: 'released' } };
}

/** Give free permits to the head of the line, keeping the invariant "value > 0 implies nobody waits". */
function handOver(s: AsyncioState): AsyncioState {
  let { value, queue, granted } = s;
  while (value > 0 && queue.length > 0) {
    granted = insertSorted(granted, queue[0]!);
    queue = queue.slice(1);
    value -= 1;
  }
  return { ...s, value, queue, granted };
}

function describe(s: AsyncioState): string {
  const parts = [`value ${s.value}`];
  if (s.queue.length > 0) parts.push(`waiting [${s.queue.join(', ')}]`);
  if (s.granted.length > 0) parts.push(`handed a permit, not yet returned [${s.granted.join(', ')}]`);
  parts.push(s.bound === null ? 'unbound' : `bound to ${s.bound}`);
  return parts.join(', ');
}

function without<T>(xs: readonly T[], i: number): readonly T[] {
  return [...xs.slice(0, i), ...xs.slice(i + 1)];
}

function insertSorted(xs: readonly string[], x: string): readonly string[] {
  return [...xs, x].sort();
}
