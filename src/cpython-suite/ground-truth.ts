/**
 * Ground truth for the CPython regression scenarios: CPython's own Semaphore test bodies, each
 * taken from the newest installed suite that has it, run against every installed interpreter's
 * own asyncio and threading semaphores (run_cpython_tests.py beside this file). What passes on
 * an interpreter, semverify must not flag on that version; what fails, it must find.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Interpreter } from '../backends/cpython/interpreters.ts';
import type { SuiteName } from './suite-map.ts';

const run = promisify(execFile);
const RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'run_cpython_tests.py');

export type TestOutcome = 'pass' | 'fail' | 'error' | 'hang';

export interface TestResult {
  readonly suite: SuiteName;
  readonly name: string;
  readonly outcome: TestOutcome;
  /** The assertion or exception, for failures. */
  readonly detail: string | null;
}

export interface InterpreterResults {
  readonly interpreter: Interpreter;
  readonly results: readonly TestResult[];
}

export interface GroundTruth {
  /** Where each test body came from: test name -> the interpreter version whose suite had it newest. */
  readonly source: ReadonlyMap<string, string>;
  readonly perInterpreter: readonly InterpreterResults[];
  /** Interpreters whose standard library ships no test package: nothing to run there. */
  readonly withoutSuite: readonly Interpreter[];
}

/** The directory of an interpreter's `test` package, or null when its standard library has none. */
async function testDir(interp: Interpreter): Promise<string | null> {
  try {
    const { stdout } = await run(interp.path, ['-c', 'import os, test; print(os.path.dirname(test.__file__))'], { timeout: 20_000 });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Extract the newest body of every Semaphore test, then run them on every interpreter (in parallel). */
export async function groundTruth(interps: readonly Interpreter[]): Promise<GroundTruth> {
  const dirs = await Promise.all(interps.map(async (i) => ({ interp: i, dir: await testDir(i) })));
  const withSuite = dirs.filter((d): d is { interp: Interpreter; dir: string } => d.dir !== null);
  const extractor = [...withSuite]
    .sort((a, b) => compareVersions(b.interp.version, a.interp.version))
    .find((d) => compareVersions(d.interp.version, '3.8.0') >= 0);
  if (extractor === undefined) throw new Error('no interpreter 3.8+ with a test package to read the suites with');
  const work = mkdtempSync(join(tmpdir(), 'semverify-suite-'));
  try {
    const suite = join(work, 'suite.json');
    const files = withSuite.flatMap(({ interp, dir }) => [
      `${join(dir, 'test_asyncio', 'test_locks.py')}::${interp.version}::asyncio`,
      `${join(dir, 'lock_tests.py')}::${interp.version}::threading`,
    ]);
    await run(extractor.interp.path, [RUNNER, 'extract', suite, ...files], { timeout: 60_000 });
    const perInterpreter = await Promise.all(
      withSuite.map(async ({ interp }) => {
        const { stdout } = await run(interp.path, [RUNNER, 'run', suite], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
        return { interpreter: interp, results: readResults(stdout, interp.version) };
      }),
    );
    const { readFileSync } = await import('node:fs');
    const source = new Map<string, string>();
    for (const t of JSON.parse(readFileSync(suite, 'utf8')) as { name: string; from: string }[]) source.set(t.name, t.from);
    return { source, perInterpreter, withoutSuite: dirs.filter((d) => d.dir === null).map((d) => d.interp) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const OUTCOMES: readonly TestOutcome[] = ['pass', 'fail', 'error', 'hang'];

/** The runner's JSON, checked field by field: a drift shows as one line naming the field. */
function readResults(stdout: string, version: string): TestResult[] {
  const fail = (what: string): never => {
    throw new Error(`ground truth from CPython ${version}: ${what}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    return fail('the runner did not print JSON');
  }
  const results = (doc as { results?: unknown }).results;
  if (!Array.isArray(results)) return fail('results: expected an array');
  return results.map((r, i) => {
    const o = r as Record<string, unknown>;
    if (o.suite !== 'asyncio' && o.suite !== 'threading') fail(`results[${i}].suite: unexpected ${JSON.stringify(o.suite)}`);
    if (typeof o.name !== 'string') fail(`results[${i}].name: expected a string`);
    if (!OUTCOMES.includes(o.outcome as TestOutcome)) fail(`results[${i}].outcome: unexpected ${JSON.stringify(o.outcome)}`);
    return { suite: o.suite as SuiteName, name: o.name as string, outcome: o.outcome as TestOutcome, detail: typeof o.detail === 'string' ? o.detail : null };
  });
}
