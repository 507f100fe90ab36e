/**
 * Figure 4: bounded search on the simulated backend, per preemption bound, without (A, "plain")
 * and with (B, "reduced") happens-before pruning. Executions and pruned runs are deterministic: one
 * count each (and every pair is checked to give the same). Times are not: the two searches
 * alternate in pairs, and the time ratio is the median of the per-pair ratios. A pair of small
 * searches takes milliseconds, a large one many seconds: each case gets as many pairs as fit in
 * a time budget (by its first pair's time), within a minimum and a maximum.
 */
import type { Scenario } from '../src/scenario/types.ts';
import { boundedDfs, type DfsResult } from '../src/explore/search/dfs.ts';
import { simRunner } from '../src/backends/sim/runner.ts';
import { builtinProperties } from '../properties/index.ts';
import { type Chunk, interleave, type Loads, note, num, pairRatios, show, showLoad, showRatio, type Spread, spread, timed, withLoad } from './stats.ts';

export interface SearchCount {
  readonly executions: number;
  readonly pruned: number;
  readonly complete: boolean;
}

export interface SearchCase {
  readonly scenario: string;
  readonly bound: number;
  readonly plain: SearchCount;
  readonly reduced: SearchCount;
  /** Every pair gave the same counts (they must: the search is deterministic). */
  readonly deterministic: boolean;
  readonly pairs: number;
  readonly plainS: Spread;
  readonly reducedS: Spread;
  /** Per pair: plain wall time over reduced (above 1: the reduction saves time). */
  readonly timeRatio: Spread;
  readonly timeRatioCpu: Spread;
}

export interface SearchFigure {
  readonly limit: number;
  readonly cases: readonly SearchCase[];
  readonly load: Loads;
}

async function search(s: Scenario, bound: number, reduce: boolean, limit: number): Promise<DfsResult> {
  const runner = simRunner(s, 'gil');
  return boundedDfs(runner, s, builtinProperties, { budget: bound, limit, ...(reduce && { session: 'bench' }) }, () => {});
}

const countOf = (r: DfsResult): SearchCount => ({ executions: r.executions, pruned: r.pruned, complete: r.complete });

export interface PairBudget {
  readonly seconds: number;
  readonly min: number;
  readonly max: number;
}

export async function benchSearch(cases: readonly { scenario: Scenario; bound: number }[], limit: number, budget: PairBudget): Promise<SearchFigure> {
  return withLoad(async () => {
    // Warm-up: compile the search and pruning paths before the first timed pair.
    await search(cases[0]!.scenario, 2, false, 500);
    await search(cases[0]!.scenario, 2, true, 500);
    const out: SearchCase[] = [];
    for (const { scenario, bound } of cases) {
      const counts: { plain: SearchCount[]; reduced: SearchCount[] } = { plain: [], reduced: [] };
      const side = (reduce: boolean, into: SearchCount[]) => (): Promise<Chunk> =>
        timed(async () => {
          const r = await search(scenario, bound, reduce, limit);
          into.push(countOf(r));
          return r.executions;
        });
      const first = await interleave(0, 1, side(false, counts.plain), side(true, counts.reduced));
      const pairS = first.a[0]!.wallS + first.b[0]!.wallS;
      const pairs = Math.min(budget.max, Math.max(budget.min, Math.round(budget.seconds / pairS)));
      note(`figure 4: ${scenario.id} bound ${bound}, ${pairs} pairs, plain vs reduced (at most ${limit} executions)`);
      const rest = await interleave(0, pairs - 1, side(false, counts.plain), side(true, counts.reduced));
      const p = { a: [...first.a, ...rest.a], b: [...first.b, ...rest.b] };
      const same = (xs: SearchCount[]) => xs.every((x) => JSON.stringify(x) === JSON.stringify(xs[0]));
      out.push({
        scenario: scenario.id,
        bound,
        plain: counts.plain[0]!,
        reduced: counts.reduced[0]!,
        deterministic: same(counts.plain) && same(counts.reduced),
        pairs,
        plainS: spread(p.a.map((c) => c.wallS)),
        reducedS: spread(p.b.map((c) => c.wallS)),
        timeRatio: pairRatios(p, (a, b) => a.wallS / b.wallS),
        timeRatioCpu: pairRatios(p, (a, b) => a.cpuS / b.cpuS),
      });
    }
    return { limit, cases: out };
  });
}

export function formatSearch(f: SearchFigure): string[] {
  const out = [
    `4. Bounded search, simulated backend: executions per bound without (plain) and with happens-before pruning (reduced); at most ${num(f.limit)} executions (${showLoad(f.load)})`,
  ];
  for (const c of f.cases) {
    const cut = (x: SearchCount) => (x.complete ? '' : ' (cut at the limit)');
    const ratio =
      c.plain.complete && c.reduced.complete
        ? `${num(c.plain.executions / Math.max(1, c.reduced.executions), 2)}x fewer executions`
        : 'cut: no executions ratio';
    out.push(
      `   ${`${c.scenario}, bound ${c.bound}`.padEnd(36)} plain ${num(c.plain.executions).padStart(6)}${cut(c.plain)}; reduced ${num(c.reduced.executions).padStart(6)} + ${num(c.reduced.pruned)} pruned${cut(c.reduced)}: ${ratio}${c.deterministic ? '' : ' (COUNTS VARIED BETWEEN PAIRS)'}`,
      `   ${''.padEnd(36)} time plain ${show(c.plainS, 3, 's')}, reduced ${show(c.reducedS, 3, 's')}`,
      `   ${''.padEnd(36)} time plain/reduced ${showRatio(c.timeRatio)} wall; ${showRatio(c.timeRatioCpu)} CPU`,
    );
  }
  return out;
}
