/**
 * Figure 6: the seed's claim, side by side. An asyncio.Semaphore(1) shared by 3 threads that each
 * run asyncio.run over-admits: how long until that is seen (a) with real, uncontrolled OS threads,
 * the trial repeated in a loop (bench/baseline/uncontrolled.py), and (b) by semverify on the same
 * interpreter (--backend cpython, seeded), through the explorer's own path (explore() on an inline
 * executor, as checkScenario runs it) with the runner watched for the first over-admitting run.
 * Both clocks start after their interpreter or harness has started; semverify's harness start is
 * printed beside it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../src/scenario/types.ts';
import type { BackendName } from '../src/contract/names.ts';
import type { Runner } from '../src/backends/runner.ts';
import type { SearchMode } from '../src/explore/search/strategy.ts';
import type { Interpreter } from '../src/backends/cpython/interpreters.ts';
import { capabilitiesOf, openRunner } from '../src/backends/registry.ts';
import { explore } from '../src/explore/search/strategy.ts';
import { inlineExecutor } from '../src/explore/pool/executor.ts';
import { analyseRun } from '../src/explore/analyse.ts';
import { OUTCOME } from '../src/contract/outcomes.ts';
import { atMostN, builtinProperties } from '../properties/index.ts';
import { pythonOption } from './cpython.ts';
import { type Loads, note, num, show, showLoad, type Spread, spread, withLoad } from './stats.ts';

const SCRIPT = fileURLToPath(new URL('./baseline/uncontrolled.py', import.meta.url));

/** What uncontrolled.py prints with --json. */
export interface Uncontrolled {
  readonly python: string;
  readonly capSeconds: number;
  readonly trials: number;
  readonly seconds: number;
  readonly firstOverAdmission: { readonly trial: number; readonly seconds: number } | null;
  readonly trialsWith: Readonly<Record<string, number>>;
  readonly leakedThreads: number;
}

export interface FirstFinds {
  readonly backend: BackendName;
  readonly search: SearchMode;
  readonly seeds: readonly number[];
  /** Explorations that found an over-admission within `maxRuns`. */
  readonly found: number;
  readonly maxRuns: number;
  /** Runs up to and including the first over-admitting one (found explorations only). */
  readonly runs: Spread;
  /** Wall seconds from the runner's start to the end of that run. */
  readonly seconds: Spread;
  /** Opening the runner (the harness start, on the real backend). */
  readonly startS: Spread;
}

export interface BaselineFigure {
  readonly scenario: string;
  /** Null: the script could not run (its error is in `error`). */
  readonly uncontrolled: Uncontrolled | null;
  readonly error?: string;
  readonly semverify: readonly FirstFinds[];
  readonly load: Loads;
}

interface Find {
  readonly startS: number;
  readonly found: { readonly runs: number; readonly seconds: number } | null;
}

/** One exploration, stopped at the first run that over-admits. */
async function firstOverAdmission(
  scenario: Scenario,
  backend: BackendName,
  interp: Interpreter | null,
  search: SearchMode,
  seed: number,
  maxRuns: number,
): Promise<Find> {
  const t0 = performance.now(); // wall-clock: bench only
  const runner = await openRunner(scenario, { backend, model: 'gil', ...(backend === 'cpython' && interp !== null ? pythonOption(interp) : {}) });
  const t1 = performance.now();
  try {
    const judged: Scenario = { ...scenario, impl: runner.impl };
    const stop = new AbortController();
    let runs = 0;
    let found: Find['found'] = null;
    // Judged by at-most-n alone: the explorer judges every run again with all the properties, and this must not double that cost.
    const watched: Runner = {
      describe: runner.describe,
      impl: runner.impl,
      version: runner.version,
      run: async (req) => {
        const run = await runner.run(req);
        runs++;
        if (found === null && analyseRun(judged, run, [atMostN]).kinds.includes(OUTCOME.overAdmission)) {
          found = { runs, seconds: (performance.now() - t1) / 1000 };
          stop.abort('found');
        }
        return run;
      },
      ...(runner.endSession !== undefined && { endSession: (s: string) => runner.endSession!(s) }),
      close: () => runner.close(),
    };
    const exec = inlineExecutor(watched, judged, builtinProperties, { signal: stop.signal, deadlineEpochMs: Number.POSITIVE_INFINITY });
    await explore(exec, capabilitiesOf(backend), judged, { mode: search, runs: maxRuns, seed, signal: stop.signal }, () => {});
    return { startS: (t1 - t0) / 1000, found };
  } finally {
    await runner.close();
  }
}

