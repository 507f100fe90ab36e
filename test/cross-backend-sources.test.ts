/**
 * Decision sources across the two backends. The Node side sends the source spec itself to the
 * harness, which builds the same source over the same generator (src/contract/prng.ts): so a seeded
 * spec takes the same decisions in the simulation (the port of 3.11) and on real CPython 3.11
 * wherever the two reach the same points, and a prefix source enumerates the real interpreter's
 * decision space the way exhaustive search enumerates the simulation's. Skipped, with the reason
 * printed, when no CPython 3.11 is installed.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CPythonBackend } from '../src/backends/cpython/backend.ts';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { liveProcessCount } from '../src/backends/cpython/process.ts';
import type { RunResult } from '../src/contract/run-result.ts';
import { scheduleKey } from '../src/contract/schedule.ts';
import type { SourceSpec } from '../src/backends/run-request.ts';
import type { Runner } from '../src/backends/runner.ts';
import { simRunner } from '../src/backends/sim/runner.ts';
import { nextPrefix } from '../src/scheduler/prefix-source.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { builtin, schedulingPoints } from './helpers.ts';

const py311 = findInterpreter('3.11');
if (!py311) console.warn('[cross-backend-sources] skipped: no CPython 3.11 interpreter found (pyenv or python3 on PATH)');

const points = schedulingPoints;

/** The shared prefix of two point sequences. */
function agreeing(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

describe.skipIf(!py311)('a seeded source spec decides the same on the simulation and on CPython 3.11', () => {
  let real: CPythonBackend;
  beforeAll(async () => {
    real = await CPythonBackend.start(py311!);
  });
  afterAll(async () => {
    await real?.close();
  });

  /** Runs `spec` on both backends; returns both runs. */
  async function both(scenario: Scenario, sim: Runner, spec: SourceSpec): Promise<[RunResult, RunResult]> {
    return [await sim.run({ source: spec, recordTrace: true }), await real.run({ scenario, source: spec, trace: true })];
  }

  it('threading-shared (every point agrees): bounded and random specs give the same applied schedule and history', async () => {
    const scenario = builtin('threading-shared');
    const sim = simRunner(scenario, 'gil');
    const [simDefault, realDefault] = await both(scenario, sim, { kind: 'prefix', prefix: [], budget: 0 });
    // The premise: the two backends reach the same points in the same order.
    expect(points(realDefault)).toEqual(points(simDefault));
    const horizon = simDefault.steps;
    let deviations = 0;
    for (let i = 1; i <= 24; i++) {
      const spec: SourceSpec =
        i % 3 === 0
          ? { kind: 'random', seed: `x:${i}`, pSwitch: 0.05, pDelay: 0.02, pCancel: 0 }
          : { kind: 'bounded', seed: `x:${i}`, preemptions: 1 + (i % 3), horizon, delayShare: 0.3, pCancel: 0 };
      const [s, r] = await both(scenario, sim, spec);
      expect(r.schedule, JSON.stringify(spec)).toEqual(s.schedule);
      expect(
        r.history.map((e) => `${e.thread} ${e.kind} ${e.time}`),
        JSON.stringify(spec),
      ).toEqual(s.history.map((e) => `${e.thread} ${e.kind} ${e.time}`));
      deviations += s.schedule.length;
    }
    // Switches, delays, wake-ups and clock choices were taken: the comparison compared decisions.
    expect(deviations).toBeGreaterThan(48);
  });

  it('asyncio-shared-2-threads: bounded specs whose preemptions fall where the points agree give the same applied schedule', async () => {
    const scenario = builtin('asyncio-shared-2-threads');
    const sim = simRunner(scenario, 'gil');
    const [simDefault, realDefault] = await both(scenario, sim, { kind: 'prefix', prefix: [], budget: 0 });
    // The port has no point after create_future() in acquire (line 379), where real 3.11 has one: the
    // points agree up to there, which a waiter reaches no sooner than its own 9th point.
    const horizon = agreeing(points(simDefault), points(realDefault));
    expect(horizon).toBeGreaterThanOrEqual(8);
    const kinds = new Set<string>();
    for (let i = 1; i <= 30; i++) {
      const spec: SourceSpec = { kind: 'bounded', seed: `y:${i}`, preemptions: 1 + (i % 3), horizon: 8, delayShare: 0.3, pCancel: 0 };
      const [s, r] = await both(scenario, sim, spec);
      expect(r.schedule, JSON.stringify(spec)).toEqual(s.schedule);
      expect(r.status, JSON.stringify(spec)).toBe(s.status);
      for (const d of s.schedule) kinds.add(d.kind === 'switch' && d.thread === 'clock' ? 'clock' : d.kind);
    }
    expect([...kinds].sort()).toEqual(['clock', 'delay', 'switch']);
  });
});

describe.skipIf(!py311)('a prefix source enumerates a single-threaded scenario on CPython 3.11 completely', () => {
  /** Depth-first over decision prefixes (nextPrefix on each run's log): the distinct schedules, and whether the space was exhausted. */
  async function enumerate(run: (spec: SourceSpec) => Promise<RunResult>, limit: number): Promise<{ schedules: string[]; complete: boolean }> {
    const schedules: string[] = [];
    let prefix: number[] | null = [];
    while (prefix !== null && schedules.length < limit) {
      const r = await run({ kind: 'prefix', prefix, budget: 0 });
      expect(r.status, r.detail).toBe('completed');
      expect(r.decisions).toBeDefined();
      schedules.push(scheduleKey(r.schedule));
      prefix = nextPrefix(r.decisions!);
    }
    return { schedules, complete: prefix === null };
  }

  for (const id of ['asyncio-4-tasks', 'asyncio-5-tasks']) {
    it(`${id}: the same schedules as the simulation's exhaustive enumeration`, async () => {
      const scenario = builtin(id);
      const sim = simRunner(scenario, 'gil');
      const b = await CPythonBackend.start(py311!);
      try {
        const onSim = await enumerate((source) => sim.run({ source }), 1000);
        const onReal = await enumerate((source) => b.run({ scenario, source, trace: false }), 1000);
        expect(onSim.complete).toBe(true);
        expect(onReal.complete).toBe(true);
        expect(onSim.schedules.length).toBeGreaterThan(1); // timer ties: more than the default schedule
        expect(new Set(onReal.schedules).size).toBe(onReal.schedules.length); // each prefix a new schedule
        expect(onReal.schedules).toEqual(onSim.schedules);
      } finally {
        await b.close();
      }
    });
  }
});

describe.skipIf(!py311)('the harness cannot be shadowed by a --pythonpath', () => {
  const ROOT = fileURLToPath(new URL('..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'semverify-shadow-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a user's modules named like the harness's are never imported by it; the run completes in the same process", async () => {
    // Each would end the process (exit code 97) if the harness imported it.
    const die = 'import os\nos._exit(97)\n';
    mkdirSync(join(dir, 'semverify_harness'));
    writeFileSync(join(dir, 'semverify_harness', '__init__.py'), die);
    for (const name of ['semverify_launcher', 'protocol', 'contract', 'sources', 'scheduler', 'interpreter', 'run', 'virtual', 'real'])
      writeFileSync(join(dir, `${name}.py`), die);
    const b = await CPythonBackend.start(py311!);
    try {
      const target = { spec: 'good_sem:ThreadSemaphore', pythonpath: [dir, join(ROOT, 'test', 'fixtures', 'targets')] };
      await b.checkTarget(builtin('threading-shared'), target);
      for (const source of [undefined, { kind: 'random', seed: '1', pSwitch: 0.1, pDelay: 0.05, pCancel: 0 } as const]) {
        const r = await b.run({ scenario: builtin('threading-shared'), target, trace: false, ...(source && { source }) });
        expect(r.status, r.detail).toBe('completed');
      }
      expect(b.starts).toBe(1);
    } finally {
      await b.close();
    }
    expect(liveProcessCount()).toBe(0);
  });
});
