/**
 * The scheduling points a run passed through, as deviation keys: the trace rows both backends
 * mark as points (they carry `occ`, counted per thread and label where the point happened).
 * What a schedule can name is what this returns.
 */
import type { TraceEntry } from '../contract/run-result.ts';
import type { PointKey } from '../contract/schedule.ts';

export function tracePoints(trace: readonly TraceEntry[]): PointKey[] {
  const out: PointKey[] = [];
  for (const t of trace) if (t.occ !== undefined) out.push({ thread: t.thread, label: t.label, occ: t.occ });
  return out;
}
