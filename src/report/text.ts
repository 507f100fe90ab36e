/**
 * A ScenarioReport as text for people: what was claimed, what was explored, which
 * properties held, what kinds of runs were seen and, for each bad kind, the smallest run
 * that shows it with the exact command to replay it.
 *
 * Colour is decided by the caller (TTY and NO_COLOR) and passed in; nothing here reads
 * the environment.
 */
import { shellWord } from '../contract/shell-word.ts';
import { relative } from 'node:path';
import picocolors from 'picocolors';
import type { Counterexample, OutcomeReport, PropertyReport, ScenarioReport } from '../explore/report-types.ts';
import { isUserImplementation } from '../contract/user-implementations.ts';
import { capabilitiesOf } from '../backends/registry.ts';
import { formatViolation } from './history-text.ts';
import { describeDeviation, formatTime, renderTraceColumns, shortLabel } from './trace-columns.ts';

export interface TextOptions {
  readonly color: boolean;
  /** Line width for the trace columns. Default 120. */
  readonly width?: number;
  /** The scenario's thread order, for the trace columns. */
  readonly threads?: readonly string[];
  /** Violations listed per counterexample before "… and N more". Default 10. */
  readonly maxViolations?: number;
}

/** picocolors' formatter set (its types module is not an export of the package). */
type Colors = ReturnType<typeof picocolors.createColors>;

const INDENT = '  ';

export function colors(enabled: boolean): Colors {
  return picocolors.createColors(enabled);
}

