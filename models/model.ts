/**
 * The interface of a sequential semaphore model: an executable specification in which every
 * operation takes effect atomically. The conformance checker (models/linearizability.ts) asks
 * whether a concurrent history can be explained by some sequence of these steps.
 *
 * An `acquire()` call is split into up to two steps because a caller that has to wait is
 * observable twice: once when it joins the line (`waiting`) and once when it leaves it
 * (`acquired` or `cancelled`). Splitting is what makes FIFO (asyncio) checkable.
 *
 * States are immutable values; every step returns a new state.
 */
import type { ErrorClass } from '../src/contract/events.ts';
import type { SemaphoreKind } from '../src/scenario/types.ts';

/** What a model needs to know about one semaphore instance. */
export interface ModelDecl {
  /** Instance id, as in HistoryEvent.sem ("S" or "S@T1"). */
  readonly id: string;
  readonly kind: SemaphoreKind;
  readonly initial: number;
  readonly bounded: boolean;
  /**
   * The event loop of the code that constructed the instance: "loop@main" for shared instances
   * (built by the main thread), "loop@T1" for per-thread ones. Only asyncio models that bind at
   * construction (CPython <= 3.9) use it.
   */
  readonly creatorLoop: string | null;
}

/** Who performs a step. */
export interface Caller {
  /** `actorKey(event)` (models/operations.ts): "T1/B" for a task, "T1" for a plain thread. */
  readonly actor: string;
  /** Event loop of the caller, or null outside a loop. */
  readonly loop: string | null;
}

export type AcquireResult =
  | { readonly kind: 'acquired' } // took a permit without waiting
  | { readonly kind: 'enqueued' } // must wait; a later `grant` or `cancel` step ends the call
  | { readonly kind: 'error'; readonly error: ErrorClass };

export type ReleaseResult = { readonly kind: 'released' } | { readonly kind: 'error'; readonly error: ErrorClass };

export interface Step<S, R> {
  readonly state: S;
  readonly result: R;
}

export interface SemaphoreModel<S> {
  /** For messages: "asyncio (3.10+)", "threading". */
  readonly name: string;
  readonly kind: SemaphoreKind;
  init(decl: ModelDecl): S;
  /** `acquire()` is called: it either takes a permit, joins the waiters, or fails. Always enabled. */
  acquire(state: S, caller: Caller): Step<S, AcquireResult>;
  /** A waiting caller returns from `acquire()` holding a permit; null when the model does not allow it now. */
  grant(state: S, actor: string): S | null;
  /** A waiting caller leaves `acquire()` with CancelledError; null when the model does not allow it now. */
  cancel(state: S, actor: string): S | null;
  /**
   * A waiting caller gives up without a permit (its timeout expired: threading's acquire(timeout)
   * returned False, asyncio's wait_for cancelled it); null when the model does not allow it now.
   */
  timeOut(state: S, actor: string): S | null;
  /**
   * `acquire()` returns without a permit and without having waited (threading's acquire(False), a
   * timeout that expired before it could wait); null when the model does not allow it now.
   */
  refuse(state: S, caller: Caller): S | null;
  /** `release()` (threading: `release(n)`) is called and returns or fails. Always enabled. */
  release(state: S, caller: Caller, n?: number): Step<S, ReleaseResult>;
  /** Canonical text of a state: equal keys mean equal futures (used for memoisation). */
  key(state: S): string;
  /** The state in words, for violation messages: "value 0, waiting [A, B], bound to loop@T0". */
  describe(state: S): string;
}

/** A model whose state type is hidden: what callers that pick a model at run time hold. */
export type AnyModel = SemaphoreModel<unknown>;

export function describeResult(result: AcquireResult | ReleaseResult): string {
  return result.kind === 'error' ? `error ${result.error}` : result.kind;
}
