/**
 * One line per observable history event (src/history/events.ts), as a semaphore user sees
 * them: `  #3  step 12  t=0.000s  T0/A  acquired sem`.
 */
import type { HistoryEvent } from '../history/events.ts';
import type { Violation } from '../../properties/api.ts';
import { formatTime } from './trace-columns.ts';

export function formatHistoryEvent(e: HistoryEvent): string {
  const who = e.task !== null ? `${e.thread}/${e.task}` : e.thread;
  const error = e.error !== undefined ? `  ${e.error.type}: ${e.error.message} [${e.error.class}]` : '';
  return `#${e.seq}  step ${e.step}  ${formatTime(e.time)}  ${who}  ${e.kind} ${e.sem}${error}`;
}

export function formatHistory(history: readonly HistoryEvent[]): string[] {
  if (history.length === 0) return ['(no semaphore operations)'];
  const width = String(history.length - 1).length + 1;
  return history.map((e) => {
    const line = formatHistoryEvent(e);
    const seq = `#${e.seq}`;
    return seq.padStart(width) + line.slice(seq.length);
  });
}

export function formatViolation(v: Violation): string {
  return `step ${v.step}  ${v.property} (${v.outcome}): ${v.message}`;
}
