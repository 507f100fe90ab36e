/**
 * Calibration against CPython's own test suite. Each Semaphore test body (from the newest
 * installed suite that has it) runs on every installed interpreter's own semaphore; semverify
 * checks the test's scenario on the same interpreter. They must agree: the test passes exactly
 * where semverify finds nothing, and fails exactly where it finds a violation. The simulated
 * ports must agree with the interpreter whose version they follow.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { findInterpreters } from '../src/backends/cpython/interpreters.ts';
import { groundTruth, type GroundTruth } from '../src/cpython-suite/ground-truth.ts';
import { compareWithSuite, stoppedInternally, suiteTable, type Row } from '../src/cpython-suite/compare.ts';
import { hasScenario, SCENARIO_DIR, SUITE } from '../src/cpython-suite/suite-map.ts';
import { checkScenario } from '../src/explore/check.ts';
import { scenarioFromFile } from '../src/scenario/scenario-file.ts';
import { findImplementation, implementationIds } from '../src/ports/registry.ts';
import { inRange, parseVersionRange } from '../src/scenario/version-expectations.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const interps = findInterpreters();
const reason = interps.length === 0 ? ' (skipped: no CPython interpreter found)' : '';
if (reason) console.log(`cpython-suite.test.ts${reason}`);

describe.skipIf(interps.length === 0)(`CPython's own Semaphore tests vs semverify${reason}`, () => {
  let gt: GroundTruth;
  let rows: Row[];

  it('runs every test body on every installed interpreter, and every test found is mapped to a scenario or a stated reason', async () => {
    gt = await groundTruth(interps);
    const missing = [...new Set(gt.perInterpreter.flatMap((p) => p.results.map((r) => `${r.suite}:${r.name}`)))].filter(
      (k) => !SUITE.some((e) => `${e.suite}:${e.test}` === k),
    );
    expect(missing).toEqual([]);
    for (const e of SUITE) expect(gt.source.has(e.test), `${e.test} is in no installed suite`).toBe(true);
    console.log(
      `ground truth: ${gt.perInterpreter.length} interpreters x ${gt.source.size} tests; without a test package: ${gt.withoutSuite.map((i) => i.version).join(', ') || 'none'}`,
    );
    // The facts the issue names, so a broken runner cannot pass silently.
    const outcome = (test: string, v: string) => gt.perInterpreter.find((p) => p.interpreter.short === v)?.results.find((r) => r.name === test)?.outcome;
    if (outcome('test_acquire_fifo_order', '3.8') !== undefined) expect(outcome('test_acquire_fifo_order', '3.8')).toBe('fail');
    if (outcome('test_acquire_no_hang', '3.9') !== undefined) expect(outcome('test_acquire_no_hang', '3.9')).not.toBe('pass');
    if (outcome('test_acquire_fifo_order_4', '3.12') !== undefined) expect(outcome('test_acquire_fifo_order_4', '3.12')).not.toBe('pass');
    if (outcome('test_acquire_fifo_order_4', '3.13') !== undefined) expect(outcome('test_acquire_fifo_order_4', '3.13')).toBe('pass');
  });

  it('semverify on the real interpreters agrees with every test, and every scenario meets its expectations there (matrix exits 0)', async () => {
    rows = await compareWithSuite(ROOT, gt);
    console.log(
      suiteTable(rows, gt)
        .filter((l) => l.includes(' / '))
        .join('\n'),
    );
    const disagreements = rows.flatMap((r) => r.cells.filter((c) => c.agrees === false).map((c) => `${r.entry.test} on ${c.version}`));
    const unmet = rows.flatMap((r) => r.cells.filter((c) => c.semverify?.expectationsMet === false).map((c) => `${r.entry.test} on ${c.version}`));
    expect(disagreements).toEqual([]);
    expect(unmet).toEqual([]);
    // Both directions are exercised: some cells are failures semverify finds, most are passes it must not flag.
    const cells = rows.flatMap((r) => r.cells.filter((c) => c.agrees !== undefined));
    expect(cells.filter((c) => c.cpython!.outcome !== 'pass').length).toBeGreaterThan(0);
    expect(cells.filter((c) => c.cpython!.outcome === 'pass').length).toBeGreaterThan(0);
  });

  it('sets a cell apart exactly where its test stops at the declared assertion on private state, and nowhere else', () => {
    for (const { entry, cells } of rows) {
      const internal = hasScenario(entry) ? entry.internal : undefined;
      const range = internal === undefined ? undefined : parseVersionRange(internal.versions);
      for (const c of cells) {
        const declared = range !== undefined && typeof range !== 'string' && inRange(range, c.version);
        // In its range the test must fail with exactly the declared assertion (else the declaration hides a real cell).
        if (declared) expect(c.cpython?.detail, `${entry.test} on ${c.version}`).toBe(internal!.detail);
        expect(c.internal === true, `${entry.test} on ${c.version}`).toBe(declared && c.cpython !== undefined);
      }
    }
  });

  it('GH-111694 (test_acquire_fifo_order_4): records violated, with the wake-up latency that causes it, on 3.10-3.12; nothing on 3.13', () => {
    const row = rows.find((r) => r.entry.test === 'test_acquire_fifo_order_4')!;
    for (const c of row.cells) {
      const minor = Number(c.version.split('.')[1]);
      if (minor >= 10 && minor <= 12) expect(c.semverify?.kinds, c.version).toEqual(expect.arrayContaining(['records', 'wakeup-latency']));
      if (minor >= 13) expect(c.semverify?.verdict, c.version).toBe('holds');
      if (minor <= 9) expect(c.semverify?.kinds, c.version).toContain('records');
    }
  });

  it('each simulated port agrees with the tests on the interpreter whose version it follows, and its counterexamples are confirmed there', async () => {
    let confirmed = 0;
    for (const id of implementationIds()) {
      const follows = findImplementation(id)!.follows;
      const truth = gt.perInterpreter.find((p) => p.interpreter.version === follows);
      if (truth === undefined) {
        console.log(`port ${id}: CPython ${follows} not installed, not compared`);
        continue;
      }
      for (const e of SUITE.filter(hasScenario)) {
        const test = truth.results.find((r) => r.suite === e.suite && r.name === e.test)!;
        if (stoppedInternally(e, test, follows)) continue; // its verdict says nothing about behaviour there
        const scenario = { ...scenarioFromFile(join(ROOT, SCENARIO_DIR, e.scenario)), impl: id };
        // Each minimal counterexample is replayed on that interpreter too: the same findings, or the port is wrong.
        const r = await checkScenario(scenario, { seed: 1, backend: 'sim', model: 'gil' });
        for (const o of r.outcomes) {
          if (o.minimal === undefined) continue; // a kind with nothing to show (ok alone)
          expect(o.minimal.confirmation?.status, `${e.test} on port ${id}, ${o.kind}: ${o.minimal.confirmation?.detail}`).toBe('confirmed');
          confirmed += 1;
        }
        expect(r.verdict === 'holds', `${e.test} on port ${id}: CPython ${follows} says ${test.outcome}, the port ${r.verdict}`).toBe(test.outcome === 'pass');
        expect(r.expectationsMet, `${e.test} on port ${id}: ${r.notes.map((n) => n.text).join('; ')}`).toBe(true);
      }
    }
    console.log(`ports: ${confirmed} minimal counterexamples confirmed on the interpreters they follow`);
    if (implementationIds().some((id) => gt.perInterpreter.some((p) => p.interpreter.version === findImplementation(id)!.follows)))
      expect(confirmed).toBeGreaterThan(0);
  });
});
