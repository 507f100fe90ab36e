/** A counterexample of the `--json` document as text: what it violated, and its per-thread column trace. */
import type { JsonCounterexample } from '../report/json.ts';
import { renderTraceColumns } from '../report/trace-columns.ts';

export function formatCounterexample(m: JsonCounterexample, opts: { readonly width?: number; readonly threads?: readonly string[] } = {}): string {
  return [
    `${m.kinds.join(', ')}: ${m.preemptions} preemption${m.preemptions === 1 ? '' : 's'}, ${m.steps} steps${m.provenMinimal ? ' (proven minimal)' : ''}`,
    ...(m.explanation !== undefined ? [`why: ${m.explanation.text}`] : []),
    ...m.violations.map((v) => `step ${v.step}  ${v.property} (${v.outcome}): ${v.message}`),
    ...renderTraceColumns(m.trace, { width: opts.width ?? 120, ...(opts.threads !== undefined && { threads: opts.threads }) }),
  ].join('\n');
}
