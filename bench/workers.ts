/**
 * Figure 3: what --workers buys. The same check with one thread (A) and on a shared WorkerPool(2)
 * (B, as the CLI passes its pool), in interleaved pairs, after the pool's threads have started
 * (the CLI starts them once per command). Both reports must be the same document but for the wall
 * time (`seconds`): that is checked on every pair and printed, never assumed.
 */
import type { Scenario } from '../src/scenario/types.ts';
import type { ScenarioReport } from '../src/explore/report-types.ts';
import type { SearchMode } from '../src/explore/search/strategy.ts';
import type { BackendName } from '../src/contract/names.ts';
import { checkScenario, type CheckOptions } from '../src/explore/check.ts';
import { WorkerPool } from '../src/explore/pool/worker-pool.ts';
import type { Interpreter } from '../src/backends/cpython/interpreters.ts';
import { pythonOption } from './cpython.ts';
import { type Chunk, interleave, type Loads, note, num, pairRatios, show, showLoad, showRatio, type Spread, spread, timed, withLoad } from './stats.ts';

export const POOL_SIZE = 2;

export interface WorkersCase {
  readonly backend: BackendName;
  readonly scenario: string;
  readonly search: SearchMode;
  readonly runs: number;
  readonly pairs: number;
  readonly oneThreadS: Spread;
  readonly poolS: Spread;
  /** Per pair: one thread's wall time over the pool's. */
  readonly speedup: Spread;
  /** Pairs whose two reports were the same document but for `seconds`. */
  readonly identical: number;
  readonly firstDifference?: string;
}

export interface WorkersFigure {
  readonly poolSize: number;
  /** The pool's first use: starting its threads (and, from TypeScript sources, their compiler) with a small check. */
  readonly poolStartS: number;
  readonly cases: readonly WorkersCase[];
  readonly load: Loads;
}

/** A report as JSON without its wall time: what must not depend on --workers. */
function canonical(r: ScenarioReport): string {
  const { seconds: _seconds, ...rest } = r;
  return JSON.stringify(rest);
}

/** The first top-level field where two documents differ (for the message only). */
function difference(a: ScenarioReport, b: ScenarioReport): string {
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter((k) => k !== 'seconds');
  const k = keys.find((key) => JSON.stringify(ra[key]) !== JSON.stringify(rb[key]));
  return k === undefined ? 'field order' : `field ${k}`;
}

interface Case {
  readonly backend: BackendName;
  readonly search: SearchMode;
  readonly runs: number;
  readonly pairs: number;
}

export async function benchWorkers(scenario: Scenario, interp: Interpreter | null, quick: boolean): Promise<WorkersFigure> {
  const simRuns = quick ? 4000 : 20_000;
  const cases: Case[] = [
    { backend: 'sim', search: 'random', runs: simRuns, pairs: quick ? 1 : 4 },
    { backend: 'sim', search: 'auto', runs: simRuns, pairs: quick ? 1 : 4 },
    ...(interp === null ? [] : [{ backend: 'cpython' as const, search: 'random' as const, runs: quick ? 60 : 300, pairs: quick ? 1 : 3 }]),
  ];
  return withLoad(async () => {
    const pool = new WorkerPool(POOL_SIZE);
    try {
      const base = (c: Case, runs: number): CheckOptions => ({
        seed: 1,
        backend: c.backend,
        model: 'gil',
        ...(c.backend === 'cpython' && interp !== null ? pythonOption(interp) : {}),
        search: c.search,
        runs,
        confirm: false,
      });
      // inlineMs 0: every unit goes to the pool, so that its threads have surely started before any pair.
      const start = await timed(async () => (await checkScenario(scenario, { ...base(cases[0]!, 2000), pool, inlineMs: 0, poolFromRuns: 0 })).runs);
      const out: WorkersCase[] = [];
      for (const c of cases) {
        note(`figure 3: ${c.backend} --search ${c.search}, ${c.pairs} pairs of ${c.runs} runs, 1 thread vs a pool of ${POOL_SIZE}`);
        const reports: { a: ScenarioReport[]; b: ScenarioReport[] } = { a: [], b: [] };
        // The warm-up pair (i < 0) is a fifth of the size: it is there to compile and fill caches, not to measure.
        const runsOf = (i: number) => (i < 0 ? Math.max(50, Math.floor(c.runs / 5)) : c.runs);
        const side =
          (extra: Pick<CheckOptions, 'workers' | 'pool'>, into: ScenarioReport[]) =>
          (i: number): Promise<Chunk> =>
            timed(async () => {
              const r = await checkScenario(scenario, { ...base(c, runsOf(i)), ...extra });
              if (i >= 0) into.push(r);
              return r.runs;
            });
        const p = await interleave(1, c.pairs, side({ workers: 1 }, reports.a), side({ pool }, reports.b));
        const same = reports.a.filter((r, i) => canonical(r) === canonical(reports.b[i]!)).length;
        const differs = reports.a.findIndex((r, i) => canonical(r) !== canonical(reports.b[i]!));
        out.push({
          backend: c.backend,
          scenario: scenario.id,
          search: c.search,
          runs: c.runs,
          pairs: c.pairs,
          oneThreadS: spread(p.a.map((x) => x.wallS)),
          poolS: spread(p.b.map((x) => x.wallS)),
          speedup: pairRatios(p, (a, b) => a.wallS / b.wallS),
          identical: same,
          ...(differs >= 0 && { firstDifference: difference(reports.a[differs]!, reports.b[differs]!) }),
        });
      }
      return { poolSize: POOL_SIZE, poolStartS: start.wallS, cases: out };
    } finally {
      await pool.close();
    }
  });
}

export function formatWorkers(f: WorkersFigure): string[] {
  const out = [
    `3. --workers: one thread vs a shared WorkerPool(${f.poolSize}), whole checks, interleaved pairs (${showLoad(f.load)})`,
    `   pool start (first use, a 2,000-run check, not in any pair): ${num(f.poolStartS, 2)} s`,
  ];
  for (const c of f.cases) {
    const same =
      c.identical === c.pairs ? `identical in ${c.pairs}/${c.pairs} pairs` : `DIFFER in ${c.pairs - c.identical}/${c.pairs} pairs (${c.firstDifference})`;
    out.push(
      `   ${`${c.backend} ${c.scenario} --search ${c.search}, ${num(c.runs)} runs`.padEnd(58)} 1 thread ${show(c.oneThreadS, 2, 's')}`,
      `   ${''.padEnd(58)} pool     ${show(c.poolS, 2, 's')}`,
      `   ${''.padEnd(58)} speed-up ${showRatio(c.speedup)}; reports minus seconds: ${same}`,
    );
  }
  return out;
}
