/**
 * The scenario language on both backends. The simulation's ports of the new paths (threading's
 * acquire(blocking, timeout) and release(n), asyncio.wait_for and wait, spawn, await, cancel with a
 * message) must do what the real interpreter does: the same scheduling points, so that a seeded
 * source takes the same decisions and a schedule replays across backends; the same histories; the
 * same outcome classes. Parts that need an interpreter are skipped, with the reason printed, when
 * it is not installed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { realBackendFor, schedulingPoints } from './helpers.ts';
import { CPythonBackend } from '../src/backends/cpython/backend.ts';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { simRunner } from '../src/backends/sim/runner.ts';
import { ScenarioProgram } from '../src/backends/sim/interpret.ts';
import type { SourceSpec } from '../src/backends/run-request.ts';
import type { RunResult } from '../src/contract/run-result.ts';
import { checkScenario, type CheckOptions } from '../src/explore/check.ts';
import { findImplementation } from '../src/ports/registry.ts';
import { PyRuntime } from '../src/runtime/runtime.ts';
import { OPERATIONS } from '../src/scenario/read-ops.ts';
import { scenarioFromFile } from '../src/scenario/scenario-file.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { SparseSource } from '../src/scheduler/sparse-source.ts';

const py311 = findInterpreter('3.11');
const py38 = findInterpreter('3.8');
if (!py311) console.warn('[language] real-backend parts skipped: no CPython 3.11 interpreter found (pyenv or python3 on PATH)');
const TOUR = scenarioFromFile(new URL('../scenarios/extra/language-tour.json', import.meta.url).pathname);

/** Two plain threads on a threading Semaphore(1) and a BoundedSemaphore(2): every new threading path, timeouts racing releases. */
const THREADING: Scenario = {
  id: 'threading-paths',
  title: 'acquire(False), acquire(timeout), release(n) on threading semaphores',
  semaphores: { t: { kind: 'threading', value: 1 }, b: { kind: 'threading', value: 2, bounded: true } },
  threads: [
    {
      name: 'P',
      loop: false,
      tasks: [
        {
          name: 'p1',
          ops: [
            { op: 'acquire', sem: 't' },
            { op: 'sleep', seconds: 0.3 },
            { op: 'release', sem: 't', n: 2 },
            { op: 'acquire', sem: 'b' },
            { op: 'acquire', sem: 'b' },
            { op: 'release', sem: 'b', n: 2 },
          ],
        },
        {
          name: 'p2',
          ops: [
            { op: 'acquire', sem: 't', blocking: false },
            { op: 'release', sem: 't' },
            { op: 'release', sem: 'b', n: 1 },
          ],
        },
      ],
    },
    {
      name: 'Q',
      loop: false,
      tasks: [
        {
          name: 'q',
          ops: [
            { op: 'sleep', seconds: 0.1 },
            { op: 'acquire', sem: 't', blocking: false },
            { op: 'acquire', sem: 't', timeout: 0.1 },
            { op: 'acquire', sem: 't', timeout: 1 },
            { op: 'acquire', sem: 't', timeout: 0 },
            { op: 'release', sem: 't' },
          ],
        },
      ],
    },
  ],
};

function history(run: RunResult): string[] {
  return run.history.map((e) => `${e.thread}/${e.task ?? '-'} ${e.kind} ${'sem' in e ? e.sem : JSON.stringify(e.tag)} t=${e.time}`);
}

