/**
 * The observable history of a run: the event vocabulary shared by every backend
 * (simulated ports and real CPython), every model and every property.
 *
 * A history is the list of semaphore operations as a user of the semaphore sees them:
 * an operation's call and its return (or exception). Nothing here depends on how the
 * implementation works inside; that is what lets one property check both backends.
 */

/**
 * What happened to a semaphore. `acquired` is "entered the critical section"; `release` (the call) is "exited it".
 * - `acquire`: acquire() called
 * - `waiting`: the caller really parked inside acquire(), once per call (asyncio: awaits its
 *   still-pending waiter future; threading: blocks on its Condition waiter lock)
 * - `acquired`: acquire() returned True: the caller now holds a permit
 * - `not-acquired`: acquire() ended without a permit and the caller goes on: threading's
 *   `acquire(False)` or `acquire(timeout=...)` returned False, or asyncio's
 *   `wait_for(sem.acquire(), timeout)` raised TimeoutError. Not a holder.
 * - `release`: release() called (recorded before release() runs, so a holder has left before anyone can see the permit)
 * - `released`: release() returned normally
 * - `cancelled`: acquire() ended with CancelledError
 * - `error`: an operation raised an exception other than CancelledError
 */
export const SEMAPHORE_EVENT_KINDS = ['acquire', 'waiting', 'acquired', 'not-acquired', 'release', 'released', 'cancelled', 'error'] as const;
export type SemaphoreEventKind = (typeof SEMAPHORE_EVENT_KINDS)[number];

/**
 * What happened in the scenario itself, beside its semaphores (scenario ops, docs/scenario-format.md):
 * - `record`: the `record` op appended `tag` to the scenario's result list (`expect.records` judges the list)
 * - `spawn`: the `spawn` op created the task named `tag` (asyncio.create_task); its first step is
 *   scheduled from this moment, which is what wakeup-latency needs to know
 */
export const SCENARIO_EVENT_KINDS = ['record', 'spawn'] as const;
export type ScenarioEventKind = (typeof SCENARIO_EVENT_KINDS)[number];

export const EVENT_KINDS = [...SEMAPHORE_EVENT_KINDS, ...SCENARIO_EVENT_KINDS] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The Python operation a semaphore event belongs to. */
export const OP_NAMES = ['acquire', 'release'] as const;
export type OpName = (typeof OP_NAMES)[number];

/**
 * Why an operation failed, classified once at the boundary (src/contract/error-rules.ts) so that
 * nobody downstream greps messages.
 * - `wrong-loop`: the semaphore is bound to another event loop. 3.10+: "<...> is bound to a
 *   different event loop" from _get_loop. 3.9 and older bind at construction and await their
 *   waiter future on that loop, so the task raises "Task ... got Future ... attached to a different loop".
 * - `future-other-loop`: a task awaited a future of another loop outside any semaphore operation.
 * - `released-too-many`: ValueError from BoundedSemaphore.release.
 * - `other`: anything else.
 */
export const ERROR_CLASSES = ['wrong-loop', 'future-other-loop', 'released-too-many', 'other'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export interface PyError {
  /** Python exception type name, e.g. "RuntimeError". */
  readonly type: string;
  /** The message with 0x... addresses normalised to 0x?, so histories compare across runs. */
  readonly message: string;
  readonly class: ErrorClass;
}

/** What every event says: when, and who. */
export interface EventBase {
  /** Position in the history (0-based). */
  readonly seq: number;
  /** Global scheduler step at which the event happened; violations point at steps. */
  readonly step: number;
  /** Virtual time in seconds. */
  readonly time: number;
  /** Thread name from the scenario, e.g. "T0". */
  readonly thread: string;
  /** Event loop id ("loop@T0") when the caller runs in a loop, else null. */
  readonly loop: string | null;
  /** Task name from the scenario when the caller is an asyncio task, else null. */
  readonly task: string | null;
}

/** An event of one semaphore operation. */
export interface SemaphoreEvent extends EventBase {
  /** Semaphore instance id: the scenario's name, suffixed "@T1" for per-thread instances. */
  readonly sem: string;
  readonly kind: SemaphoreEventKind;
  readonly op: OpName;
  /** Present on `error` events. */
  readonly error?: PyError;
  /** On the `release` event of threading's `release(n)` (3.9+): the n permits it returns at once; absent means 1. */
  readonly n?: number;
}

/** An event of the scenario itself: no semaphore, no operation. */
export interface ScenarioEvent extends EventBase {
  readonly kind: ScenarioEventKind;
  /** `record`: the tag appended; `spawn`: the name of the task created. */
  readonly tag: string;
}

export type HistoryEvent = SemaphoreEvent | ScenarioEvent;

export function isSemaphoreEvent(e: HistoryEvent): e is SemaphoreEvent {
  return e.kind !== 'record' && e.kind !== 'spawn';
}

/** The events of semaphore operations, in order: what models and most properties judge. */
export function semaphoreEvents(history: readonly HistoryEvent[]): SemaphoreEvent[] {
  return history.filter(isSemaphoreEvent);
}

/** The caller's identity: the unit whose operations are sequential (a task, or a plain thread). */
export function actorOf(e: Pick<HistoryEvent, 'thread' | 'task'>): string {
  return e.task ?? e.thread;
}
