/**
 * Zero missed crashes on the real backend. Every way a run can fail -- the code under test raising
 * what no semaphore call may end with (SystemExit, KeyboardInterrupt, a constructor's exception),
 * ending the process (os._exit), blocking outside the virtual primitives, the process killed from
 * outside, a reply that is not ours -- is a run with status "error" and a typed `failure`, never
 * `ok`; exploration goes on with a fresh harness; a failed run replays to the same failure.
 *
 * Targets: test/fixtures/targets/crash_sem.py. Fixed seeds. Nothing asserts a duration: the blocking
 * targets get a small wall-time guard only so that this file stays fast. The CPython parts are
 * skipped, with a printed reason, when no 3.11 is installed.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CPythonBackend } from '../src/backends/cpython/backend.ts';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { HARNESS_PATH, liveProcessCount } from '../src/backends/cpython/process.ts';
import { readRunReply } from '../src/backends/cpython/reply.ts';
import type { RunResult } from '../src/contract/run-result.ts';
import type { CliIo } from '../src/cli/io.ts';
import { defaultEngine, type CheckOptions, type Engine } from '../src/cli/engine.ts';
import { runCli } from '../src/cli/program.ts';
import { confirmOnInterpreter } from '../src/explore/confirm.ts';
import type { Runner } from '../src/backends/runner.ts';
import type { ScenarioReport } from '../src/explore/report-types.ts';
import { replayToken } from '../src/explore/replay.ts';
import { decodeToken } from '../src/explore/token.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { builtinProperties } from '../properties/index.ts';
import { builtin } from './helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGETS = join(ROOT, 'test', 'fixtures', 'targets');
const py311 = findInterpreter('3.11');
if (!py311) console.warn('[cpython-crash] CPython parts skipped: no CPython 3.11 interpreter found (pyenv or python3 on PATH)');

const tmp = mkdtempSync(join(tmpdir(), 'semverify-crash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** One plain thread, one semaphore: the smallest scenario a reply can be about. */
const oneThread: Scenario = {
  id: 'one-thread',
  title: 'one thread, one threading.Semaphore(1)',
  semaphores: { sem: { kind: 'threading', value: 1 } },
  threads: [{ name: 'T0', loop: false, tasks: [{ name: 'A', ops: [{ op: 'hold', seconds: 1 }] }] }],
};

const goodResult = {
  status: 'completed',
  history: [{ seq: 0, step: 1, time: 0, thread: 'T0', loop: null, task: null, sem: 'sem', kind: 'acquire', op: 'acquire' }],
  trace: [
    {
      step: 1,
      time: 0,
      thread: 'T0',
      task: null,
      label: 'scenario:A:0',
      what: 'scenario op 0',
      decision: { kind: 'delay', thread: 'T0', label: 'scenario:A:0', occ: 1 },
    },
  ],
  semaphores: [{ id: 'sem', kind: 'threading', initial: 1, bounded: false, value: 1, inFlight: 0, waiters: 0, boundLoop: null }],
  endTime: 1,
  steps: 1,
  schedule: [{ kind: 'delay', thread: 'T0', label: 'scenario:A:0', occ: 1 }],
};

/** Reads `goodResult` with one change applied. */
function readChanged(change: (r: Record<string, any>) => void): () => unknown {
  const result = structuredClone(goodResult) as Record<string, any>;
  change(result);
  return () => readRunReply({ id: 1, ok: true, result }, oneThread);
}

