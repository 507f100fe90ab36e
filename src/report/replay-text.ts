/**
 * `semverify replay <token>` output: one run, shown completely: the schedule it followed,
 * the column trace, the semaphore history, the final semaphore state, what blocked (for a
 * hang), the violations and the outcome.
 */
import type { ReplayToken } from '../explore/token.ts';
import type { ReplayResult } from '../explore/report-types.ts';
import type { JsonReplay } from './json.ts';
import { formatHistory, formatViolation } from './history-text.ts';
import { colors } from './text.ts';
import { describeDeviation, formatTime, renderTraceColumns, shortLabel } from './trace-columns.ts';

export interface ReplayTextOptions {
  readonly color: boolean;
  readonly width?: number;
}

const INDENT = '  ';

export function renderReplay(token: ReplayToken, result: ReplayResult, opts: ReplayTextOptions): string[] {
  const c = colors(opts.color);
  const { run } = result;
  const python =
    (token.python !== undefined ? ` (python ${token.python})` : '') +
    (token.target !== undefined ? ` (target ${token.target.spec})` : '') +
    (token.program !== undefined ? ` (program ${token.program.path}${token.program.args.map((a) => ` ${a}`).join('')})` : '');
  const out: string[] = [
    c.bold(`replay of ${token.scenario.id} — ${token.scenario.title}`),
    c.dim(`${INDENT}backend ${token.backend}${python}, model ${token.model}: ${run.status}, ${run.steps} steps, ends ${formatTime(run.endTime)}`),
  ];
  if (run.status === 'error' && run.detail !== undefined) out.push(c.red(`${INDENT}backend error: ${run.detail}`));

  out.push('', c.bold(`schedule${run.schedule.length === 0 ? ': default choices only' : ''}`));
  for (const d of run.schedule) out.push(`${INDENT}${d.thread} at ${shortLabel(d.label)} #${d.occ}  ${c.cyan(describeDeviation(d))}`);
  if (run.schedule.length < token.schedule.length) {
    out.push(c.dim(`${INDENT}(${token.schedule.length - run.schedule.length} of the token's deviations had no effect and were dropped)`));
  }

  out.push('', c.bold('trace'));
  const threads = token.scenario.threads.map((t) => t.name);
  out.push(
    ...renderTraceColumns(run.trace, {
      width: (opts.width ?? 120) - INDENT.length,
      threads,
      mark: (s) => c.cyan(c.bold(s)),
      dim: (s) => c.dim(s),
    }).map((l) => INDENT + l),
  );

  out.push('', c.bold('history'), ...formatHistory(run.history).map((l) => INDENT + l));

  out.push('', c.bold('semaphores at the end'));
  for (const s of run.semaphores) {
    const bound = s.boundLoop !== null ? `, bound to ${s.boundLoop}` : '';
    const inFlight = s.inFlight > 0 ? ` (+${s.inFlight} handed to woken waiters)` : '';
    out.push(
      `${INDENT}${s.id} (${s.kind}${s.bounded ? ', bounded' : ''}, initial ${s.initial}): value ${s.value ?? 'unknown (no _value)'}${inFlight}, ${s.waiters} waiting${bound}`,
    );
  }
  if (run.blocked !== undefined && run.blocked.length > 0) {
    out.push('', c.bold('blocked'));
    for (const b of run.blocked) {
      out.push(`${INDENT}${b.thread}: ${b.on}`);
      for (const t of b.tasks ?? []) out.push(`${INDENT}${INDENT}${t.task} awaits ${t.awaits}`);
    }
  }

  if (run.output !== undefined) {
    out.push('', c.bold(`output${run.output === '' ? ': none' : ' (what the program printed in this run)'}`));
    if (run.output !== '')
      out.push(
        ...run.output
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `${INDENT}${c.dim('│')} ${l}`),
      );
  }

  out.push('', c.bold(`violations${result.violations.length === 0 ? ': none' : ''}`));
  for (const v of result.violations) out.push(INDENT + c.red(formatViolation(v)));

  const others = result.kinds.filter((k) => k !== result.primary);
  const outcome = result.primary === 'ok' ? c.green(result.primary) : c.red(c.bold(result.primary));
  out.push('', `${c.bold('outcome')}: ${outcome}${others.length > 0 ? ` (also ${others.join(', ')})` : ''}`);
  return out;
}

export function replayJson(token: ReplayToken, result: ReplayResult, version: string): JsonReplay {
  const { run } = result;
  return {
    tool: 'semverify',
    version,
    replay: {
      scenario: token.scenario.id,
      backend: token.backend,
      model: token.model,
      status: run.status,
      steps: run.steps,
      endTime: run.endTime,
      primary: result.primary,
      kinds: result.kinds,
      schedule: run.schedule,
      trace: run.trace,
      history: run.history,
      violations: result.violations,
      ...(run.output !== undefined && { output: run.output }),
    },
  };
}