async function finds(scenario: Scenario, backend: BackendName, interp: Interpreter | null, search: SearchMode, seeds: readonly number[]): Promise<FirstFinds> {
  const maxRuns = 4000;
  note(`figure 6: semverify ${backend} --search ${search}, seeds ${seeds.join(' ')}: time to the first over-admission`);
  const all: Find[] = [];
  for (const seed of seeds) all.push(await firstOverAdmission(scenario, backend, interp, search, seed, maxRuns));
  const hits = all.flatMap((f) => (f.found === null ? [] : [f.found]));
  return {
    backend,
    search,
    seeds,
    found: hits.length,
    maxRuns,
    runs: spread(hits.map((h) => h.runs)),
    seconds: spread(hits.map((h) => h.seconds)),
    startS: spread(all.map((f) => f.startS)),
  };
}

function uncontrolled(interp: Interpreter, capSeconds: number): { result: Uncontrolled | null; error?: string } {
  note(`figure 6: uncontrolled threads on CPython ${interp.version}, until the first over-admission or ${capSeconds} s`);
  const r = spawnSync(interp.path, [SCRIPT, '--seconds', String(capSeconds), '--json'], { encoding: 'utf8', timeout: (capSeconds + 60) * 1000 });
  try {
    return { result: JSON.parse(r.stdout) as Uncontrolled };
  } catch {
    return { result: null, error: `${interp.path} ${SCRIPT} exited ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').at(-1) ?? ''}` };
  }
}

export async function benchBaseline(scenario: Scenario, interp: Interpreter | null, quick: boolean): Promise<BaselineFigure> {
  const repeats = quick ? 2 : 5;
  const same = Array.from({ length: repeats }, () => 1);
  const seeds = Array.from({ length: repeats }, (_, i) => i + 1);
  return withLoad(async () => {
    const base = interp === null ? { result: null, error: 'no python3 found' } : uncontrolled(interp, quick ? 5 : 60);
    const semverify: FirstFinds[] = [];
    if (interp !== null) {
      // The default search is deterministic: the same seed repeated measures the time; other seeds change only its sampling.
      semverify.push(await finds(scenario, 'cpython', interp, 'auto', same));
      semverify.push(await finds(scenario, 'cpython', interp, 'random', seeds));
    }
    semverify.push(await finds(scenario, 'sim', null, 'auto', same));
    return { scenario: scenario.id, uncontrolled: base.result, ...(base.error !== undefined && { error: base.error }), semverify };
  });
}

export function formatBaseline(f: BaselineFigure): string[] {
  const out = [`6. Time to the first over-admission, ${f.scenario} (asyncio.Semaphore(1) shared by 3 threads, each in asyncio.run; ${showLoad(f.load)})`];
  const u = f.uncontrolled;
  if (u === null) out.push(`   uncontrolled OS threads: not run (${f.error})`);
  else {
    const first =
      u.firstOverAdmission === null
        ? `none in ${num(u.trials)} trials over ${num(u.seconds, 1)} s`
        : `first at trial ${num(u.firstOverAdmission.trial)}, after ${num(u.firstOverAdmission.seconds, 2)} s`;
    const counts = Object.entries(u.trialsWith)
      .map(([k, n]) => `${k} ${num(n)}`)
      .join(', ');
    out.push(
      `   uncontrolled OS threads, CPython ${u.python} (bench/baseline/uncontrolled.py, cap ${num(u.capSeconds)} s): ${first}`,
      `   ${''.padEnd(40)} trials with: ${counts}${u.leakedThreads > 0 ? `; ${u.leakedThreads} threads left running` : ''}`,
    );
  }
  for (const s of f.semverify) {
    const what = `semverify --backend ${s.backend} --search ${s.search}`;
    const seeds = s.seeds.every((x) => x === s.seeds[0]) ? `seed ${s.seeds[0]} x${s.seeds.length}` : `seeds ${s.seeds[0]}–${s.seeds.at(-1)}`;
    if (s.found === 0) {
      out.push(`   ${what} (${seeds}): none within ${num(s.maxRuns)} runs`);
      continue;
    }
    out.push(
      `   ${what} (${seeds}): found in ${s.found}/${s.seeds.length}; at run ${show(s.runs)}`,
      `   ${''.padEnd(40)} after ${show(s.seconds, 3, 's')}; runner start ${show(s.startS, 3, 's')}`,
    );
  }
  return out;
}