describe('what crosses the pipe is validated (no interpreter needed)', () => {
  it("a well-formed reply reads back as itself, with a prefix run's decision log", () => {
    expect(readRunReply({ id: 1, ok: true, result: goodResult }, oneThread)).toEqual({ result: goodResult, restart: false });
    const decisions = [
      { arity: 3, chosen: 2, preempts: true },
      { arity: 2, chosen: 0, preempts: false },
    ];
    expect(readRunReply({ id: 1, ok: true, result: { ...goodResult, decisions } }, oneThread).result.decisions).toEqual(decisions);
  });

  it('a malformed reply is a ProtocolError naming the first field that failed', () => {
    const cases: [(r: Record<string, any>) => void, string, RegExp][] = [
      [(r) => (r.history[0].kind = 'acquird'), 'result.history[0].kind', /^expected one of "acquire", .* got "acquird"$/],
      [(r) => (r.status = 'error'), 'result.failure', /^missing for status "error"$/],
      [
        (r) => Object.assign(r, { status: 'error', failure: { kind: 'wall-time', seconds: 1 } }),
        'result.failure.kind',
        /^expected one of "code-raised", "code-exited", "harness-error"/,
      ],
      [(r) => (r.schedule[0].thread = 'T9'), 'result.schedule[0].thread', /unknown thread "T9"/],
      [(r) => (r.trace[0].decision.occ = 0), 'result.trace[0].decision.occ', /^expected an integer from 1/],
      [(r) => (r.semaphores[0].waiters = -1), 'result.semaphores[0].waiters', /^expected an integer from 0/],
      [(r) => (r.history[0].thread = 'T7'), 'result.history[0].thread', /unknown thread "T7"/],
      [(r) => (r.steps = '1'), 'result.steps', /got "1"$/],
      [(r) => (r.extra = true), 'result.extra', /^unknown key/],
      // A prefix run's decision log: only decisions with a choice, and the choice one of them.
      [(r) => (r.decisions = [{ arity: 2, chosen: 2, preempts: true }]), 'result.decisions[0].chosen', /^expected an integer below the arity 2, got 2$/],
      [(r) => (r.decisions = [{ arity: 1, chosen: 0, preempts: false }]), 'result.decisions[0].arity', /^expected an integer from 2/],
      [(r) => (r.decisions = [{ arity: 3, chosen: 1, preempts: 'yes' }]), 'result.decisions[0].preempts', /got "yes"$/],
      [(r) => (r.decisions = [{ arity: 3, chosen: 1 }]), 'result.decisions[0].preempts', /^missing \(required\)$/],
      [(r) => (r.decisions = {}), 'result.decisions', /^expected an array/],
    ];
    for (const [change, field, problem] of cases) {
      expect(readChanged(change)).toThrow(expect.objectContaining({ name: 'ProtocolError', field, problem: expect.stringMatching(problem) }));
    }
  });

  it('a harness process that answers nonsense: the run in flight is a protocol error naming the field, and the next run starts a fresh process', async () => {
    const fake = fakeHarness('answers by scenario id');
    const b = await CPythonBackend.start({ path: fake, version: '3.11.7', short: '3.11' });
    try {
      const badKind = await b.run({ scenario: { ...oneThread, id: 'bad-kind' } });
      expect(badKind.status).toBe('error');
      expect(badKind.failure).toEqual({ kind: 'protocol', field: 'result.history[0].kind' });
      expect(badKind.detail).toMatch(/^the harness's reply is malformed: result\.history\[0\]\.kind: expected one of .* got "acquird"$/);
      const garbage = await b.run({ scenario: { ...oneThread, id: 'garbage' } });
      expect(garbage.failure).toEqual({ kind: 'protocol', field: '(line)' });
      expect(garbage.detail).toBe(`the harness's reply is malformed: (line): not JSON: "Traceback (most recent call last):"`);
      const badTold = await b.run({ scenario: { ...oneThread, id: 'bad-told' } });
      expect(badTold.failure).toEqual({ kind: 'protocol', field: 'told[1].value.thread' });
      const emptyTold = await b.run({ scenario: { ...oneThread, id: 'empty-told' } });
      expect(emptyTold.failure).toEqual({ kind: 'protocol', field: 'told' });
      const good = await b.run({ scenario: oneThread });
      expect(good.status, good.detail).toBe('completed');
      expect(b.starts).toBe(5); // each protocol failure cost its process
    } finally {
      await b.close();
    }
    await expect(CPythonBackend.start({ path: fakeHarness('says hello without a pid'), version: '3.11.7', short: '3.11' })).rejects.toThrow(
      /^cannot start the CPython harness with .*: pid: missing \(required\)$/,
    );
  });

  it('confirmation never calls a run that failed on the interpreter confirmed, not even an `error` outcome', async () => {
    const failed: RunResult = {
      status: 'error',
      history: [],
      trace: [],
      semaphores: [],
      endTime: 0,
      steps: 0,
      schedule: [],
      detail: 'the harness was killed by signal SIGKILL during the run',
      failure: { kind: 'harness-exited', code: null, signal: 'SIGKILL' },
    };
    const point = (label: string) => ({ step: 1, time: 0, thread: 'T0', task: null, label, what: 'point', occ: 1 });
    // The first real run applies nothing and shows nothing; every nearby schedule then fails.
    const clean: RunResult = { status: 'completed', history: [], trace: [point('M')], semaphores: [], endTime: 0, steps: 1, schedule: [] };
    const runner = (first: RunResult): Runner => {
      let n = 0;
      return { describe: 'fake', impl: 'cpython-3.11', version: '3.11.7', run: async () => (n++ === 0 ? first : failed), close: async () => {} };
    };
    const schedule = [{ kind: 'switch' as const, thread: 'T0', label: 'L', occ: 1 }];
    const simulated = { schedule, history: [], trace: [point('L'), point('M')], kinds: ['over-admission'], violations: [] };
    const exact = await confirmOnInterpreter(oneThread, 'over-admission', simulated, builtinProperties, runner(failed), '3.11.7');
    expect(exact).toEqual({
      interpreter: '3.11.7',
      status: 'unavailable',
      detail: 'the run failed on the interpreter, which proves nothing: the harness was killed by signal SIGKILL during the run',
    });
    const nearby = await confirmOnInterpreter(oneThread, 'error', { ...simulated, kinds: ['error'] }, builtinProperties, runner(clean), '3.11.7');
    expect(nearby.status).toBe('not-reproduced');
    expect(nearby.detail).toMatch(/\(1 of them failed on the interpreter\)$/);
  });
});

describe.skipIf(!py311)('crashing and blocking targets on CPython 3.11', () => {
  const target = (cls: string) => ({ spec: `crash_sem:${cls}`, pythonpath: [TARGETS] });

  it('the CLI: a target that raises in __init__, os._exit()s or sys.exit()s in acquire, or blocks, gives only outcome error with its message, exit 1', async () => {
    const cases: { cls: string; runs: number; message: RegExp; wallTimeMs?: number; explored?: number }[] = [
      {
        cls: 'RaisingInit',
        runs: 20,
        message: /the run failed: building sem: crash_sem:RaisingInit\(2\) raised ValueError: refusing to be built with 2 permits \(crash_sem\.py:\d+\)/,
      },
      {
        cls: 'ExitingAcquire',
        runs: 20,
        message:
          /the run failed: the harness exited with code 3 during the run \(os\._exit in the code under test\?\); last point: T0 at crash_sem\.py:ExitingAcquire\.acquire:\d+/,
      },
      { cls: 'SystemExitAcquire', runs: 20, message: /the run failed: thread T0: acquire\(\) on sem raised SystemExit: 2 \(crash_sem\.py:\d+\)/ },
      // Every run of this one waits out the guard: a small guard, and exploration gives up after 3 such runs in a row.
      {
        cls: 'SleepingAcquire',
        runs: 6,
        explored: 3,
        wallTimeMs: 250,
        message:
          /the run failed: no progress for 0\.25 s: the code under test blocks outside what semverify controls \(.*; last point: T0 at crash_sem\.py:SleepingAcquire\.acquire:\d+\); the harness was killed and restarted/,
      },
    ];
    const results = await Promise.all(
      cases.map(async (c) => {
        const reports: ScenarioReport[] = [];
        const io = fakeIo();
        const args = [
          'check',
          'threading-shared',
          '--backend',
          'cpython',
          '--python',
          py311!.path,
          '--target',
          `crash_sem:${c.cls}`,
          '--pythonpath',
          TARGETS,
          '--runs',
          String(c.runs),
          // Sampling: every run is a fresh chance to crash (a bounded search would stop at the first run that reports no decisions).
          '--search',
          'random',
          '--no-progress',
        ];
        const code = await runCli(args, io, capturing(reports, c.wallTimeMs));
        return { ...c, code, stdout: io.out.join(''), stderr: io.err.join(''), report: reports[0]! };
      }),
    );
    for (const r of results) {
      expect(r.code, `${r.cls}: ${r.stderr}`).toBe(1);
      const explored = r.explored ?? r.runs;
      expect(r.report.outcomes.map((o) => [o.kind, o.count])).toEqual([['error', explored]]); // zero ok runs
      expect(r.report.runs).toBe(explored);
      expect(r.stdout).toMatch(new RegExp(`^\\s+error\\s+${explored}\\s`, 'm'));
      if (r.explored !== undefined) expect(r.stdout).toContain(`⚑ flag: 3 runs in a row blocked outside semverify's control: 3 of ${r.runs} runs explored`);
      expect(r.stdout).not.toMatch(/^\s+ok\s+\d+/m);
      expect(r.stdout, r.cls).toMatch(r.message);
      expect(r.stdout).toMatch(/✗ mismatch: .*\bfailed\b/); // the failed runs themselves fail the check
    }
    // The exiting one's counterexample replays from its token, and dies the same way again.
    const exiting = results.find((r) => r.cls === 'ExitingAcquire')!.report.outcomes[0]!.minimal!;
    const token = decodeToken(exiting.replay);
    const again = await replayToken(token, { target: token.target! });
    expect(again.primary).toBe('error');
    expect(again.run.failure).toEqual({ kind: 'harness-exited', code: 3, signal: null });
  });

  it('SystemExit, KeyboardInterrupt or a constructor raising fail the run and name the exception; the same harness serves the next run', async () => {
    await withBackend(async (b) => {
      const pid = b.pid;
      const cases: [string, Scenario, RunResult['failure'], RegExp][] = [
        [
          'SystemExitAcquire',
          builtin('threading-shared'),
          { kind: 'code-exited', exception: 'SystemExit' },
          /^thread T0: acquire\(\) on sem raised SystemExit: 2 \(crash_sem\.py:\d+\)$/,
        ],
        [
          'InterruptedAcquire',
          builtin('threading-shared'),
          { kind: 'code-raised', exception: 'KeyboardInterrupt' },
          /^thread T0: acquire\(\) on sem raised KeyboardInterrupt \(crash_sem\.py:\d+\)$/,
        ],
        [
          'ExitingInit',
          builtin('threading-shared'),
          { kind: 'code-exited', exception: 'SystemExit' },
          /^building sem: crash_sem:ExitingInit\(2\) raised SystemExit: not today \(crash_sem\.py:\d+\)$/,
        ],
        [
          'AsyncSystemExitAcquire',
          builtin('asyncio-4-tasks'),
          { kind: 'code-exited', exception: 'SystemExit' },
          /^task A: acquire\(\) on sem@T0 raised SystemExit: 5 \(crash_sem\.py:\d+\)$/,
        ],
        [
          'AsyncRaisingInit',
          builtin('asyncio-per-thread'),
          { kind: 'code-raised', exception: 'RuntimeError' },
          /^thread T0: building sem@T0: crash_sem:AsyncRaisingInit\(2\) raised RuntimeError: no loop of mine \(crash_sem\.py:\d+\)$/,
        ],
      ];
      for (const [cls, scenario, failure, detail] of cases) {
        await b.checkTarget(scenario, target(cls)); // the class itself is usable input: its runs fail, not the check
        const r = await b.run({ scenario, target: target(cls), trace: false });
        expect(r.status, cls).toBe('error');
        expect(r.failure, cls).toEqual(failure);
        expect(r.detail, cls).toMatch(detail);
      }
      const good = await b.run({ scenario: builtin('threading-shared'), target: { spec: 'good_sem:ThreadSemaphore', pythonpath: [TARGETS] }, trace: false });
      expect(good.status, good.detail).toBe('completed');
      expect(b.starts).toBe(1);
      expect(b.pid).toBe(pid);
    });
  });

  it('a crash that depends on the schedule: the deviations told before the process died replay it exactly', async () => {
    const scenario = builtin('threading-shared');
    await withBackend(async (b) => {
      const runs: RunResult[] = [];
      // Seeds until both a completed run and a crash after a deviation have shown up (a few dozen at most).
      const seen = () => runs.some((r) => r.status === 'completed') && runs.some((r) => r.status === 'error' && r.schedule.length > 0);
      for (let seed = 1; seed <= 100 && !seen(); seed++)
        runs.push(
          await b.run({
            scenario,
            target: target('ExitsWhenOverAdmitted'),
            trace: false,
            source: { kind: 'random', seed: String(seed), pSwitch: 0.05, pDelay: 0.05, pCancel: 0 },
          }),
        );
      const crashed = runs.filter((r) => r.status === 'error');
      expect(crashed.length).toBeGreaterThan(0);
      expect(runs.some((r) => r.status === 'completed')).toBe(true); // so the schedule decides
      expect(crashed.some((r) => r.schedule.length > 0)).toBe(true); // so the told deviations matter
      for (const r of crashed) {
        expect(r.failure).toEqual({ kind: 'harness-exited', code: 4, signal: null });
        const again = await b.run({ scenario, target: target('ExitsWhenOverAdmitted'), trace: false, schedule: r.schedule });
        expect({ ...again, detail: undefined }).toEqual({ ...r, detail: undefined });
      }
    });
  });

  it('a blocking acquire (real sleep, real lock, select) trips the wall-time guard; the harness restarts, the next run is judged, and the run replays to the same failure', async () => {
    const scenario = builtin('threading-shared');
    await withBackend(async (b) => {
      for (const cls of ['SleepingAcquire', 'RealLockAcquire', 'SelectAcquire']) {
        const before = b.starts;
        const r = await b.run({ scenario, target: target(cls), wallTimeMs: 250, tellAll: true });
        expect(r.status, cls).toBe('error');
        expect(r.failure, cls).toEqual({ kind: 'wall-time', seconds: 0.25 });
        expect(r.detail, cls).toMatch(
          new RegExp(
            `^no progress for 0\\.25 s: the code under test blocks outside what semverify controls \\(.*; last point: T0 at crash_sem\\.py:${cls}\\.acquire:\\d+\\); the harness was killed and restarted$`,
          ),
        );
        expect(r.history.map((e) => `${e.thread} ${e.kind}`)).toEqual(['T0 acquire']); // told before it blocked
        const next = await b.run({ scenario, target: { spec: 'good_sem:ThreadSemaphore', pythonpath: [TARGETS] }, trace: false });
        expect(next.status, next.detail).toBe('completed');
        expect(b.starts).toBe(before + 1);
      }
      const random = await b.run({
        scenario,
        target: target('SleepingAcquire'),
        wallTimeMs: 250,
        trace: false,
        source: { kind: 'random', seed: '1', pSwitch: 0.5, pDelay: 0.2, pCancel: 0 },
      });
      expect(random.schedule.length).toBeGreaterThan(0);
      const replayed = await b.run({ scenario, target: target('SleepingAcquire'), wallTimeMs: 250, trace: false, schedule: random.schedule });
      expect(replayed).toEqual(random);
    });
  });

  it('the harness killed from outside (SIGKILL) while a run is in flight: that run is an error naming the signal, the next one gets a fresh harness', async () => {
    const scenario = builtin('threading-shared');
    await withBackend(async (b) => {
      const pid = b.pid!;
      // It blocks for good, and the guard is far away: only the kill can end this run.
      const inFlight = b.run({ scenario, target: target('SleepingAcquire'), wallTimeMs: 60_000 });
      await new Promise((r) => setImmediate(r)); // the request is written by now
      process.kill(pid, 'SIGKILL');
      const r = await inFlight;
      expect(r.status).toBe('error');
      expect(r.failure).toEqual({ kind: 'harness-exited', code: null, signal: 'SIGKILL' });
      expect(r.detail).toMatch(/^the harness was killed by signal SIGKILL during the run/);
      const next = await b.run({ scenario, trace: false });
      expect(next.status, next.detail).toBe('completed');
      expect(b.starts).toBe(2);
      expect(b.pid).not.toBe(pid);
    });
  });

  it('leaves no harness process behind', () => {
    expect(liveProcessCount()).toBe(0);
    expect(harnessChildren()).toEqual([]);
  });
});

/** A fresh backend on 3.11 for `use`, closed whatever happens. */
async function withBackend(use: (b: CPythonBackend) => Promise<void>): Promise<void> {
  const b = await CPythonBackend.start(py311!);
  try {
    await use(b);
  } finally {
    await b.close();
  }
}

/** runCli's engine, keeping each report and (for the blocking target) passing the runner a small wall-time guard. */
function capturing(reports: ScenarioReport[], wallTimeMs: number | undefined): Engine {
  const real = defaultEngine();
  return {
    ...real,
    async checkScenario(scenario, opts) {
      // checkScenario hands its options to openRunner, whose RunnerOptions take wallTimeMs; the
      // messages asserted above name the guard, so a guard that stopped getting through would show.
      const withGuard: CheckOptions & { wallTimeMs?: number } = { ...opts, ...(wallTimeMs !== undefined && { wallTimeMs }) };
      const report = await real.checkScenario(scenario, withGuard);
      reports.push(report);
      return report;
    },
    replayToken: (token, replayOpts) => real.replayToken(token, replayOpts),
  };
}

function fakeIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env: { NO_COLOR: '1' }, stdoutIsTTY: false, stderrIsTTY: false };
}

