/**
 * Python programs checked as they are (docs/programs.md), on CPython 3.11: the three demo scripts
 * in examples/ (plain python3, then `semverify check`), a correct program that must hold, a broken
 * one whose counterexamples replay byte for byte from their tokens, and the limits (a subprocess or
 * a socket is bad input, os._exit is outcome error, a token runs only the same program's content).
 * Fixed seeds; skipped with a printed reason when no CPython 3.11 is installed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { liveProcessCount } from '../src/backends/cpython/process.ts';
import { checkScenario, type CheckOptions } from '../src/explore/check.ts';
import type { ScenarioReport } from '../src/explore/report-types.ts';
import { replayToken } from '../src/explore/replay.ts';
import { decodeToken } from '../src/explore/token.ts';
import { loadProgram, programOnCommandLine } from '../src/program/load.ts';
import type { JsonDocument } from '../src/report/json.ts';
import { rejectionOf } from './helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'semverify.js');
const EXAMPLES = join(ROOT, 'examples');
const PROGRAMS = join(ROOT, 'test', 'fixtures', 'programs');
const py311 = findInterpreter('3.11');
if (!py311) console.warn('[programs] skipped: no CPython 3.11 interpreter found (pyenv or python3 on PATH)');
const tmp = mkdtempSync(join(tmpdir(), 'semverify-programs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.SEMVERIFY_DEBUG;
  const r = spawnSync(process.execPath, [BIN, ...args, '--python', py311!.path], { cwd: ROOT, encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 and exactly one line on stderr, returned. */
function oneLine(r: ReturnType<typeof cli>): string {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}

async function check(
  file: string,
  more: Partial<CheckOptions> = {},
  args?: string[],
): Promise<{ report: ScenarioReport; program: ReturnType<typeof loadProgram> }> {
  const program = loadProgram(file, args);
  const report = await checkScenario(program.scenario, {
    seed: 1,
    backend: 'cpython',
    model: 'gil',
    python: py311!.path,
    program: program.spec,
    confirm: false,
    ...more,
  });
  return { report, program };
}

const outcome = (r: ScenarioReport, kind: string) => r.outcomes.find((o) => o.kind === kind);
const status = (r: ScenarioReport, name: string) => r.properties.find((p) => p.name === name)?.status;

