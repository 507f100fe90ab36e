/**
 * semverify's verdict on each CPython-test scenario, per interpreter, beside what CPython's own
 * test body gives on that interpreter. Agreement means: the test passes exactly where semverify
 * finds nothing, and fails (or errs, or hangs) exactly where it finds a violation.
 */
import { join } from 'node:path';
import { checkScenario } from '../explore/check.ts';
import type { ScenarioReport } from '../explore/report-types.ts';
import { scenarioFromFile } from '../scenario/scenario-file.ts';
import type { GroundTruth, TestResult } from './ground-truth.ts';
import { hasScenario, SCENARIO_DIR, SUITE, type SuiteEntry } from './suite-map.ts';

export interface Cell {
  readonly version: string;
  /** CPython's own test body on this interpreter; absent when the test exists in no installed suite. */
  readonly cpython?: TestResult;
  /** semverify on the scenario, real backend, this interpreter; absent for tests without a scenario. */
  readonly semverify?: Pick<ScenarioReport, 'verdict' | 'expectationsMet' | 'coverage'> & { readonly kinds: readonly string[] };
  /** Both present and they agree (pass <-> holds). */
  readonly agrees?: boolean;
}

export interface Row {
  readonly entry: SuiteEntry;
  readonly cells: readonly Cell[];
}

export async function compareWithSuite(root: string, gt: GroundTruth, onRow?: (row: Row) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const entry of SUITE) {
    const scenario = hasScenario(entry) ? scenarioFromFile(join(root, SCENARIO_DIR, entry.scenario), `${SCENARIO_DIR}/${entry.scenario}`) : undefined;
    const cells: Cell[] = [];
    for (const { interpreter, results } of gt.perInterpreter) {
      const cpython = results.find((r) => r.suite === entry.suite && r.name === entry.test);
      if (scenario === undefined) {
        cells.push({ version: interpreter.version, ...(cpython && { cpython }) });
        continue;
      }
      const report = await checkScenario(scenario, {
        seed: 1,
        backend: 'cpython',
        model: 'gil',
        python: interpreter.path,
      });
      const semverify = {
        verdict: report.verdict,
        expectationsMet: report.expectationsMet,
        coverage: report.coverage,
        kinds: report.outcomes.map((o) => o.kind),
      };
      cells.push({
        version: interpreter.version,
        ...(cpython && { cpython }),
        semverify,
        ...(cpython && { agrees: (cpython.outcome === 'pass') === (report.verdict === 'holds') }),
      });
    }
    const row = { entry, cells };
    onRow?.(row);
    rows.push(row);
  }
  return rows;
}

/** The table for docs/cpython-tests.md: one row per test, one column per interpreter. */
export function suiteTable(rows: readonly Row[], gt: GroundTruth): string[] {
  const versions = gt.perInterpreter.map((p) => p.interpreter.version);
  const out = [`| test (from the suite of) | ${versions.join(' | ')} | semverify |`, `|---|${versions.map(() => '---').join('|')}|---|`];
  for (const { entry, cells } of rows) {
    const from = gt.source.get(entry.test) ?? '?';
    const cellText = cells.map((c) => {
      const cp = c.cpython?.outcome ?? '—';
      if (c.semverify === undefined) return cp;
      const found = c.semverify.kinds.filter((k) => k !== 'ok');
      const sv = c.semverify.verdict === 'holds' ? 'holds' : found.join('+');
      return `${cp} / ${sv}${c.agrees === false ? ' ✗' : ''}`;
    });
    const where = hasScenario(entry)
      ? `\`${entry.scenario}\`${entry.note ? ` (${entry.note})` : ''}`
      : `${entry.pending === 'api' ? 'no interleaving' : 'pending (language)'}: ${entry.why}`;
    out.push(`| ${entry.suite === 'threading' ? 'threading ' : ''}${entry.test} (${from}) | ${cellText.join(' | ')} | ${where} |`);
  }
  return out;
}