/**
 * An executable standing in for the interpreter (it ignores the harness path it is given), which
 * answers `hello` and then, for a run, by the scenario's id: "bad-kind" a result whose first event
 * has an unknown kind, "garbage" a line that is not JSON, anything else a good result.
 */
function fakeHarness(mode: 'answers by scenario id' | 'says hello without a pid'): string {
  const file = join(tmp, `fake-harness-${mode === 'answers by scenario id' ? 'runs' : 'hello'}.cjs`);
  const hello =
    mode === 'says hello without a pid'
      ? `{ version: '3.11.7', short: '3.11', model: 'gil-3.11', executable: 'fake' }`
      : `{ version: '3.11.7', short: '3.11', model: 'gil-3.11', implementation: 'cpython', executable: 'fake', pid: process.pid }`;
  writeFileSync(
    file,
    `#!${process.execPath}
const send = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
const good = ${JSON.stringify(goodResult)};
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.op === 'hello') return send({ id: m.id, ok: true, ...${hello} });
  if (m.scenario.id === 'garbage') return process.stdout.write('Traceback (most recent call last):\\n');
  // Progress comes in batches: a told item names its index in the batch when it is wrong.
  if (m.scenario.id === 'bad-told') send({ id: m.id, told: [{ progress: 'steps', step: 1, time: 0 }, { progress: 'deviation', step: 2, time: 0, value: { kind: 'delay', thread: 'T9', label: 'x.py:f:1', occ: 1 } }] });
  if (m.scenario.id === 'empty-told') return send({ id: m.id, told: [] });
  const result = JSON.parse(JSON.stringify(good));
  if (m.scenario.id === 'bad-kind') result.history[0].kind = 'acquird';
  send({ id: m.id, ok: true, result });
});
`,
  );
  chmodSync(file, 0o755);
  return file;
}

/** Live (not zombie) children of this process running the harness. */
function harnessChildren(): number[] {
  let pids: number[];
  try {
    pids = execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
  return pids.filter((pid) => {
    if (!existsSync(`/proc/${pid}`)) return false;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const zombie = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
      return !zombie && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(basename(HARNESS_PATH));
    } catch {
      return false;
    }
  });
}
