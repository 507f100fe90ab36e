/**
 * The observable history (src/contract/events.ts) as aligned lines, as a semaphore user
 * sees it: `  #3  step 12  t=0.000s  T0/A  acquired sem`.
 */
import { isSemaphoreEvent, type HistoryEvent } from '../contract/events.ts';
import type { Violation } from '../../properties/api.ts';
import { formatTime } from './trace-columns.ts';

function who(e: HistoryEvent): string {
  return e.task !== null ? `${e.thread}/${e.task}` : e.thread;
}

function what(e: HistoryEvent): string {
  if (!isSemaphoreEvent(e)) return `${e.kind} ${JSON.stringify(e.tag)}`;
  const error = e.error !== undefined ? `  ${e.error.type}: ${e.error.message} [${e.error.class}]` : '';
  return `${e.kind} ${e.sem}${e.n !== undefined ? ` (n=${e.n})` : ''}${error}`;
}

export function formatHistory(history: readonly HistoryEvent[]): string[] {
  if (history.length === 0) return ['(no events)'];
  const seqWidth = history.reduce((m, e) => Math.max(m, `#${e.seq}`.length), 0);
  const stepWidth = history.reduce((m, e) => Math.max(m, String(e.step).length), 0);
  const timeWidth = history.reduce((m, e) => Math.max(m, formatTime(e.time).length), 0);
  const whoWidth = history.reduce((m, e) => Math.max(m, who(e).length), 0);
  return history.map(
    (e) =>
      `${`#${e.seq}`.padStart(seqWidth)}  step ${String(e.step).padStart(stepWidth)}  ${formatTime(e.time).padEnd(timeWidth)}  ${who(e).padEnd(whoWidth)}  ${what(e)}`,
  );
}

export function formatViolation(v: Violation): string {
  return `step ${v.step}  ${v.property} (${v.outcome}): ${v.message}`;
}
