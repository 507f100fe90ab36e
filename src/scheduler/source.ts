/**
 * Decision sources: where every nondeterministic choice of a run comes from.
 *
 * The machine asks the source at each decision and records every answer that differs from
 * the default as a Deviation, so any run, whatever its source, replays from its recorded
 * schedule through a SparseSource.
 */
import type { PointKey } from '../contract/schedule.ts';

export interface PointContext {
  readonly key: PointKey;
  /** Global step number of this point. */
  readonly step: number;
  /** Other runnable threads, in index order. */
  readonly others: readonly string[];
  /** A delay can change something: another thread is unfinished. */
  readonly canDelay: boolean;
  /** The thread is about to block here (lock, sleep, select). */
  readonly blocking: boolean;
  /**
   * The state at this point, for partial-order reduction: equal keys mean states reached by
   * equivalent schedules (the machine's happens-before fingerprint; only meaningful when the
   * machine keeps it). Computed on demand.
   */
  readonly stateKey?: () => string;
}

export type PointChoice = { readonly kind: 'continue' } | { readonly kind: 'switch'; readonly to?: string } | { readonly kind: 'delay' };

export interface SlotContext {
  readonly key: PointKey;
  /** Declared cancellations that may fire here (tasks of this loop, alive, not yet cancelled). */
  readonly cancellable: readonly string[];
}

export interface ChoiceContext {
  readonly key: PointKey;
  /** The options in default order; index 0 is the default. */
  readonly options: readonly string[];
}

export interface DecisionSource {
  point(c: PointContext): PointChoice;
  /** Name of a task to cancel now, or null. */
  slot(c: SlotContext): string | null;
  /** Which blocked thread gets a released lock (index into options). */
  wake(c: ChoiceContext): number;
  /** Order in which tied timers fire (a permutation of 0..n-1), or null for scheduling order. */
  tie(c: ChoiceContext): readonly number[] | null;
  /** Which of several threads woken by a clock advance runs first (index into options). */
  clock(c: ChoiceContext): number;
}

/** Every choice is the default: the run the schedule `[]` describes. */
export const defaultSource: DecisionSource = {
  point: () => ({ kind: 'continue' }),
  slot: () => null,
  wake: () => 0,
  tie: () => null,
  clock: () => 0,
};
