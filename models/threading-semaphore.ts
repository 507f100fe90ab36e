/**
 * Sequential specification of threading.Semaphore / threading.BoundedSemaphore.
 *
 * - One global counter; any thread may release, with or without having acquired (a release
 *   without acquire raises the value).
 * - acquire takes a permit when value > 0 and otherwise blocks. A blocked caller takes a permit
 *   whenever value > 0 again: there is NO FIFO promise (a woken waiter re-checks under the
 *   condition's lock and a newcomer may get there first), so nothing is handed over on release.
 * - No loop affinity. BoundedSemaphore.release raises ValueError (`released-too-many`) when the
 *   value would exceed the initial value.
 * - Blocking calls cannot be cancelled. A caller gives up without a permit (acquire(False), or a
 *   timeout) only at an instant when no permit is free: CPython returns False only after finding
 *   `_value == 0` under the condition's lock.
 * - release(n) (3.9+) returns n permits at once, or none (BoundedSemaphore past its initial value).
 */
import type { AcquireResult, Caller, ModelDecl, ReleaseResult, SemaphoreModel, Step } from './model.ts';

export interface ThreadingState {
  readonly value: number;
  /** Blocked actors, sorted (the order carries no meaning). */
  readonly blocked: readonly string[];
  /** Largest value release may produce (BoundedSemaphore), or null. Constant. */
  readonly limit: number | null;
}

export const threadingModel: SemaphoreModel<ThreadingState> = {
  name: 'threading',
  kind: 'threading',
  init: (decl: ModelDecl): ThreadingState => ({
    value: decl.initial,
    blocked: [],
    limit: decl.bounded ? decl.initial : null,
  }),
  acquire,
  grant,
  cancel: () => null,
  timeOut,
  refuse: (s) => (s.value === 0 ? s : null),
  release,
  key: (s) => `${s.value}|${s.blocked.join(',')}`,
  describe: (s) => `value ${s.value}${s.blocked.length > 0 ? `, blocked [${s.blocked.join(', ')}]` : ''}`,
};

function acquire(s: ThreadingState, caller: Caller): Step<ThreadingState, AcquireResult> {
  if (s.value > 0) return { state: { ...s, value: s.value - 1 }, result: { kind: 'acquired' } };
  return { state: { ...s, blocked: [...s.blocked, caller.actor].sort() }, result: { kind: 'enqueued' } };
}

function grant(s: ThreadingState, actor: string): ThreadingState | null {
  const i = s.blocked.indexOf(actor);
  if (i < 0 || s.value <= 0) return null;
  return { ...s, value: s.value - 1, blocked: [...s.blocked.slice(0, i), ...s.blocked.slice(i + 1)] };
}

function timeOut(s: ThreadingState, actor: string): ThreadingState | null {
  const i = s.blocked.indexOf(actor);
  if (i < 0 || s.value > 0) return null;
  return { ...s, blocked: [...s.blocked.slice(0, i), ...s.blocked.slice(i + 1)] };
}

function release(s: ThreadingState, _caller: Caller, n = 1): Step<ThreadingState, ReleaseResult> {
  if (s.limit !== null && s.value + n > s.limit) {
    return { state: s, result: { kind: 'error', error: 'released-too-many' } };
  }
  return { state: { ...s, value: s.value + n }, result: { kind: 'released' } };
}
