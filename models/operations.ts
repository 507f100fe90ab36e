/**
 * From events to operations: pairs each call with its return, per semaphore instance and actor.
 * An actor's operations on one semaphore are sequential, so at most one is open at a time.
 */
import { isSemaphoreEvent, type HistoryEvent, type OpName, type SemaphoreEvent } from '../src/contract/events.ts';

/**
 * The caller's identity, qualified by its thread: "T1/B" for a task, "T1" for a plain thread.
 * Like `actorOf`, but two threads' tasks of the same name (each thread's "main") stay apart.
 */
export function actorKey(e: Pick<HistoryEvent, 'thread' | 'task'>): string {
  return e.task === null ? e.thread : `${e.thread}/${e.task}`;
}

export interface Operation {
  /** `actorKey` of the caller. */
  readonly actor: string;
  readonly sem: string;
  readonly op: OpName;
  /** Permits a release gives back (threading's release(n)); 1 for every other call. */
  readonly n: number;
  readonly thread: string;
  readonly loop: string | null;
  /** The `acquire` or `release` event. */
  readonly call: SemaphoreEvent;
  /** The first `waiting` event of an acquire (a caller may park more than once; joining the line is what counts). */
  readonly waiting?: SemaphoreEvent;
  /** `acquired` / `not-acquired` / `released` / `cancelled` / `error`; absent while the call is pending. */
  readonly end?: SemaphoreEvent;
}

export interface MalformedEvent {
  readonly event: SemaphoreEvent;
  readonly reason: string;
}

export interface Operations {
  /** In the order of their calls. */
  readonly ops: readonly Operation[];
  /** Events that do not fit the call/return grammar (a backend bug, reported rather than guessed around). */
  readonly malformed: readonly MalformedEvent[];
}

/**
 * Every property and the conformance check read the operations of the same finished history:
 * they share one pass. Keyed by the array and its length, so a history that grew since is
 * extracted afresh; the result is read-only to every caller.
 */
const extracted = new WeakMap<readonly HistoryEvent[], { readonly length: number; readonly ops: Operations }>();

/** The semaphore operations of a history; the scenario's own events (`record`, `spawn`) are no operation's. */
export function extractOperations(history: readonly HistoryEvent[]): Operations {
  const hit = extracted.get(history);
  if (hit !== undefined && hit.length === history.length) return hit.ops;
  const ops = extractFresh(history);
  extracted.set(history, { length: history.length, ops });
  return ops;
}

/** The operations of one semaphore instance: the same as extracting from its events alone (keys are per instance). */
export function operationsOf(history: readonly HistoryEvent[], sem: string): Operations {
  const all = extractOperations(history);
  return { ops: all.ops.filter((op) => op.sem === sem), malformed: all.malformed.filter((m) => m.event.sem === sem) };
}

function extractFresh(history: readonly HistoryEvent[]): Operations {
  // Built in place (runs on every explored run), frozen into the readonly shape on return.
  type Building = { -readonly [K in keyof Operation]: Operation[K] };
  const ops: Building[] = [];
  const malformed: MalformedEvent[] = [];
  const open = new Map<string, Building>();
  for (const e of history) {
    if (!isSemaphoreEvent(e)) continue;
    const k = `${e.sem}\u0000${actorKey(e)}`;
    const current = open.get(k);
    if (e.kind === 'acquire' || e.kind === 'release') {
      if (current !== undefined) {
        malformed.push({ event: e, reason: `${e.kind}() called while ${current.op}() at seq ${current.call.seq} has not returned` });
        continue;
      }
      const op: Building = { actor: actorKey(e), sem: e.sem, op: e.kind, n: e.n ?? 1, thread: e.thread, loop: e.loop, call: e };
      open.set(k, op);
      ops.push(op);
      continue;
    }
    if (current === undefined) {
      malformed.push({ event: e, reason: `${e.kind} without a pending ${e.op}() call` });
      continue;
    }
    const fits =
      e.op === current.op &&
      (e.kind === 'error' ||
        (current.op === 'acquire' && (e.kind === 'waiting' || e.kind === 'acquired' || e.kind === 'not-acquired' || e.kind === 'cancelled')) ||
        (current.op === 'release' && e.kind === 'released'));
    if (!fits) {
      malformed.push({ event: e, reason: `${e.kind} (${e.op}) does not belong to the pending ${current.op}() call` });
      continue;
    }
    if (e.kind === 'waiting') {
      current.waiting ??= e;
      continue;
    }
    current.end = e;
    open.delete(k);
  }
  return { ops, malformed };
}

/** Whether the operation had started and not yet ended just after event `seq`. */
export function isOpenAfter(op: Operation, seq: number): boolean {
  return op.call.seq <= seq && (op.end === undefined || op.end.seq > seq);
}
