/**
 * Schedules: the portable, shrinkable description of one interleaving.
 *
 * Every nondeterministic choice has a *default* (continue the running thread; wake the
 * longest-blocked thread; fire tied timers in the order they were scheduled; never fire a
 * declared cancellation; never delay a thread). A schedule lists only the *deviations*
 * from those defaults. Each deviation is keyed by the thread it happens on, the
 * CPython source-location label of the point, and the occurrence of that label on that
 * thread (1-based), never by raw step numbers: labels mean the same thing on the
 * simulated ports and on real CPython, and deleting one deviation does not shift the
 * meaning of the others. That is what makes a schedule shrink well (fast-check deletes
 * deviations) and replay on both backends.
 */

import { CLOCK_THREAD } from './names.ts';

/** Where a deviation applies: thread T's `occ`-th arrival at the point labelled `label`. */
export interface PointKey {
  readonly thread: string;
  /** e.g. "asyncio/locks.py:Semaphore.acquire:373" (file relative to Lib/, function, line). */
  readonly label: string;
  /** 1-based occurrence of `label` on `thread`. */
  readonly occ: number;
}

/** Preempt the running thread here and run `to` (or, if absent or not runnable, the next runnable thread). */
export interface SwitchDeviation extends PointKey {
  readonly kind: 'switch';
  readonly to?: string;
}

/** The OS delays this thread: it continues only after virtual time has advanced to the next timer. */
export interface DelayDeviation extends PointKey {
  readonly kind: 'delay';
}

/** A cancellation declared by the scenario fires here: `task.cancel()` runs in this loop slot. */
export interface CancelDeviation extends PointKey {
  readonly kind: 'cancel';
  readonly task: string;
}

/** A lock released here is handed to `waiter` instead of the longest-blocked thread. */
export interface WakeDeviation extends PointKey {
  readonly kind: 'wake';
  readonly waiter: string;
}

/** Timers due at the same virtual instant fire in this order (indices into scheduling order). */
export interface TieDeviation extends PointKey {
  readonly kind: 'tie';
  readonly order: readonly number[];
}

export type Deviation = SwitchDeviation | DelayDeviation | CancelDeviation | WakeDeviation | TieDeviation;

export const DEVIATION_KINDS = ['switch', 'delay', 'cancel', 'wake', 'tie'] as const satisfies readonly Deviation['kind'][];

/**
 * One decision of a run driven by a prefix of choices (src/scheduler/prefix-source.ts), as a
 * depth-first enumeration needs it back: how many options there were, which was taken (0 is the
 * default), and whether taking another would spend preemption budget.
 */
export interface Decision {
  readonly arity: number;
  readonly chosen: number;
  /** Whether a non-default choice here spends preemption budget. */
  readonly preempts: boolean;
}

/** A schedule: the deviations from the default choices, in the order they were taken. */
export type Schedule = readonly Deviation[];

export function keyOf(p: PointKey): string {
  return `${p.thread}|${p.label}|${p.occ}`;
}

/**
 * Canonical text of a schedule, used to count distinct schedules (once per explored run, so
 * built by hand rather than through JSON). Fields are joined with control characters no
 * thread, label or task name contains, so distinct schedules never share a key.
 */
export function scheduleKey(schedule: Schedule): string {
  let key = '';
  for (const d of schedule) {
    key += `${d.kind}\u0001${d.thread}\u0001${d.label}\u0001${d.occ}\u0001${deviationTarget(d)}\u0002`;
  }
  return key;
}

function deviationTarget(d: Deviation): string {
  switch (d.kind) {
    case 'switch':
      return d.to ?? '';
    case 'delay':
      return '';
    case 'cancel':
      return d.task;
    case 'wake':
      return d.waiter;
    case 'tie':
      return d.order.join(',');
  }
}

/**
 * Forced preemptions: what "minimal" counts. A delay is the OS preempting a thread, so it
 * counts; choosing which of several threads woken by the clock runs first preempts nobody.
 */
export function preemptionCount(schedule: Schedule): number {
  return schedule.filter((d) => (d.kind === 'switch' && d.thread !== CLOCK_THREAD) || d.kind === 'delay').length;
}
