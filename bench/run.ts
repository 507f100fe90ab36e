/**
 * `npm run bench`: throughput and time-to-first-counterexample figures. Prints absolute
 * numbers and ratios; asserts nothing (speed is never a pass/fail test).
 */
import { builtinScenarios } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { analyseRun } from '../src/explore/analyse.ts';
import { sourceFor } from '../src/explore/search/plan.ts';
import { runSim } from '../src/backends/sim/run.ts';
import { buildSource } from '../src/backends/run-request.ts';
import { defaultSource } from '../src/scheduler/source.ts';
import { builtinProperties } from '../properties/index.ts';
import { benchCPython } from './cpython.ts';
import { benchSearch } from './search.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5000);

function scenario(id: string): Scenario {
  const s = builtinScenarios().find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
}

interface Figures {
  readonly runs: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly distinct: number;
  /** Per outcome kind: the run and wall time at which it was first seen (properties checked only). */
  readonly first: ReadonlyMap<string, { readonly run: number; readonly seconds: number }> | null;
}

function explore(s: Scenario, runs: number, withProperties: boolean): Figures {
  const horizon = Math.max(10, runSim(s, { source: defaultSource }).steps);
  const distinct = new Set<string>();
  const first = new Map<string, { run: number; seconds: number }>();
  const t0 = performance.now(); // wall-clock: bench only
  for (let i = 0; i < runs; i++) {
    const run = runSim(s, { source: buildSource(sourceFor(1, i, horizon, false)) });
    distinct.add(JSON.stringify(run.schedule));
    if (withProperties) {
      const a = analyseRun(s, run, builtinProperties);
      for (const kind of a.kinds) if (kind !== 'ok' && !first.has(kind)) first.set(kind, { run: i + 1, seconds: (performance.now() - t0) / 1000 });
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return { runs, seconds, perSecond: runs / seconds, distinct: distinct.size, first: withProperties ? first : null };
}

function line(label: string, f: Figures): string {
  const head = `${label.padEnd(44)} ${f.runs} runs in ${f.seconds.toFixed(2)} s = ${f.perSecond.toFixed(0).padStart(6)} runs/s, ${f.distinct} distinct schedules`;
  if (!f.first) return head;
  const firsts = [...f.first].map(([kind, x]) => `${kind} at run ${x.run} (${(x.seconds * 1000).toFixed(1)} ms)`);
  return `${head}\n${' '.repeat(46)}first counterexample per kind: ${firsts.length ? firsts.join(', ') : `none in ${f.runs} runs`}`;
}

async function main(): Promise<void> {
  console.log(`semverify bench (simulated backend, ${RUNS} runs each; BENCH_RUNS to change)`);
  const shared = scenario('asyncio-shared-3-threads');
  const threading = scenario('threading-shared');
  explore(shared, 300, true); // warm-up: let the JIT settle before measuring
  const sharedRaw = explore(shared, RUNS, false);
  const sharedChecked = explore(shared, RUNS, true);
  const threadingRaw = explore(threading, RUNS, false);
  const threadingChecked = explore(threading, RUNS, true);
  console.log(line('asyncio-shared-3-threads, runs only', sharedRaw));
  console.log(line('asyncio-shared-3-threads, runs + properties', sharedChecked));
  console.log(line('threading-shared, runs only', threadingRaw));
  console.log(line('threading-shared, runs + properties', threadingChecked));
  console.log(
    `ratio: checking the properties costs ${(sharedRaw.perSecond / sharedChecked.perSecond).toFixed(2)}x (asyncio-shared-3-threads), ${(threadingRaw.perSecond / threadingChecked.perSecond).toFixed(2)}x (threading-shared)`,
  );
  await benchSearch([scenario('asyncio-shared-2-threads'), shared, threading], [1, 2, 3], Number(process.env.BENCH_SEARCH_LIMIT ?? 20_000));
  await benchCPython(shared, threading, { [shared.id]: sharedChecked.perSecond, [threading.id]: threadingChecked.perSecond });
}

await main();
