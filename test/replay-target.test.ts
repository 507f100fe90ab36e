/**
 * A token never imports code on its own. A token made with `--target` names a Python module, and
 * importing a module runs it; `semverify replay` runs it only when the command line names the same
 * class (and says where to import it from). The fixture test/fixtures/targets/marker_sem.py writes
 * a marker file when imported, so the tests can see whether it ran. In-process (runCli, real engine).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { runCli } from '../src/cli/program.ts';
import { encodeToken } from '../src/explore/token.ts';
import { builtin, captureIo } from './helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGETS = join(ROOT, 'test', 'fixtures', 'targets');
const SPEC = 'marker_sem:ThreadSemaphore';
const py311 = findInterpreter('3.11');
const skipped = py311 ? '' : ' [skipped: no CPython 3.11 interpreter found (pyenv or python3 on PATH)]';

const tmp = mkdtempSync(join(tmpdir(), 'semverify-replay-target-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let marker = '';
let n = 0;
beforeEach(() => {
  // The harness inherits this process's environment: the fixture writes here when imported.
  marker = join(tmp, `imported-${++n}`);
  process.env.SEMVERIFY_TEST_MARKER = marker;
});
afterEach(() => {
  delete process.env.SEMVERIFY_TEST_MARKER;
});

const targetToken = encodeToken({
  backend: 'cpython',
  model: 'gil',
  python: py311?.path ?? '3.11',
  target: { spec: SPEC, pythonpath: [TARGETS] },
  scenario: builtin('threading-shared'),
  schedule: [],
});

async function replay(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await runCli(['replay', ...args], c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('replaying a token that names a --target', () => {
  it('without --target: exit 2 with the command to run, and the module is not imported', async () => {
    const r = await replay(targetToken);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `semverify: token: this token checks the class ${SPEC} (a --target); to run that code, say so: semverify replay <token> --target ${SPEC} --pythonpath ${TARGETS}\n`,
    );
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    [['--target', 'good_sem:ThreadSemaphore', '--pythonpath', TARGETS], `semverify: --target: this token checks ${SPEC}, not good_sem:ThreadSemaphore\n`],
    [['--target', SPEC], `semverify: --pythonpath: this token's ${SPEC} was imported from ${TARGETS}: say where to import it from with --pythonpath\n`],
    [['--pythonpath', TARGETS], /^semverify: token: this token checks the class marker_sem:ThreadSemaphore/],
    [['--target', SPEC, '--pythonpath', TARGETS, '--backend', 'sim'], /^semverify: --target: requires --backend cpython\n$/],
  ])('with %j: refused (exit 2), nothing imported', async (flags, message) => {
    const r = await replay(targetToken, ...flags);
    expect(r.code).toBe(2);
    if (typeof message === 'string') expect(r.err).toBe(message);
    else expect(r.err).toMatch(message);
    expect(existsSync(marker)).toBe(false);
  });

  it('a token without a target refuses --target', async () => {
    const plain = encodeToken({ backend: 'cpython', model: 'gil', scenario: builtin('threading-shared'), schedule: [] });
    const r = await replay(plain, '--target', SPEC, '--pythonpath', TARGETS);
    expect(r.code).toBe(2);
    expect(r.err).toBe("semverify: --target: this token checks the standard library's semaphores, not a --target class: leave --target out\n");
    expect(existsSync(marker)).toBe(false);
  });

  it.skipIf(!py311)(`with the same --target and --pythonpath: it runs (the module is imported once)${skipped}`, async () => {
    const r = await replay(targetToken, '--target', SPEC, '--pythonpath', TARGETS);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`(target ${SPEC})`);
    expect(r.out).toMatch(/outcome: ok/);
    expect(readFileSync(marker, 'utf8')).toBe('imported\n');
  });
});
