/**
 * `--target module.path:ClassName`: a user's own semaphore class on the real backend, in place of
 * the standard library's. The fixtures in test/fixtures/targets/: a check-then-act threading
 * semaphore over-admits with one preemption inside its own code (replayable from its token); the
 * correct ones hold; a class without `_value` makes permit-conservation n/a; every unusable target
 * is `semverify: --target: ...` on one line, exit 2. Fixed seeds; the CPython parts are skipped
 * (with a printed reason) when no 3.11 is installed.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CPythonBackend } from '../src/backends/cpython/backend.ts';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { checkScenario, type CheckOptions } from '../src/explore/check.ts';
import { replayToken } from '../src/explore/replay.ts';
import { decodeToken, encodeToken, parseReplayToken } from '../src/explore/token.ts';
import { parseCheckFlags } from '../src/cli/flags.ts';
import { builtin, inputErrorOf as inputError } from './helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGETS = join('test', 'fixtures', 'targets');
const py311 = findInterpreter('3.11');
if (!py311) console.warn('[cpython-target] skipped: no CPython 3.11 interpreter found (pyenv or python3 on PATH)');

function opts(target: string, runs: number): CheckOptions {
  return { seed: 1, runs, backend: 'cpython', model: 'gil', python: py311!.path, target, pythonpath: [join(ROOT, TARGETS)], confirm: false };
}

const status = (r: Awaited<ReturnType<typeof checkScenario>>, name: string) => r.properties.find((p) => p.name === name)?.status;

describe('--target flags and tokens (no interpreter needed)', () => {
  it('validates the module.path:ClassName shape, needs --backend cpython, and makes --pythonpath absolute', () => {
    for (const bad of ['nocolon', 'a:', ':B', 'a..b:C', 'a:B:C', 'a-b:C']) {
      expect(inputError(() => parseCheckFlags({ backend: 'cpython', target: bad })).field).toBe('--target');
    }
    expect(inputError(() => parseCheckFlags({ target: 'a:B' })).problem).toBe('requires --backend cpython');
    expect(inputError(() => parseCheckFlags({ backend: 'cpython', pythonpath: ['x'] })).field).toBe('--pythonpath');
    const f = parseCheckFlags({ backend: 'cpython', target: 'pkg.mod:Sem', pythonpath: ['a', `b${process.platform === 'win32' ? ';' : ':'}c`] });
    expect(f.target).toBe('pkg.mod:Sem');
    expect(f.pythonpath).toEqual([resolve('a'), resolve('b'), resolve('c')]);
  });

  it('a replay token carries the target, validated like the flag', () => {
    const base = { v: 2 as const, backend: 'cpython' as const, model: 'gil' as const, scenario: builtin('threading-shared'), schedule: [] };
    const t = decodeToken(encodeToken({ ...base, target: { spec: 'm:C', pythonpath: ['/x'] } }));
    expect(t.target).toEqual({ spec: 'm:C', pythonpath: ['/x'] });
    expect(inputError(() => parseReplayToken({ ...base, target: { spec: 'nope', pythonpath: [] } })).problem).toMatch(
      /^target\.spec: expected module\.path:ClassName/,
    );
    expect(inputError(() => parseReplayToken({ ...base, backend: 'sim', target: { spec: 'm:C', pythonpath: [] } })).problem).toMatch(
      /^target: only a cpython token/,
    );
  });
});

describe.skipIf(!py311)('--target on CPython 3.11', () => {
  it('a check-then-act threading semaphore over-admits with a minimal counterexample of 1 preemption that replays', async () => {
    const r = await checkScenario(builtin('threading-shared'), opts('broken_sem:CheckThenActSemaphore', 200));
    expect(r.verdict).toBe('violated');
    expect(status(r, 'at-most-n')).toBe('violated');
    const over = r.outcomes.find((o) => o.kind === 'over-admission');
    expect(over?.minimal?.preemptions).toBe(1);
    // The preemption is inside the target's own code, between its check and its act.
    expect(over!.minimal!.schedule[0]!.label).toMatch(/^broken_sem\.py:CheckThenActSemaphore\.acquire:\d+$/);
    const token = decodeToken(over!.minimal!.replay);
    expect(token.target?.spec).toBe('broken_sem:CheckThenActSemaphore');
    // Running the token's class needs the caller's consent: the same target, passed explicitly.
    const again = await replayToken(token, { target: token.target! });
    expect(again.primary).toBe('over-admission');
  });

  it('a threading.Condition semaphore holds on threading-shared', async () => {
    const r = await checkScenario(builtin('threading-shared'), opts('good_sem:ThreadSemaphore', 300));
    expect(r.runs).toBeGreaterThan(250);
    expect(r.coverage).toMatchObject({ method: 'bounded-exhaustive', complete: true });
    expect(r.verdict).toBe('holds');
    expect(status(r, 'permit-conservation')).toBe('holds');
    expect(r.concurrency.overall).toBe(2);
  });

  it('a FIFO single-loop asyncio semaphore (no async with) holds on asyncio-4-tasks', async () => {
    const r = await checkScenario(builtin('asyncio-4-tasks'), opts('good_sem:AsyncSemaphore', 200));
    expect(r.verdict).toBe('holds');
    expect(status(r, 'fifo')).toBe('holds');
    expect(status(r, 'conformance')).toBe('holds');
    expect(r.makespan?.min).toBe(2);
  });

  it("a waiter future of the target's own class: the methods the event loop's Task calls on it are traced too", async () => {
    // The harness traces inside its calls of the semaphore; the C Task calls add_done_callback from
    // its own step, outside them. The future's class is the target's code: its points must be there.
    const b = await CPythonBackend.start(py311!);
    try {
      const target = { spec: 'future_sem:FutureSemaphore', pythonpath: [join(ROOT, TARGETS)] };
      const r = await b.run({ scenario: builtin('asyncio-4-tasks'), target, trace: true });
      expect(r.status, r.detail).toBe('completed');
      expect(r.trace.filter((e) => /^future_sem\.py:WaiterFuture\.add_done_callback:\d+$/.test(e.label)).length).toBeGreaterThan(0);
    } finally {
      await b.close();
    }
  });

  it('without a readable _value, permit-conservation is n/a (not a crash, not a vacuous holds)', async () => {
    const r = await checkScenario(builtin('threading-shared'), opts('good_sem:NoValueThreadSemaphore', 30));
    expect(r.verdict).toBe('holds');
    expect(status(r, 'permit-conservation')).toBe('n/a');
    expect(status(r, 'at-most-n')).toBe('holds');
  });

  it('an unusable target is one stderr line naming --target, exit 2, through the real CLI', async () => {
    const cases: [string, string, RegExp][] = [
      ['threading-shared', 'nosuch:X', /module 'nosuch' not found/],
      ['threading-shared', 'good_sem:Missing', /has no attribute 'Missing'/],
      ['threading-shared', 'good_sem:NOT_A_CLASS', /is not callable/],
      ['threading-shared', 'good_sem:NoRelease', /has no release\(\) method/],
      ['threading-shared', 'good_sem:AsyncSemaphore', /coroutine function .* threading/],
      ['asyncio-4-tasks', 'good_sem:ThreadSemaphore', /plain function .* asyncio/],
      ['threading-shared', 'exits_sys_exit:Semaphore', /importing 'exits_sys_exit' failed: SystemExit: 3/],
      ['threading-shared', 'exits_os_exit:Semaphore', /importing exits_os_exit:Semaphore ended the interpreter \(harness exited \(code 4/],
    ];
    const results = await Promise.all(
      cases.map(([scenario, target]) => cli('check', scenario, '--backend', 'cpython', '--python', py311!.path, '--target', target, '--pythonpath', TARGETS)),
    );
    results.forEach((res, i) => {
      expect(res.code, res.stderr).toBe(2);
      const lines = res.stderr.split('\n').filter((l) => l !== '');
      expect(lines, res.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^semverify: --target: /);
      expect(lines[0]).toMatch(cases[i]![2]);
    });
  });
});

function cli(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.SEMVERIFY_DEBUG;
  return new Promise((res) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'semverify.js'), ...args, '--no-progress'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('close', (code) => res({ code, stderr }));
  });
}
