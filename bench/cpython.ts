/**
 * Real-backend figures: runs per second through the harness (2 and 3 threads) and time to
 * the first counterexample of each kind on the real interpreter. Printed, never asserted.
 */
import type { Scenario } from '../src/scenario/types.ts';
import { defaultInterpreter } from '../src/backends/cpython/interpreters.ts';
import { CPythonBackend } from '../src/backends/cpython/backend.ts';
import { analyseRun } from '../src/explore/analyse.ts';
import { builtinProperties } from '../properties/index.ts';
import { builtinScenarios } from '../src/scenario/load.ts';

const RUNS = Number(process.env.BENCH_CPYTHON_RUNS ?? 500);

/** `simRunsPerSecond`: the simulated backend's rate (properties checked) per scenario id, for the ratio line. */
export async function benchCPython(shared3: Scenario, threading: Scenario, simRunsPerSecond: Readonly<Record<string, number>>): Promise<void> {
  const interp = defaultInterpreter();
  if (!interp) {
    console.log('cpython backend: no python3 found, not measured');
    return;
  }
  const shared2 = builtinScenarios().find((s) => s.id === 'asyncio-shared-2-threads')!;
  const t0 = performance.now(); // wall-clock: bench only
  const backend = await CPythonBackend.start(interp);
  console.log(
    `\ncpython backend (CPython ${backend.info.version}, point model ${backend.info.model}; harness start ${(performance.now() - t0).toFixed(0)} ms; ${RUNS} runs each, BENCH_CPYTHON_RUNS to change)`,
  );
  try {
    for (const s of [shared2, shared3, threading]) {
      const first = new Map<string, { run: number; ms: number }>();
      const start = performance.now();
      for (let i = 0; i < RUNS; i++) {
        const run = await backend.run({ scenario: s, source: { kind: 'random', seed: String(i + 1), pSwitch: 0.05, pDelay: 0.02, pCancel: 0 }, trace: false });
        const a = analyseRun({ ...s, impl: `cpython-${interp.short}` }, run, builtinProperties);
        for (const k of a.kinds) if (k !== 'ok' && !first.has(k)) first.set(k, { run: i + 1, ms: performance.now() - start });
      }
      const seconds = (performance.now() - start) / 1000;
      const firsts = [...first].map(([k, x]) => `${k} at run ${x.run} (${x.ms.toFixed(0)} ms)`).join(', ') || `none in ${RUNS} runs`;
      console.log(
        `${s.id.padEnd(44)} ${RUNS} runs in ${seconds.toFixed(2)} s = ${(RUNS / seconds).toFixed(0).padStart(5)} runs/s; first counterexample per kind: ${firsts}`,
      );
      const sim = simRunsPerSecond[s.id];
      if (sim !== undefined) console.log(`${' '.repeat(46)}ratio: the simulated backend is ${(sim / (RUNS / seconds)).toFixed(1)}x faster on this scenario`);
    }
  } finally {
    await backend.close();
  }
}
