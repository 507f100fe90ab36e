/**
 * Figure 2: the real backend's runs per second, measured the way a user runs a check
 * (checkScenario, --backend cpython --search random --workers 1 --no-confirm), on 2 and 3 threads.
 * The rate is read off the check's progress: from the end of its first run to the end of its last,
 * so it leaves out the harness start (measured on its own here) and the shrinking of
 * counterexamples after the exploration (in the whole check's wall time, printed beside it).
 * Each real check is paired with the same check on the simulated backend: the ratio of the two.
 */
import type { Scenario } from '../src/scenario/types.ts';
import type { CheckOptions } from '../src/explore/check.ts';
import { checkScenario } from '../src/explore/check.ts';
import type { ScenarioReport } from '../src/explore/report-types.ts';
import { openRunner } from '../src/backends/registry.ts';
import type { Interpreter } from '../src/backends/cpython/interpreters.ts';
import { type Chunk, interleave, type Loads, note, num, pairRatios, perWallS, show, showLoad, showRatio, type Spread, spread, withLoad } from './stats.ts';

/** A check timed from outside and through its progress. */
export interface TimedCheck {
  readonly report: ScenarioReport;
  /** Runs after the first, and the wall seconds from the end of the first run to the end of the last. */
  readonly explored: Chunk;
  /** The whole check: runner start, exploration, shrinking, report. */
  readonly wallS: number;
}

export async function timedCheck(scenario: Scenario, opts: CheckOptions): Promise<TimedCheck> {
  let first = Number.NaN;
  let last = Number.NaN;
  let most = 0;
  const t0 = performance.now(); // wall-clock: bench only
  const report = await checkScenario(scenario, {
    ...opts,
    onProgress: (done) => {
      const now = performance.now();
      if (done === 1) first = now;
      // The check reports (total, total) once more at its very end: only the first arrival counts.
      if (done > most) {
        most = done;
        last = now;
      }
    },
  });
  const wallS = (performance.now() - t0) / 1000;
  return { report, explored: { work: most - 1, wallS: (last - first) / 1000, cpuS: Number.NaN }, wallS };
}

export interface RealRate {
  readonly scenario: string;
  readonly runs: number;
  readonly pairs: number;
  readonly runsPerS: Spread;
  /** The whole check, harness start and shrinking included. */
  readonly checkWallS: Spread;
  readonly simRuns: number;
  readonly simRunsPerS: Spread;
  /** Per pair: simulated runs/s over real runs/s. */
  readonly simOverReal: Spread;
}

export interface CPythonFigure {
  readonly python: string;
  /** Starting the harness (openRunner, then close): what every real check pays once per thread. */
  readonly harnessStartS: Spread;
  readonly rates: readonly RealRate[];
  readonly load: Loads;
}

/** --python by exact version: resolved from the cached list of interpreters, as `--python 3.11.7` is. */
export function pythonOption(interp: Interpreter): { readonly python: string } {
  return { python: interp.version };
}

export async function benchCPython(scenarios: readonly Scenario[], interp: Interpreter, quick: boolean): Promise<CPythonFigure> {
  const runs = quick ? 100 : 400;
  const simRuns = quick ? 1000 : 4000;
  const pairs = quick ? 2 : 5;
  return withLoad(async () => {
    const starts: number[] = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const t0 = performance.now(); // wall-clock: bench only
      const runner = await openRunner(scenarios[0]!, { backend: 'cpython', model: 'gil', ...pythonOption(interp) });
      await runner.close();
      starts.push((performance.now() - t0) / 1000);
    }
    const rates: RealRate[] = [];
    for (const s of scenarios) {
      note(`figure 2: ${s.id}, ${pairs} pairs: ${runs} runs on CPython ${interp.version}, ${simRuns} simulated`);
      const walls: number[] = [];
      const real = async (): Promise<Chunk> => {
        const c = await timedCheck(s, {
          seed: 1,
          backend: 'cpython',
          model: 'gil',
          ...pythonOption(interp),
          search: 'random',
          runs,
          workers: 1,
          confirm: false,
        });
        walls.push(c.wallS);
        return c.explored;
      };
      const sim = async (): Promise<Chunk> =>
        (await timedCheck(s, { seed: 1, backend: 'sim', model: 'gil', search: 'random', runs: simRuns, workers: 1, confirm: false })).explored;
      const p = await interleave(1, pairs, real, sim);
      rates.push({
        scenario: s.id,
        runs,
        pairs,
        runsPerS: spread(p.a.map(perWallS)),
        checkWallS: spread(walls.slice(-pairs)),
        simRuns,
        simRunsPerS: spread(p.b.map(perWallS)),
        simOverReal: pairRatios(p, (a, b) => perWallS(b) / perWallS(a)),
      });
    }
    return { python: interp.version, harnessStartS: spread(starts), rates };
  });
}

export function formatCPython(f: CPythonFigure): string[] {
  const out = [
    `2. Real backend runs/s, CPython ${f.python} (checkScenario --search random --workers 1 --no-confirm; rate from the end of the first run to the end of the last; ${showLoad(f.load)})`,
    `   harness start (open + close)        ${show(f.harnessStartS, 3, 's')}`,
  ];
  for (const r of f.rates) {
    out.push(
      `   ${r.scenario.padEnd(34)}  ${show(r.runsPerS, 0, 'runs/s')}, ${num(r.runs)} runs, ${r.pairs} pairs`,
      `   ${''.padEnd(34)}  whole check ${show(r.checkWallS, 2, 's')} (harness start and shrinking included)`,
      `   ${''.padEnd(34)}  sim, same check: ${show(r.simRunsPerS, 0, 'runs/s')} (${num(r.simRuns)} runs)`,
      `   ${''.padEnd(34)}  sim / real: ${showRatio(r.simOverReal)} (median of per-pair ratios)`,
    );
  }
  return out;
}
