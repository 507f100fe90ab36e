/**
 * Bounded search figures: executions and wall time per preemption bound, with and without
 * happens-before caching, side by side in one run, and their ratio. Printed, never asserted.
 */
import type { Scenario } from '../src/scenario/types.ts';
import { boundedDfs } from '../src/explore/search/dfs.ts';
import { simRunner } from '../src/backends/sim/runner.ts';
import { builtinProperties } from '../properties/index.ts';

interface Figure {
  readonly executions: number;
  readonly pruned: number;
  readonly seconds: number;
  readonly complete: boolean;
}

async function search(s: Scenario, bound: number, reduce: boolean, limit: number): Promise<Figure> {
  const runner = simRunner(s, 'gil');
  const t0 = performance.now(); // wall-clock: bench only
  const res = await boundedDfs(runner, s, builtinProperties, { budget: bound, limit, ...(reduce && { session: 'bench' }) }, () => {});
  return { executions: res.executions, pruned: res.pruned, seconds: (performance.now() - t0) / 1000, complete: res.complete };
}

export async function benchSearch(scenarios: readonly Scenario[], bounds: readonly number[], limit: number): Promise<void> {
  console.log(`\nbounded search on the simulated backend (executions until complete, at most ${limit}; BENCH_SEARCH_LIMIT to change)`);
  for (const s of scenarios) {
    for (const bound of bounds) {
      const plain = await search(s, bound, false, limit);
      const reduced = await search(s, bound, true, limit);
      const cut = (f: Figure) => (f.complete ? '' : ' (cut)');
      console.log(
        `${`${s.id}, bound ${bound}`.padEnd(36)} plain ${String(plain.executions).padStart(6)} in ${plain.seconds.toFixed(2)} s${cut(plain)}   ` +
          `reduced ${String(reduced.executions).padStart(6)} + ${reduced.pruned} pruned in ${reduced.seconds.toFixed(2)} s${cut(reduced)}   ` +
          `ratio: executions ${(plain.executions / Math.max(1, reduced.executions)).toFixed(2)}x, time ${(plain.seconds / reduced.seconds).toFixed(2)}x`,
      );
    }
  }
}
