/**
 * The scheduling points a run passed through, as deviation keys: each trace row of a point
 * (or a block) with its occurrence counted per thread and label, exactly as the machine and
 * the harness count them. What a schedule can name is what this returns.
 */
import type { TraceEntry } from '../backends/run-result.ts';
import type { PointKey } from './deviation.ts';

export function tracePoints(trace: readonly TraceEntry[]): PointKey[] {
  const counts = new Map<string, number>();
  const out: PointKey[] = [];
  for (const t of trace) {
    if (t.what !== 'point' && !t.what.startsWith('blocks')) continue;
    const k = `${t.thread}|${t.label}`;
    const occ = (counts.get(k) ?? 0) + 1;
    counts.set(k, occ);
    out.push({ thread: t.thread, label: t.label, occ });
  }
  return out;
}