describe.skipIf(!py311)('the demo scripts (examples/)', () => {
  it('run with plain python3 and say what they demonstrate', () => {
    const run = (script: string, ...args: string[]) => {
      const r = spawnSync(py311!.path, [join(EXAMPLES, script), ...args], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    expect(run('asyncio-semaphore-comparison.py', '0.01')).toMatch(/with asyncio\.Semaphore\(2\): 5 tasks of 1 unit, at most 2 at once/);
    expect(run('asyncio-vs-threading-semaphore.py', '0.01')).toMatch(/one threading\.Semaphore\(2\) for all: +at most 2 jobs at once/);
    expect(run('asyncio-semaphore-thread-unsafe-demo.py', '0.01', '0.05')).toMatch(/^most holders at once: \d/m);
  });

  it("check asyncio-semaphore-thread-unsafe-demo.py: over-admission with 1 preemption, wrong-loop and the hang with none, proven minimal, on the script's own lines", () => {
    const r = cli('check', 'examples/asyncio-semaphore-thread-unsafe-demo.py', '--search', 'bounded', '--bound', '1', '--json');
    expect(r.code, r.stderr).toBe(0); // the sidecar's expectations are met
    const s = (JSON.parse(r.stdout) as JsonDocument).scenarios[0]!;
    expect(s.program?.path).toBe(join(EXAMPLES, 'asyncio-semaphore-thread-unsafe-demo.py'));
    expect(s.coverage).toMatchObject({ method: 'bounded-exhaustive', preemptionBound: 1, complete: true });
    const minimal = (kind: string) => s.outcomes.find((o) => o.kind === kind)?.minimal;
    expect([minimal('over-admission')?.preemptions, minimal('wrong-loop')?.preemptions, minimal('hang')?.preemptions]).toEqual([1, 0, 0]);
    for (const kind of ['over-admission', 'wrong-loop', 'hang']) expect(minimal(kind)?.provenMinimal, kind).toBe(true);
    const labels = minimal('over-admission')!.trace.map((e) => e.label);
    expect(labels).toContain('asyncio-semaphore-thread-unsafe-demo.py:use_semaphore:31');
    expect(labels.some((l) => l.startsWith('asyncio/locks.py:Semaphore.acquire:'))).toBe(true);
    // What the program printed in that run is the counterexample's, not the report's.
    expect(minimal('hang')!.output).toMatch(/^T1: still waiting after 2\.0 s: a hang \(lost wake-up\)$/m);
    expect(s.concurrency.perSemaphore.shared_sem).toBe(2);
  });

  it('asyncio-vs-threading-semaphore.py: 2 holders at most on the global threading semaphore, 6 at once across the per-thread asyncio ones', async () => {
    const { report } = await check(join(EXAMPLES, 'asyncio-vs-threading-semaphore.py'), { runs: 20 });
    expect(report.expectationsMet, JSON.stringify(report.notes)).toBe(true);
    expect(report.verdict).toBe('holds');
    expect(report.concurrency).toEqual({ perSemaphore: { 'sem@T0': 2, 'sem@T1': 2, 'sem@T2': 2, sem: 2 }, overall: 6 });
  });

  it('asyncio-semaphore-comparison.py: holds, 2 at a time, the whole program in 1 + 3 units of virtual time', async () => {
    const { report } = await check(join(EXAMPLES, 'asyncio-semaphore-comparison.py'), { runs: 20 });
    expect(report.expectationsMet, JSON.stringify(report.notes)).toBe(true);
    expect(report.verdict).toBe('holds');
    expect(report.makespan).toMatchObject({ min: 4, max: 4 });
    expect(report.concurrency.overall).toBe(2);
  });
});

describe.skipIf(!py311)('programs of our own', () => {
  it("threads sharing one threading.Semaphore(2), and a thread pool's workers sharing a BoundedSemaphore(2): every property holds", async () => {
    const { report } = await check(join(PROGRAMS, 'threading_ok.py'), { runs: 120 });
    expect(report.verdict).toBe('holds');
    expect(report.expectationsMet).toBe(true);
    expect(report.outcomes.map((o) => o.kind)).toEqual(['ok']);
    expect(report.concurrency.perSemaphore).toEqual({ sem: 2 });
    // The pool's own queue and semaphores are the standard library's: virtual, not observed.
    const pool = await check(join(PROGRAMS, 'pool.py'), { runs: 40 });
    expect([pool.report.verdict, pool.report.outcomes.map((o) => o.kind)]).toEqual(['holds', ['ok']]);
    expect(pool.report.concurrency.perSemaphore).toEqual({ limit: 2 });
  });

  it('worker threads sharing one asyncio.Semaphore: over-admission and the hang, each token replaying its run byte for byte', async () => {
    const { report, program } = await check(join(PROGRAMS, 'asyncio_shared.py'), { search: 'bounded', bound: 1 });
    expect(status(report, 'at-most-n')).toBe('violated');
    expect(status(report, 'no-lost-wakeup')).toBe('violated');
    for (const kind of ['over-admission', 'hang']) {
      const m = outcome(report, kind)?.minimal;
      expect(m, kind).toBeDefined();
      const token = decodeToken(m!.replay);
      expect(token.program).toEqual(program.spec);
      // A fresh harness process, from the token alone (and the program named again).
      const replay = await replayToken(token, { program: programOnCommandLine(join(PROGRAMS, 'asyncio_shared.py')) });
      expect(replay.kinds, kind).toContain(kind);
      expect(JSON.stringify([replay.run.trace, replay.run.history, replay.run.output])).toBe(JSON.stringify([m!.trace, m!.history, m!.output]));
    }
    // A token never runs a program by itself.
    const token = decodeToken(outcome(report, 'hang')!.minimal!.replay);
    expect((await rejectionOf(replayToken(token))).problem).toMatch(/^this token replays the program .*asyncio_shared\.py; a token never runs code by itself/);
    expect(liveProcessCount()).toBe(0);
  });

  it('a subprocess or a socket is one line and exit 2; os._exit is outcome error; a changed program does not replay', async () => {
    expect(oneLine(cli('check', 'test/fixtures/programs/uses_subprocess.py'))).toBe(
      'semverify: test/fixtures/programs/uses_subprocess.py: line 2: the program starts another process (import subprocess), which semverify cannot control: it runs the threads, locks, time and event loops of one interpreter, not other processes, sockets or real I/O',
    );
    expect(oneLine(cli('check', 'test/fixtures/programs/uses_socket.py'))).toMatch(/: line 2: the program uses a real socket \(import socket\)/);
    // Reached at run time, not visible in the script: the run stops there, and it is the same one line.
    const hidden = join(tmp, 'hidden_subprocess.py');
    writeFileSync(hidden, "import threading\n\ndef w():\n    __import__('subprocess').run(['true'])\n\nt = threading.Thread(target=w)\nt.start()\nt.join()\n");
    expect(oneLine(cli('check', hidden, '--runs', '3'))).toMatch(
      /^semverify: .*hidden_subprocess\.py: the program starts another process \(hidden_subprocess\.py:4: subprocess\.Popen\), which semverify cannot control$/,
    );

    const { report } = await check(join(PROGRAMS, 'exits_os_exit.py'), { runs: 3 });
    expect(outcome(report, 'error')?.count).toBe(report.runs);
    expect(report.notes.map((n) => n.text).join('\n')).toContain('the program called os._exit(3) (exits_os_exit.py:8)');

    // The token of a program, replayed against a copy that changed since: refused, before anything runs.
    const copy = join(tmp, 'asyncio_shared.py');
    copyFileSync(join(PROGRAMS, 'asyncio_shared.py'), copy);
    const made = await check(copy, { runs: 3 });
    const replay = made.report.outcomes.find((o) => o.minimal !== undefined)!.minimal!.replay;
    writeFileSync(copy, '# changed\n', { flag: 'a' });
    expect(oneLine(cli('replay', replay, '--program', copy))).toMatch(
      /^semverify: --program: .*asyncio_shared\.py is not the program this token was made with: its content changed/,
    );
  });
});
