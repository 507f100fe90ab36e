/**
 * semverify's verdict on each CPython-test scenario, per interpreter, beside what CPython's own
 * test body gives on that interpreter. Agreement means: the test passes exactly where semverify
 * finds nothing, and fails (or errs, or hangs) exactly where it finds a violation.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { checkScenario } from '../explore/check.ts';
import type { ScenarioReport } from '../explore/report-types.ts';
import { scenarioFromFile } from '../scenario/scenario-file.ts';
import type { GroundTruth, TestResult } from './ground-truth.ts';
import { hasScenario, SCENARIO_DIR, SUITE, type SuiteEntry } from './suite-map.ts';
import { inRange, parseVersionRange } from '../scenario/version-expectations.ts';

export interface Cell {
  readonly version: string;
  /** CPython's own test body on this interpreter; absent when the test exists in no installed suite. */
  readonly cpython?: TestResult;
  /** semverify on the scenario, real backend, this interpreter; absent for tests without a scenario. */
  readonly semverify?: Pick<ScenarioReport, 'verdict' | 'expectationsMet' | 'coverage'> & { readonly kinds: readonly string[] };
  /** Both present and they agree (pass <-> holds); absent for an internal cell. */
  readonly agrees?: boolean;
  /** The test stopped at the entry's declared internal assertion here (InternalAssertion): not compared. */
  readonly internal?: true;
}

export interface Row {
  readonly entry: SuiteEntry;
  readonly cells: readonly Cell[];
}

/**
 * Checks run this many interpreters at once: each check's work is its harness process's, so a
 * second one uses a second core (results keep the interpreters' order).
 */
const CONCURRENT_INTERPRETERS = Math.max(1, Math.min(2, availableParallelism()));

export async function compareWithSuite(root: string, gt: GroundTruth, onRow?: (row: Row) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const entry of SUITE) {
    const scenario = hasScenario(entry) ? scenarioFromFile(join(root, SCENARIO_DIR, entry.scenario), `${SCENARIO_DIR}/${entry.scenario}`) : undefined;
    const cells = await inOrder(gt.perInterpreter, CONCURRENT_INTERPRETERS, async ({ interpreter, results }): Promise<Cell> => {
      const cpython = results.find((r) => r.suite === entry.suite && r.name === entry.test);
      if (scenario === undefined) return { version: interpreter.version, ...(cpython && { cpython }) };
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
      const internal = cpython !== undefined && stoppedInternally(entry, cpython, interpreter.version);
      return {
        version: interpreter.version,
        ...(cpython && { cpython }),
        semverify,
        ...(internal ? { internal: true as const } : cpython && { agrees: (cpython.outcome === 'pass') === (report.verdict === 'holds') }),
      };
    });
    const row = { entry, cells };
    onRow?.(row);
    rows.push(row);
  }
  return rows;
}

/** `f` over `items`, at most `limit` at a time, the results in the items' order. */
async function inOrder<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Whether the test failed on `version` exactly at the assertion on private state its entry declares. */
export function stoppedInternally(entry: SuiteEntry, cpython: TestResult, version: string): boolean {
  const internal = hasScenario(entry) ? entry.internal : undefined;
  if (internal === undefined || cpython.outcome !== 'fail' || cpython.detail !== internal.detail) return false;
  const range = parseVersionRange(internal.versions);
  return typeof range !== 'string' && inRange(range, version);
}

function scenarioText(entry: Extract<SuiteEntry, { scenario: string }>): string {
  const notes = [entry.note, entry.internal && `internal on ${entry.internal.versions}: ${entry.internal.why}`].filter((n) => n !== undefined);
  return `\`${entry.scenario}\`${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
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
      return `${cp}${c.internal ? ' (internal)' : ''} / ${sv}${c.agrees === false ? ' ✗' : ''}`;
    });
    const where = hasScenario(entry) ? scenarioText(entry) : `no interleaving: ${entry.why}`;
    out.push(`| ${entry.suite === 'threading' ? 'threading ' : ''}${entry.test} (${from}) | ${cellText.join(' | ')} | ${where} |`);
  }
  return out;
}
