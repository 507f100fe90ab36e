/** `semverify matrix <scenario>`: one scenario on every CPython found, as a version x outcome table. */
import type { Scenario } from '../scenario/types.ts';
import type { ScenarioReport } from '../explore/report-types.ts';
import { jsonDocument, toJsonText } from '../report/json.ts';
import { EXIT } from './errors-out.ts';
import type { CheckFlags } from './flags.ts';
import type { CliIo } from './io.ts';
import type { Engine } from './engine.ts';
import { SIMULATED_IMPLEMENTATIONS, SUPPORTED_VERSIONS } from '../contract/implementations.ts';
import { capabilitiesOf } from '../backends/registry.ts';
import { checkExpectations } from './check-command.ts';
import { bySeverity } from '../contract/outcomes.ts';
import { EXIT_ON_SIGNAL } from './interrupts.ts';

export async function matrixCommand(scenario: Scenario, flags: CheckFlags, io: CliIo, engine: Engine, version: string): Promise<number> {
  await checkExpectations([scenario]);
  const rows = await matrixRows(flags);
  const reports: { version: string; report: ScenarioReport }[] = [];
  const pool = flags.workers > 1 ? await engine.openPool(flags.workers) : undefined;
  try {
    for (const row of rows) {
      if (!flags.json) io.stderr(`semverify: ${scenario.id} on ${row.describe}...\n`);
      const report = await engine.checkScenario(scenario, {
        seed: flags.seed,
        ...(flags.runs !== undefined && { runs: flags.runs }),
        backend: flags.backend,
        model: flags.model,
        ...row.options,
        // The table shows what each version does; confirming every counterexample is `check`'s business.
        confirm: false,
        ...(flags.maxSteps !== undefined && { maxSteps: flags.maxSteps }),
        ...(flags.timeLimit !== undefined && { timeLimitSeconds: flags.timeLimit }),
        search: flags.search,
        ...(flags.bound !== undefined && { bound: flags.bound }),
        ...(pool !== undefined && { pool }),
        ...(io.interrupts !== undefined && { signal: io.interrupts.signal }),
      });
      reports.push({ version: report.version, report });
      if (io.interrupts?.signal.aborted === true) break; // print the rows done so far
    }
  } finally {
    await pool?.close();
  }
  const missing = SUPPORTED_VERSIONS.filter((v) => !rows.some((r) => r.short === v));
  if (flags.json) {
    const doc = jsonDocument(
      reports.map((r) => r.report),
      version,
    );
    io.stdout(
      toJsonText({
        ...doc,
        matrix: reports.map((r) => ({
          python: r.version,
          outcomes: Object.fromEntries(r.report.outcomes.map((o) => [o.kind, o.count])),
          verdict: r.report.verdict,
          expectationsMet: r.report.expectationsMet,
        })),
        missing,
      }),
    );
    return exitCode(reports, io);
  }
  io.stdout(`${matrixLines(scenario, reports, missing).join('\n')}\n`);
  return exitCode(reports, io);
}

interface MatrixRow {
  /** Major.minor of the row. */
  readonly short: string;
  readonly describe: string;
  readonly options: { readonly python?: string; readonly impl?: string };
}

/**
 * One row per version: every interpreter found for a backend that runs interpreters, every
 * simulated port (in version order) for one that runs ports.
 */
async function matrixRows(flags: CheckFlags): Promise<MatrixRow[]> {
  if (capabilitiesOf(flags.backend).executes === 'port') {
    const short = (id: string) => id.replace(/^cpython-/, '');
    return [...SIMULATED_IMPLEMENTATIONS]
      .sort((a, b) => compareShort(short(a), short(b)))
      .map((id) => ({ short: short(id), describe: `the ${id} port`, options: { impl: id } }));
  }
  const { findInterpreters } = await import('../backends/cpython/interpreters.ts');
  return findInterpreters().map((i) => ({ short: i.short, describe: `CPython ${i.version}`, options: { python: i.path } }));
}

function compareShort(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1! - b1! || a2! - b2!;
}

/** Like `check`: 0 when every interpreter met the scenario's expectations for its version, else 1; 130/143 when interrupted. */
function exitCode(reports: readonly { report: ScenarioReport }[], io: CliIo): number {
  const stopped = io.interrupts?.received() ?? null;
  if (stopped !== null) return EXIT_ON_SIGNAL[stopped];
  return reports.every((r) => r.report.expectationsMet) ? EXIT.ok : EXIT.expectationsNotMet;
}

export function matrixLines(scenario: Scenario, reports: readonly { version: string; report: ScenarioReport }[], missing: readonly string[]): string[] {
  const kinds = bySeverity([...new Set(reports.flatMap((r) => r.report.outcomes.map((o) => o.kind)))]);
  const vw = Math.max(7, ...reports.map((r) => r.version.length));
  const cw = kinds.map((k) => Math.max(k.length, 6));
  const head = `${'python'.padEnd(vw)}  ${kinds.map((k, i) => k.padStart(cw[i]!)).join('  ')}  ${'runs'.padStart(5)}  verdict   expectations`;
  const rows = reports.map(({ version, report }) => {
    const cells = kinds.map((k, i) => String(report.outcomes.find((o) => o.kind === k)?.count ?? 0).padStart(cw[i]!));
    const met = report.expectationsMet ? 'met' : `NOT met: ${report.notes.find((n) => n.level === 'mismatch')?.text ?? ''}`;
    return `${version.padEnd(vw)}  ${cells.join('  ')}  ${String(report.runs).padStart(5)}  ${report.verdict.padEnd(8)}  ${met}`;
  });
  const out = [`${scenario.id}: runs showing each outcome kind, per interpreter (a run counts under every kind it shows)`, head, ...rows];
  if (missing.length) out.push(`missing (no interpreter found): ${missing.join(', ')}`);
  const partial = reports.find((r) => r.report.partial !== undefined);
  if (partial !== undefined)
    out.push(`PARTIAL: interrupted by ${partial.report.partial!.signal} on CPython ${partial.version}; later interpreters were not run`);
  const failed = reports.filter((r) => !r.report.expectationsMet).map((r) => r.version);
  out.push(failed.length === 0 ? `expectations met on every interpreter (${reports.length})` : `expectations NOT met on ${failed.join(', ')}`);
  return out;
}