/** Virtual seconds without float noise: 2 → "2s", 0.1 + 0.2 → "0.3s". */
export function formatSeconds(s: number): string {
  return `${Number(s.toFixed(3))}s`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function renderScenarioReport(report: ScenarioReport, opts: TextOptions): string[] {
  const c = colors(opts.color);
  const out: string[] = [];
  out.push(...header(report, c));
  if (report.savedFailures !== undefined && report.savedFailures.length > 0) out.push('', ...savedSection(report.savedFailures, c));
  out.push('', ...propertiesSection(report.properties, c));
  out.push('', ...outcomesSection(report.outcomes, c));
  const makespan = makespanLine(report, c);
  if (makespan) out.push('', makespan);
  out.push(concurrencyLine(report));
  for (const o of report.outcomes) {
    // An "ok" run is not a counterexample of anything; --json still carries it.
    if (o.minimal !== undefined) out.push('', ...counterexampleSection(o.kind, o.minimal, { ...opts, program: programPath(report) }, c));
  }
  if (report.notes.length > 0) {
    out.push('', c.bold('notes'));
    for (const n of report.notes) {
      out.push(INDENT + (n.level === 'mismatch' ? c.red(`✗ mismatch: ${n.text}`) : c.yellow(`⚑ flag: ${n.text}`)));
    }
  }
  out.push('', report.expectationsMet ? c.green(`✓ ${report.id}: expectations met`) : c.red(c.bold(`✗ ${report.id}: expectations NOT met`)));
  return out;
}

/** Failures saved by earlier checks, replayed first (src/project/failures.ts). */
function savedSection(saved: NonNullable<ScenarioReport['savedFailures']>, c: Colors): string[] {
  const lines = [c.bold('saved failures, replayed first')];
  for (const f of saved) {
    const what =
      f.status === 'still-fails'
        ? c.red(`still fails (${f.kinds.join(', ')})`)
        : f.status === 'fixed'
          ? c.green(`no longer fails (${f.kinds.join(', ') || 'ok'}): removed`)
          : c.dim(`${f.status}${f.detail !== undefined ? `: ${f.detail}` : ''}`);
    lines.push(`${INDENT}${f.kind.padEnd(15)} ${what}  ${c.dim(f.file)}`);
  }
  return lines;
}

function header(r: ScenarioReport, c: Colors): string[] {
  const lines = [c.bold(`${r.id} — ${r.title}`)];
  if (r.claim !== undefined) lines.push(`${INDENT}claim: ${c.italic(r.claim)}`);
  const explored = `${plural(r.runs, 'run')}, ${plural(r.schedules, 'distinct schedule')}`;
  const code = isUserImplementation(r.impl)
    ? `${r.impl}, your implementation, judged as CPython ${r.version}`
    : capabilitiesOf(r.backend).executes === 'port'
      ? `port of CPython ${r.version}`
      : `CPython ${r.version}`;
  lines.push(c.dim(`${INDENT}backend ${r.backend} (${code}), model ${r.model}, seed ${r.seed}: ${explored}, ${r.seconds.toFixed(1)}s wall`));
  if (r.program !== undefined) lines.push(c.dim(`${INDENT}${programLine(r.program)}`));
  lines.push(`${INDENT}${c.bold('verdict')}: ${verdictLine(r)}`);
  if (r.partial !== undefined)
    lines.push(c.yellow(c.bold(`${INDENT}PARTIAL: interrupted by ${r.partial.signal}; this covers only the ${plural(r.runs, 'run')} done`)));
  return lines;
}

/** The verdict with what it covers: a proof over a stated space, or a sample. */
export function verdictLine(r: Pick<ScenarioReport, 'verdict' | 'coverage'>): string {
  const k = r.coverage;
  const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${n === 1 ? what : `${what}s`}`;
  if (k.method === 'sampled')
    return r.verdict === 'holds'
      ? `held in ${count(k.executions, 'sampled run')} (a sample, not every schedule)`
      : `violated (found in ${count(k.executions, 'sampled run')})`;
  const space =
    k.method === 'bounded-exhaustive'
      ? `every schedule with at most ${plural(k.preemptionBound ?? 0, 'preemption')}`
      : 'every schedule (every interleaving, timer tie and declared cancellation)';
  const pruned = k.pruned ? `; ${count(k.pruned, 'equivalent schedule')} pruned` : '';
  const after = [
    ...(k.searchedBeyond ? [`${count(k.searchedBeyond.runs, 'run')} of the bound-${k.searchedBeyond.bound} search (cut short at the run budget)`] : []),
    ...(k.sampledBeyond ? [`${count(k.sampledBeyond, 'sampled run')} with more preemptions`] : []),
  ];
  const beyond = after.length > 0 ? `, then ${after.join(' and ')}` : '';
  if (!k.complete)
    return `${r.verdict === 'holds' ? 'held' : 'violated'} in ${count(k.executions, 'run')}; the enumeration of ${space} was cut short, so this is a sample`;
  return r.verdict === 'holds'
    ? `holds for ${space} (${count(k.executions, 'execution')}${pruned})${beyond}`
    : `violated (${space} enumerated: ${count(k.executions, 'execution')}${pruned})${beyond}`;
}

function propertiesSection(props: readonly PropertyReport[], c: Colors): string[] {
  if (props.length === 0) return [c.bold('properties'), `${INDENT}(none)`];
  const nameWidth = Math.max(...props.map((p) => p.name.length));
  const results = props.map((p) => (p.status === 'violated' ? `violated in ${plural(p.violatedRuns, 'run')}` : p.status));
  const resultWidth = Math.max(6, ...results.map((s) => s.length));
  const lines = [c.bold(`${'properties'.padEnd(nameWidth + 5)}${'result'.padEnd(resultWidth + 2)}expected`)];
  props.forEach((p, i) => {
    const mark = p.status === 'n/a' ? c.dim('·') : p.matches ? c.green('✓') : c.red('✗');
    const result = results[i]!.padEnd(resultWidth);
    const coloured = p.status === 'violated' ? c.red(result) : p.status === 'holds' ? c.green(result) : c.dim(result);
    lines.push(`${INDENT}${mark} ${p.name.padEnd(nameWidth)} ${coloured}  ${p.expected}`);
  });
  return lines;
}

/** One row per kind that occurred: in how many runs, how many it headlined, and its minimal counterexample. */
function outcomesSection(outcomes: readonly OutcomeReport[], c: Colors): string[] {
  if (outcomes.length === 0) return [c.bold('outcomes'), `${INDENT}(no runs)`];
  const kindWidth = Math.max(8, ...outcomes.map((o) => o.kind.length));
  const countWidth = Math.max(4, ...outcomes.map((o) => String(o.count).length));
  const headWidth = Math.max(8, ...outcomes.map((o) => String(o.primary).length));
  const lines = [c.bold(`${'outcomes'.padEnd(kindWidth + 2)}${'runs'.padStart(countWidth)}  ${'headline'.padStart(headWidth)}`)];
  for (const o of outcomes) {
    const kind = o.kind === 'ok' ? c.green(o.kind.padEnd(kindWidth)) : c.red(o.kind.padEnd(kindWidth));
    const minimal =
      o.minimal !== undefined
        ? c.dim(
            `  ${o.minimal.shrunk ? 'minimal' : 'as found (not shrunk)'}: ${plural(o.minimal.preemptions, 'preemption')}, ${plural(o.minimal.steps, 'step')}`,
          )
        : '';
    lines.push(`${INDENT}${kind}${String(o.count).padStart(countWidth)}  ${String(o.primary).padStart(headWidth)}${minimal}`);
  }
  lines.push(c.dim(`${INDENT}(runs: runs that showed the kind; a run shows every kind it has. headline: runs where it was the most severe.)`));
  return lines;
}

function makespanLine(r: ScenarioReport, c: Colors): string | undefined {
  const m = r.makespan;
  if (m === undefined) return undefined;
  const range = m.min === m.max ? formatSeconds(m.min) : `${formatSeconds(m.min)} – ${formatSeconds(m.max)}`;
  const parts = [`${c.bold('makespan')} ${range} (virtual time, completed runs)`];
  if (m.equals !== undefined) {
    const ok = m.min === m.max && m.min === m.equals;
    parts.push(ok ? c.green(`✓ expected ${formatSeconds(m.equals)}`) : c.red(`✗ expected ${formatSeconds(m.equals)}`));
  }
  if (m.claim !== undefined) {
    const agrees = m.min === m.claim && m.max === m.claim;
    parts.push(agrees ? `claim ${formatSeconds(m.claim)} ${c.green('✓')}` : c.yellow(`claim ${formatSeconds(m.claim)} ⚑ differs`));
  }
  return parts.join('   ');
}

function concurrencyLine(r: ScenarioReport): string {
  const per = Object.entries(r.concurrency.perSemaphore).map(([sem, n]) => `${sem} ${n}`);
  return `most holders at once: ${r.concurrency.overall} overall${per.length > 0 ? ` (${per.join(', ')})` : ''}`;
}

/** What ran, for a program: it runs on the real interpreter only, its threads and semaphores found as it runs. */
function programLine(p: NonNullable<ScenarioReport['program']>): string {
  const args = p.args.length > 0 ? ` ${p.args.join(' ')}` : '';
  return `program ${shownPath(p.path)}${args} (sha256 ${p.digest.slice(0, 12)}…) run as __main__, unmodified: a program runs on the real interpreter only; its threads and semaphores are found as it runs (docs/programs.md)`;
}

/** A path as a user would type it from here: relative to the working directory when inside it. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') ? rel : path;
}

function programPath(r: ScenarioReport): string | undefined {
  return r.program === undefined ? undefined : shownPath(r.program.path);
}

/** A program's output in a counterexample: at most this many lines, then how many more. */
const OUTPUT_LINES = 20;

function outputLines(output: string, c: Colors): string[] {
  const lines = output.replace(/\n$/, '').split('\n');
  if (output === '') return [`${INDENT}output: none`];
  const shown = lines.slice(0, OUTPUT_LINES).map((l) => `${INDENT}${INDENT}${c.dim('│')} ${l}`);
  const more = lines.length > OUTPUT_LINES ? [`${INDENT}${INDENT}… ${lines.length - OUTPUT_LINES} more lines (replay shows them all)`] : [];
  return [`${INDENT}output (what the program printed in this run):`, ...shown, ...more];
}

function counterexampleSection(kind: string, m: Counterexample, opts: TextOptions & { readonly program?: string | undefined }, c: Colors): string[] {
  const lines = [
    // An `ok` minimal is shown only where other outcomes exist: the least it takes to come out clean.
    (kind === 'ok' ? c.bold(c.green(`── ${kind}`)) : c.bold(c.red(`── ${kind}`))) +
      c.bold(
        `: ${!m.shrunk ? 'a run as found (interrupted before shrinking: not minimal)' : kind === 'ok' ? 'minimal clean schedule' : 'minimal counterexample'}, ${plural(m.preemptions, 'preemption')}, ${plural(m.steps, 'step')}, ends ${formatTime(m.endTime)}`,
      ),
  ];
  lines.push(c.dim(`${INDENT}${m.minimality}`));
  if (m.explanation !== undefined) lines.push(`${INDENT}${c.bold('why')}: ${m.explanation.text}`);
  if (m.found !== undefined) {
    const path = m.found.path !== undefined ? `, path ${m.found.path}` : '';
    lines.push(c.dim(`${INDENT}found by fast-check seed ${m.found.seed}${path} (numRuns ${m.found.numRuns})`));
  }
  if (m.confirmation !== undefined) {
    const k = m.confirmation;
    const text =
      k.status === 'no-reference'
        ? `${INDENT}${k.detail}`
        : `${INDENT}${k.status === 'confirmed' ? `confirmed on CPython ${k.interpreter}` : `${k.status} on CPython ${k.interpreter}`}: ${k.detail}`;
    lines.push(k.status === 'confirmed' ? c.green(text) : k.status === 'unavailable' || k.status === 'no-reference' ? c.dim(text) : c.red(text));
  }
  lines.push(`${INDENT}schedule:${m.schedule.length === 0 ? ' default choices only' : ''}`);
  for (const d of m.schedule) lines.push(`${INDENT}${INDENT}${d.thread} at ${shortLabel(d.label)} #${d.occ}  ${c.cyan(describeDeviation(d))}`);
  const columns = renderTraceColumns(m.trace, {
    width: (opts.width ?? 120) - INDENT.length,
    ...(opts.threads !== undefined && { threads: opts.threads }),
    mark: (s) => c.cyan(c.bold(s)),
    dim: (s) => c.dim(s),
  });
  lines.push(...columns.map((l) => INDENT + l));
  const max = opts.maxViolations ?? 10;
  const others = m.kinds.filter((k) => k !== kind && k !== 'ok');
  if (others.length > 0) lines.push(`${INDENT}this run also shows: ${others.join(', ')}`);
  lines.push(`${INDENT}violations:${m.violations.length === 0 ? ' none' : ''}`);
  for (const v of m.violations.slice(0, max)) lines.push(`${INDENT}${INDENT}${c.red(formatViolation(v))}`);
  if (m.violations.length > max) lines.push(`${INDENT}${INDENT}… and ${m.violations.length - max} more`);
  if (m.output !== undefined) lines.push(...outputLines(m.output, c));
  lines.push(`${INDENT}replay: ${replayCommand(m.replay, opts.program)}`);
  return lines;
}

/** The command that replays a token; a program token names its program on the command line (a token runs no code by itself). */
export function replayCommand(token: string, program?: string): string {
  return `npx semverify replay ${token}${program !== undefined ? ` --program ${shellWord(program)}` : ''}`;
}

/** The closing line when several scenarios were checked. */
export function renderSummary(reports: readonly ScenarioReport[], color: boolean): string[] {
  const c = colors(color);
  const failed = reports.filter((r) => !r.expectationsMet);
  if (failed.length === 0) return [c.green(c.bold(`✓ ${plural(reports.length, 'scenario')}: every expectation met`))];
  return [c.red(c.bold(`✗ ${failed.length} of ${plural(reports.length, 'scenario')} did not meet expectations: ${failed.map((r) => r.id).join(', ')}`))];
}
