/**
 * The CLI as users meet it: the real entry point in a child process for argument and input
 * errors (exit 2, exactly one line on stderr), and runCli in-process with a fake engine for
 * the paths that explore (exit 0/1, text and JSON output, replay).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/contract/run-result.ts';
import type { CheckOptions, Engine } from '../src/cli/engine.ts';
import { runCli } from '../src/cli/program.ts';
import type { ScenarioReport } from '../src/explore/report-types.ts';
import { encodeToken, type ReplayToken } from '../src/explore/token.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { captureIo, noEngine } from './helpers.ts';
import { WorkerPool } from '../src/explore/pool/worker-pool.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'semverify.js');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'semverify-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  return cliWithEnv({}, ...args);
}

function cliWithEnv(extra: NodeJS.ProcessEnv, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete env.SEMVERIFY_DEBUG;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 with exactly one stderr line, which is returned. */
function expectInputError(...args: string[]): string {
  const r = cli(...args);
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^semverify: /);
  expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/); // no stack trace
  return lines[0]!;
}

describe('semverify (real process): bad input exits 2 with one line', () => {
  it('lists the built-in scenarios', () => {
    const r = cli('list');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^asyncio-4-tasks\s+\S/m);
  });

  it('unknown scenario id', () => {
    const line = expectInputError('check', 'no-such-scenario');
    expect(line).toContain("unknown scenario id 'no-such-scenario'");
    expect(line).toContain('known: ');
  });

  it('bad scenario file: names the file and the field', () => {
    const file = join(FIXTURES, 'scenario-bad-field.json');
    expect(expectInputError('check', file)).toBe(`semverify: ${file}: threads[1].tasks[0].ops[2].seconds: expected a number >= 0 and <= 1000000, got "1"`);
  });

  it('scenario file that is not JSON', () => {
    const file = join(tmp, 'broken.json');
    writeFileSync(file, '{ "id": ');
    expect(expectInputError('check', file)).toContain('invalid JSON: unexpected end of file at line 1');
  });

  it('missing scenario file', () => {
    expect(expectInputError('check', 'nowhere/x.yaml')).toBe('semverify: nowhere/x.yaml: file not found');
  });

  it('malformed tokens', () => {
    expect(expectInputError('replay', 'garbage')).toMatch(/^semverify: token: expected a token starting with "sv2\."/);
    expect(expectInputError('replay', 'sv2.AAAA')).toMatch(/^semverify: token: /);
    expect(expectInputError('replay', 'sv2.@@@')).toMatch(/^semverify: token: not base64url/);
    expect(expectInputError('replay', 'sv1.AAAA')).toMatch(/^semverify: token: this is a version-1 token/);
  });

  it.each([
    [['--runs', '0', 'check', 'asyncio-4-tasks'], /^semverify: --runs: expected a positive integer .*got "0"$/],
    [['check', 'asyncio-4-tasks', '--runs', '2.5'], /^semverify: --runs: .*got "2.5"$/],
    [['--seed', 'x'], /^semverify: --seed: expected an integer .*got "x"$/],
    [['check', 'asyncio-4-tasks', '--seed', '99999999999'], /^semverify: --seed: /],
    [['--backend', 'nope'], /^semverify: --backend: expected one of sim, cpython, got "nope"$/],
    [['--model', 'nogil'], /^semverify: --model: expected one of gil, free-threaded/],
    [['--max-steps', '5'], /^semverify: --max-steps: expected an integer from 100 to 10000000, got "5"$/],
    [['--time-limit', '1.5'], /^semverify: --time-limit: expected a whole number of seconds/],
    [['--python', '3.11'], /^semverify: --python: only applies to --backend cpython$/],
    [['--backend', 'cpython', '--model', 'free-threaded'], /^semverify: --model: free-threaded is simulated only/],
    [['--frobnicate'], /^semverify: --frobnicate: unknown option/],
    [['check', 'asyncio-4-tasks', '--rnus', '3'], /^semverify: --rnus: unknown option \(did you mean --runs\?\)$/],
    [['--seed'], /^semverify: --seed: missing value$/],
    [['check'], /^semverify: scenarios: missing \(required argument\)$/],
    [['chekc'], /^semverify: chekc: unknown command/],
    [['list', '--runs', '3'], /^semverify: --runs: does not apply to list$/],
    [['replay', 'sv2.x', '--html', 'r.html'], /^semverify: --html: applies to check only$/],
    [['check', 'asyncio-4-tasks', '--reporter', 'tap'], /^semverify: --reporter: expected "junit FILE", got "tap"$/],
    [['help', 'chekc'], /^semverify: chekc: unknown command/],
    [['export', 'sv2.x', '--format', 'python'], /^semverify: --output: missing \(required option\)|^semverify: .*-o, --output/],
    [['replay', 'sv2.x', '--seed', '3'], /^semverify: --seed: does not apply to replay/],
  ])('bad flags %j', (args, message) => {
    expect(expectInputError(...args)).toMatch(message);
  });

  it('a TMPDIR where nothing can be written still runs (tsx compiles without its cache)', () => {
    // A file in place of the directory fails for every user, root included (a read-only
    // directory does not stop root); the bin must not die with tsx's stack trace.
    const notADirectory = join(tmp, 'tmpdir-is-a-file');
    writeFileSync(notADirectory, '');
    for (const extra of [{ TMPDIR: notADirectory }, { TMPDIR: join(notADirectory, 'below') }]) {
      const r = cliWithEnv(extra, 'check', 'asyncio-4-tasks', '--no-confirm');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('expectations met');
    }
  });

  it('--help and --version exit 0 on stdout', () => {
    const help = cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: semverify');
    const version = cli('--version');
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

// ---------------------------------------------------------------------------------------
// In-process, with a fake engine: the paths that would explore.

function fakeReport(scenario: Scenario, opts: CheckOptions, met: boolean): ScenarioReport {
  return {
    id: scenario.id,
    title: scenario.title,
    backend: opts.backend,
    model: opts.model,
    seed: opts.seed,
    version: '3.11.7',
    runs: opts.runs ?? 10,
    schedules: 3,
    exhaustive: false,
    coverage: { method: 'sampled', preemptionBound: null, executions: opts.runs ?? 10, complete: false },
    verdict: met ? 'holds' : 'violated',
    properties: [{ name: 'at-most-n', description: '', status: met ? 'holds' : 'violated', violatedRuns: met ? 0 : 1, expected: 'holds', matches: met }],
    outcomes: [{ kind: 'ok', count: opts.runs ?? 10, primary: opts.runs ?? 10 }],
    makespan: { min: 2, max: 2 },
    concurrency: { perSemaphore: { sem: 2 }, overall: 2 },
    expectationsMet: met,
    notes: met ? [] : [{ level: 'mismatch', text: 'at-most-n expected to hold' }],
    seconds: 0,
  };
}

function fakeEngine(failing: ReadonlySet<string> = new Set()): Engine & { calls: { id: string; opts: CheckOptions }[] } {
  const calls: { id: string; opts: CheckOptions }[] = [];
  return {
    ...noEngine,
    openPool: async (size) => new WorkerPool(size),
    calls,
    async checkScenario(scenario, opts) {
      calls.push({ id: scenario.id, opts });
      return fakeReport(scenario, opts, !failing.has(scenario.id));
    },
    async replayToken(token: ReplayToken) {
      const run: RunResult = {
        status: 'completed',
        history: [{ seq: 0, step: 1, time: 0, thread: 'T0', loop: 'loop@T0', task: 'A', sem: 'sem', kind: 'acquire', op: 'acquire' }],
        trace: [{ step: 0, time: 0, thread: 'T0', task: 'A', label: 'scenario:A:0', what: 'point' }],
        semaphores: [{ id: 'sem', kind: 'asyncio', initial: 2, bounded: false, value: 2, inFlight: 0, waiters: 0, boundLoop: null }],
        endTime: 0,
        steps: 1,
        schedule: token.schedule,
      };
      return { run, violations: [], kinds: ['ok'], primary: 'ok' };
    },
  };
}

const replayFixture: Scenario = {
  id: 'r',
  title: 'replay fixture',
  semaphores: { sem: { kind: 'asyncio', value: 2 } },
  threads: [{ name: 'T0', loop: true, tasks: [{ name: 'A', ops: [{ op: 'hold', seconds: 1 }] }] }],
};

describe('semverify (in process, fake engine)', () => {
  it('checks every built-in with no command, passing flags through; exit 0 when all expectations are met', async () => {
    const c = captureIo();
    const engine = fakeEngine();
    const code = await runCli(['--seed', '7', '--runs', '5'], c.io, engine);
    expect(code).toBe(0);
    expect(engine.calls.length).toBeGreaterThan(1);
    expect(engine.calls[0]!.opts).toMatchObject({ seed: 7, runs: 5, backend: 'sim', model: 'gil' });
    expect(engine.calls[0]!.opts.onProgress).toBeUndefined(); // not a TTY
    expect(c.out()).toContain('every expectation met');
    expect(c.err()).toBe('');
  });

  it('exits 1 when a scenario misses its expectations', async () => {
    const c = captureIo();
    const code = await runCli(['check', 'asyncio-4-tasks'], c.io, fakeEngine(new Set(['asyncio-4-tasks'])));
    expect(code).toBe(1);
    expect(c.out()).toContain('✗ mismatch: at-most-n expected to hold');
  });

  it('checks a scenario file and prints the --json document', async () => {
    const c = captureIo();
    const code = await runCli(['check', join(FIXTURES, 'scenario-good.yaml'), '--json'], c.io, fakeEngine());
    expect(code).toBe(0);
    const doc = JSON.parse(c.out());
    expect(doc.tool).toBe('semverify');
    expect(doc.scenarios.map((s: { id: string }) => s.id)).toEqual(['fixture-good']);
    expect(doc.scenarios[0].expectationsMet).toBe(true);
  });

  it('replays a token, with --backend overriding the token', async () => {
    const token = encodeToken({ backend: 'sim', model: 'gil', scenario: replayFixture, schedule: [] });
    const c = captureIo();
    let seen: ReplayToken | undefined;
    const engine = fakeEngine();
    const code = await runCli(['replay', token, '--backend', 'cpython', '--python', '3.11'], c.io, {
      ...engine,
      replayToken: async (t, o) => {
        seen = t;
        return engine.replayToken(t, o);
      },
    });
    expect(code).toBe(0);
    expect(seen).toMatchObject({ backend: 'cpython', python: '3.11', model: 'gil' });
    expect(c.out()).toContain('replay of r — replay fixture');
    expect(c.out()).toContain('outcome: ok');
  });

  it('exits 1 when the replayed run shows anything but ok, in text and in --json', async () => {
    const token = encodeToken({ backend: 'sim', model: 'gil', scenario: replayFixture, schedule: [] });
    const engine = fakeEngine();
    const violating: Engine = {
      ...engine,
      replayToken: async (t, o) => {
        const ok = await engine.replayToken(t, o);
        const v = { property: 'at-most-n', outcome: 'over-admission', step: 1, message: 'two holders' };
        return { ...ok, violations: [v], kinds: ['over-admission'], primary: 'over-admission' };
      },
    };
    for (const extra of [[], ['--json']]) {
      const c = captureIo();
      expect(await runCli(['replay', token, ...extra], c.io, violating)).toBe(1);
      expect(c.err()).toBe('');
      expect(c.out()).toContain('over-admission');
    }
  });

  it('turns an unexpected engine failure into one "internal error" line and exit 3', async () => {
    const c = captureIo();
    const code = await runCli(['check', 'asyncio-4-tasks'], c.io, {
      ...fakeEngine(),
      checkScenario: async () => {
        throw new TypeError('boom\nsecond line');
      },
    });
    expect(code).toBe(3);
    expect(c.err()).toBe('semverify: internal error: boom second line\n');
  });

  it('adds the stack of an internal error only with SEMVERIFY_DEBUG=1', async () => {
    const c = captureIo({ SEMVERIFY_DEBUG: '1' });
    const code = await runCli(['check', 'asyncio-4-tasks'], c.io, {
      ...fakeEngine(),
      checkScenario: async () => {
        throw new Error('boom');
      },
    });
    expect(code).toBe(3);
    expect(c.err()).toMatch(/^semverify: internal error: boom\nError: boom\n\s+at /);
  });
});
