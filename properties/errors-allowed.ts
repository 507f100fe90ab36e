/**
 * Only specified errors: every exception an operation raises must be one the model allows.
 *
 * - `wrong-loop` (RuntimeError "... is bound to a different event loop"): only from an asyncio
 *   acquire() that, at some instant of its call, was contended (no permit free, or someone
 *   waiting) while the semaphore was bound to another loop. Operations are not atomic across
 *   threads, so the whole call interval is searched, and the history-derived bounds are loose on
 *   purpose: an error is flagged only when no instant of its call can explain it. Raised after the
 *   caller had already joined the line, it is never allowed (the loop check comes first).
 * - `released-too-many` (ValueError): only from release() of a BoundedSemaphore whose value could,
 *   at some instant of the call, have been at its initial value.
 *   CPython <= 3.9 shows the same affinity differently: bound at construction, it queues a waiter
 *   future of its own loop and the task refuses to await it ("got Future attached to a different
 *   loop", classified `wrong-loop` at the operation boundary), so there the error may follow `waiting`.
 * - Anything else is a violation, including `future-other-loop` outside a semaphore operation.
 * An error event outside any call is a violation too.
 */
import { extractOperations, isOpenAfter, type Operation } from '../models/operations.ts';
import { bindsAtConstruction, creatorLoopOf } from '../models/select.ts';
import { semaphoreEvents, type SemaphoreEvent } from '../src/contract/events.ts';
import type { Property, RunView, Violation } from './api.ts';
import { at, who } from './format.ts';
import { semaphoreInfo, type SemaphoreInfo } from './semaphores.ts';

export const errorsAllowed: Property = {
  name: 'errors-allowed',
  description:
    'operations raise only what the model allows: wrong-loop from a contended acquire bound elsewhere, released-too-many from a full BoundedSemaphore',
  check: (view: RunView): readonly Violation[] => {
    const { ops, malformed } = extractOperations(view.history);
    const out: Violation[] = [];
    for (const op of ops) {
      if (op.end?.kind !== 'error') continue;
      const reason = disallowed(view, op, ops);
      if (reason !== null) out.push(violation(op.end, `${op.op}() by ${who(op.call)}`, reason));
    }
    for (const m of malformed) {
      if (m.event.kind === 'error') out.push(violation(m.event, `${who(m.event)}`, `no call to attribute it to (${m.reason})`));
    }
    return out.sort((a, b) => a.step - b.step);
  },
};

function violation(e: SemaphoreEvent, what: string, reason: string): Violation {
  const err = e.error;
  const name = err === undefined ? 'an error' : `${err.type} (${err.class}) "${err.message}"`;
  return {
    property: 'errors-allowed',
    outcome: 'unexpected-error',
    step: e.step,
    message: `unexpected ${name} from ${what} on sem '${e.sem}' at ${at(e)}: ${reason}`,
  };
}

/** Why the model does not allow this error, or null when it does. */
function disallowed(view: RunView, op: Operation, ops: readonly Operation[]): string | null {
  const end = op.end!;
  const info = semaphoreInfo(view, op.sem);
  if (info === undefined) return 'the semaphore is unknown to the run';
  const cls = end.error?.class ?? 'other';
  const others = ops.filter((o) => o.sem === op.sem && o !== op);
  if (cls === 'wrong-loop') return wrongLoop(view, op, info, others);
  if (cls === 'released-too-many') return releasedTooMany(view, op, info, others);
  return `the ${info.kind} model raises no ${cls} error`;
}

function wrongLoop(view: RunView, op: Operation, info: SemaphoreInfo, others: readonly Operation[]): string | null {
  if (op.op !== 'acquire') return 'only acquire() checks the loop';
  if (info.kind !== 'asyncio') return 'a threading semaphore has no loop';
  // 3.10+ checks the loop before queueing; <= 3.9 queues a future of its bound loop and the task then refuses to await it.
  if (op.waiting !== undefined && !bindsAtConstruction(view.scenario.impl)) return `it came after the caller had joined the line at step ${op.waiting.step}`;
  const instants = instantsOf(view, op);
  const contended = instants.some((m) => lowestValue(info, others, m) <= 0 || others.some((o) => o.waiting !== undefined && isOpenAfter(o, m)));
  const elsewhere = bindsAtConstruction(view.scenario.impl) ? creatorLoopOf(op.sem) !== op.loop : mayBeBoundElsewhere(op, others);
  if (!contended) return 'the semaphore was never contended during the call (a free permit and nobody waiting)';
  if (!elsewhere) return `the semaphore cannot have been bound to a loop other than ${op.loop ?? 'none'} during the call`;
  return null;
}

/**
 * Lazy binding: the first contended acquire binds. Another loop's acquire can have bound first if
 * it may have joined the line (it waited, or it is still pending), was called before this call
 * ended, and was called before any acquire of this loop had joined the line (which binds to this loop).
 */
function mayBeBoundElsewhere(op: Operation, others: readonly Operation[]): boolean {
  const mineJoined = Math.min(...others.filter((o) => o.op === 'acquire' && o.loop === op.loop && o.waiting !== undefined).map((o) => o.waiting!.seq));
  return others.some(
    (o) => o.op === 'acquire' && o.loop !== op.loop && (o.waiting !== undefined || o.end === undefined) && o.call.seq < op.end!.seq && o.call.seq < mineJoined,
  );
}

function releasedTooMany(view: RunView, op: Operation, info: SemaphoreInfo, others: readonly Operation[]): string | null {
  if (op.op !== 'release') return 'only release() raises it';
  if (!info.bounded) return `'${op.sem}' is not bounded: release() may raise the value above its initial ${info.initial}`;
  const highest = Math.max(...instantsOf(view, op).map((m) => highestValue(info, others, m)));
  if (highest + op.n > info.initial) return null;
  return `the value was at most ${highest} during the call, so ${op.n === 1 ? 'one more release' : `releasing ${op.n}`} does not exceed the initial ${info.initial}`;
}

/** Seqs of this instance's events during the call: "just after event m" are the instants values can change. */
function instantsOf(view: RunView, op: Operation): number[] {
  return semaphoreEvents(view.history)
    .filter((e) => e.sem === op.sem && e.seq >= op.call.seq && e.seq < op.end!.seq)
    .map((e) => e.seq);
}

/** Least value possible just after event m: every open acquire may have taken a permit, no open release has given one. */
function lowestValue(info: SemaphoreInfo, others: readonly Operation[], m: number): number {
  let v = info.initial;
  for (const o of others) {
    if (o.op === 'acquire' && ((o.end?.kind === 'acquired' && o.end.seq <= m) || isOpenAfter(o, m))) v -= 1;
    if (o.op === 'release' && o.end?.kind === 'released' && o.end.seq <= m) v += o.n;
  }
  return v;
}

/** Greatest value possible just after event m: no open acquire has taken a permit, every open release has given one. */
function highestValue(info: SemaphoreInfo, others: readonly Operation[], m: number): number {
  let v = info.initial;
  for (const o of others) {
    if (o.op === 'acquire' && o.end?.kind === 'acquired' && o.end.seq <= m) v -= 1;
    if (o.op === 'release' && ((o.end?.kind === 'released' && o.end.seq <= m) || isOpenAfter(o, m))) v += o.n;
  }
  return v;
}