describe.skipIf(!py311)('the 3.11 port and real CPython 3.11 agree on the new paths', () => {
  const backend = realBackendFor(py311);

  it('threading acquire(False), acquire(timeout) and release(n): the same points, and seeded sources the same schedules and histories', async () => {
    const real = backend();
    const sim = simRunner(THREADING, 'gil');
    const simDefault = await sim.run({ schedule: [], recordTrace: true });
    const realDefault = await real.run({ scenario: THREADING, schedule: [], trace: true });
    expect(schedulingPoints(realDefault)).toEqual(schedulingPoints(simDefault));
    // The default schedule reaches every new path: a refusal, timeouts that expire, release(2), a BoundedSemaphore's refusal.
    expect(history(simDefault).join('\n')).toMatch(/Q\/- not-acquired t[\s\S]*Q\/- waiting t[\s\S]*Q\/- not-acquired t[\s\S]*P\/- error b/);
    let deviations = 0;
    for (let i = 1; i <= 24; i++) {
      const spec: SourceSpec =
        i % 3 === 0
          ? { kind: 'random', seed: `lang:${i}`, pSwitch: 0.05, pDelay: 0.02, pCancel: 0 }
          : { kind: 'bounded', seed: `lang:${i}`, preemptions: 1 + (i % 3), horizon: simDefault.steps, delayShare: 0.3, pCancel: 0 };
      const s = await sim.run({ source: spec, recordTrace: true });
      const r = await real.run({ scenario: THREADING, source: spec, trace: true });
      expect(r.schedule, JSON.stringify(spec)).toEqual(s.schedule);
      expect(history(r), JSON.stringify(spec)).toEqual(history(s));
      deviations += s.schedule.length;
    }
    expect(deviations).toBeGreaterThan(24);
  });

  it('the language tour (every op, a loop thread and two plain threads): the same outcome classes on both', async () => {
    const onSim = await checkScenario(TOUR, { seed: 1, backend: 'sim', model: 'gil', confirm: false });
    const onReal = await checkScenario(TOUR, { seed: 1, backend: 'cpython', model: 'gil', python: py311!.path });
    for (const r of [onSim, onReal]) {
      expect(r.expectationsMet, r.notes.map((n) => n.text).join('; ')).toBe(true);
      expect(r.outcomes.map((o) => o.kind).sort()).toEqual(['records', 'wakeup-latency']);
    }
    expect(onReal.properties.map((p) => `${p.name} ${p.status}`)).toEqual(onSim.properties.map((p) => `${p.name} ${p.status}`));
    // Its minimal counterexample shows the same history on both: the burst of GH-111694.
    const recordsOf = (r: typeof onSim) =>
      r.outcomes
        .find((o) => o.kind === 'records')!
        .minimal!.history.filter((e) => e.kind === 'record')
        .map((e) => ('tag' in e ? e.tag : ''));
    expect(recordsOf(onReal)).toEqual(['1', '2', '4', '3', 'S', 'A']);
    expect(recordsOf(onSim)).toEqual(recordsOf(onReal));
  });
});

describe.skipIf(!py311)('timeouts and parked waiters, judged on the real backend (CPython 3.11)', () => {
  /** A holds the permit 0.5 s; B's acquire gives up after 0.1 s (unless B got in first), then B releases (a release without acquire if it gave up). */
  const timed: Scenario = {
    id: 'timed',
    title: 'a timed-out acquire',
    semaphores: { s: { kind: 'threading', value: 1 } },
    threads: [
      { name: 'A', loop: false, tasks: [{ name: 'a', ops: [{ op: 'hold', seconds: 0.5 }] }] },
      { name: 'B', loop: false, tasks: [{ name: 'b', ops: [{ op: 'acquire', timeout: 0.1 }, { op: 'release' }] }] },
    ],
    explore: { runs: 20 },
  };
  const real = (extra: Partial<CheckOptions> = {}): CheckOptions => ({ seed: 1, backend: 'cpython', model: 'gil', python: py311!.path, ...extra });

  it('a timed-out acquire takes no permit; one that keeps a permit is a lost permit (permit-conservation)', async () => {
    const good = await checkScenario(timed, real());
    expect(good.verdict).toBe('holds');
    const leaky = await checkScenario(
      timed,
      real({ target: 'leaky_sem:LeakyTimeoutSemaphore', pythonpath: [new URL('./fixtures/targets', import.meta.url).pathname] }),
    );
    const lost = leaky.outcomes.find((o) => o.kind === 'lost-permit');
    expect(lost?.minimal?.violations.find((v) => v.property === 'permit-conservation')?.message).toMatch(
      /1 permit lost; 1 acquire ended without a permit \(timed out or refused\)/,
    );
  });

  it('a waiter declared parked ends the run without a hang being flagged, on both backends; undeclared, it is a hang', async () => {
    const stuck: Scenario = {
      id: 'stuck',
      title: 'B waits for a permit A never gives back',
      semaphores: { s: { kind: 'asyncio', value: 1, scope: 'per-thread' } },
      threads: [
        {
          name: 'T0',
          loop: true,
          tasks: [
            { name: 'A', ops: [{ op: 'acquire' }] },
            { name: 'B', ops: [{ op: 'acquire' }] },
          ],
        },
      ],
    };
    for (const backend of ['sim', 'cpython'] as const) {
      const opts = backend === 'sim' ? ({ seed: 1, backend, model: 'gil', confirm: false } as const) : real();
      const declared = await checkScenario({ ...stuck, expect: { parked: ['B'] } }, opts);
      expect(declared.verdict, backend).toBe('holds');
      const undeclared = await checkScenario(stuck, opts);
      expect(
        undeclared.outcomes.map((o) => o.kind),
        backend,
      ).toEqual(['hang']);
    }
  });
});

