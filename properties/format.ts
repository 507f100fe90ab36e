/**
 * Wording shared by violation messages, so every property names actors, instances and times alike.
 */
import type { HistoryEvent } from '../src/contract/events.ts';

/** "T1/B" for a task, "T1" for a plain thread. */
export function who(e: Pick<HistoryEvent, 'thread' | 'task'>): string {
  return e.task === null ? e.thread : `${e.thread}/${e.task}`;
}

/** "step 17, t=0.5s" */
export function at(e: Pick<HistoryEvent, 'step' | 'time'>): string {
  return `step ${e.step}, t=${e.time}s`;
}

/** "1 permit", "2 permits" */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