describe('test_acquire_fifo_order_4 on the 3.11 port (no interpreter needed)', () => {
  it('records [1, 2, 4, 3], and the wake-up latency that causes it, in its only schedule', async () => {
    const scenario = scenarioFromFile(new URL('../scenarios/cpython-tests/test_acquire_fifo_order_4.json', import.meta.url).pathname);
    const r = await checkScenario(scenario, { seed: 1, backend: 'sim', model: 'gil', confirm: false });
    expect(r.coverage).toMatchObject({ method: 'exhaustive', complete: true });
    expect(r.properties.filter((p) => p.status === 'violated').map((p) => p.name)).toEqual(['wakeup-latency', 'records']);
    const minimal = r.outcomes.find((o) => o.kind === 'records')!.minimal!;
    expect(minimal.history.flatMap((e) => (e.kind === 'record' ? [e.tag] : []))).toEqual(['1', '2', '4', '3']);
    expect(minimal.violations.find((v) => v.property === 'wakeup-latency')?.message).toMatch(
      /T0\/c3 was due .* while T0\/c4, created at step \d+, after that, ran/,
    );
  });
});

describe('cancel(msg) before 3.9 fails the run, on both backends, rather than cancelling without a message', () => {
  const scenario: Scenario = {
    id: 'cancel-msg',
    title: 'cancel with a message',
    semaphores: { s: { kind: 'asyncio', value: 0, scope: 'per-thread' } },
    threads: [
      {
        name: 'T0',
        loop: true,
        tasks: [
          { name: 'A', ops: [{ op: 'acquire' }] },
          { name: 'B', ops: [{ op: 'cancel', task: 'A', msg: 'why' }] },
        ],
      },
    ],
  };

  it('a port that follows 3.8 (the 3.11 ports, told so); the 3.11 port itself cancels', async () => {
    const port = findImplementation('cpython-3.11')!;
    const rt = new PyRuntime({ model: 'gil', maxSteps: 1000, source: new SparseSource([]), recordTrace: false });
    new ScenarioProgram(rt, scenario, { ...port, id: 'cpython-3.8', follows: '3.8.18' });
    expect(rt.machine.run()).toMatchObject({ status: 'error', failure: { failure: { kind: 'code-raised', exception: 'TypeError' } } });
    const ok = await simRunner(scenario, 'gil').run({ schedule: [] });
    expect(ok.status).toBe('completed');
    expect(ok.history.map((e) => e.kind)).toEqual(['acquire', 'waiting', 'cancelled']);
  });

  it.skipIf(!py38)('real CPython 3.8', async () => {
    const b = await CPythonBackend.start(py38!);
    try {
      const r = await b.run({ scenario, schedule: [], trace: false });
      expect(r.status).toBe('error');
      expect(r.failure).toEqual({ kind: 'code-raised', exception: 'TypeError' });
      expect(r.detail).toMatch(/^task B: A\.cancel\(msg\) raised TypeError \(cancel's msg is 3\.9\+\)/);
    } finally {
      await b.close();
    }
  });
});

describe('docs/scenario-format.md', () => {
  it('documents every operation, and every argument of acquire, release and cancel, with the Python it stands for', () => {
    const doc = readFileSync(new URL('../docs/scenario-format.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Operations'), doc.indexOf('## Limits'));
    const rows = section.split('\n').filter((l) => l.startsWith('| `{"op":'));
    const documented = new Set(rows.map((l) => /"op":"([a-z]+)"/.exec(l)![1]));
    expect([...documented].sort()).toEqual([...OPERATIONS].sort());
    for (const arg of ['"timeout"', '"blocking"', '"n"', '"msg"'])
      expect(
        rows.some((r) => r.includes(arg)),
        arg,
      ).toBe(true);
    // Each row says what it is in Python (code with a call or a statement), or why it is refused.
    for (const row of rows) expect(row.split('|').slice(2).join('|'), row).toMatch(/`[^`]*(\(|with |for |async )[^`]*`|refused/);
  });
});
