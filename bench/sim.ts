/**
 * Figure 1: simulated runs per second on asyncio-shared-3-threads, through the explorer's own
 * per-run path (executeUnit on the check's runner: run, analyse, summarise), with the built-in
 * properties (A) and with none (B). Pair i runs the same seeded runs both ways, so the two sides
 * do the same simulation and differ only by the properties.
 */
import type { Scenario } from '../src/scenario/types.ts';
import { openRunner } from '../src/backends/registry.ts';
import { executeUnit, type SampleFamily } from '../src/explore/search/units.ts';
import { builtinProperties } from '../properties/index.ts';
import type { Property } from '../properties/api.ts';
import {
  type Chunk,
  interleave,
  type Loads,
  note,
  pairRatios,
  perCpuS,
  perWallS,
  show,
  showLoad,
  showRatio,
  type Spread,
  spread,
  timed,
  withLoad,
} from './stats.ts';

export interface SimFigure {
  readonly scenario: string;
  readonly runsPerChunk: number;
  readonly pairs: number;
  readonly warmupPairs: number;
  readonly withProperties: { readonly runsPerS: Spread; readonly runsPerCpuS: Spread };
  readonly withoutProperties: { readonly runsPerS: Spread; readonly runsPerCpuS: Spread };
  /** Per pair: runs/s without / runs/s with: how many times longer a run takes with the properties checked. */
  readonly propertiesCost: Spread;
  readonly propertiesCostCpu: Spread;
  readonly load: Loads;
}

export async function benchSim(scenario: Scenario, quick: boolean): Promise<SimFigure> {
  const runsPerChunk = quick ? 300 : 800;
  const pairs = quick ? 4 : 25;
  const warmupPairs = 3;
  return withLoad(async () => {
    const runner = await openRunner(scenario, { backend: 'sim', model: 'gil' });
    try {
      const judged: Scenario = { ...scenario, impl: runner.impl };
      // The horizon as samplePlan sets it: the default schedule's length.
      const probe = await runner.run({ schedule: [] });
      const family: SampleFamily = { kind: 'random', seed: 1, horizon: Math.max(10, probe.steps), cancellations: false };
      const control = { stop: () => null };
      const chunk =
        (properties: readonly Property[]) =>
        (i: number): Promise<Chunk> => {
          const from = (i + warmupPairs) * runsPerChunk + 1;
          return timed(async () => {
            const res = await executeUnit(runner, judged, properties, { kind: 'sample', family, from, to: from + runsPerChunk - 1 }, control);
            return res.entries.length;
          });
        };
      note(`figure 1: ${pairs} pairs of ${runsPerChunk} simulated runs, with and without properties`);
      const p = await interleave(warmupPairs, pairs, chunk(builtinProperties), chunk([]));
      return {
        scenario: scenario.id,
        runsPerChunk,
        pairs,
        warmupPairs,
        withProperties: { runsPerS: spread(p.a.map(perWallS)), runsPerCpuS: spread(p.a.map(perCpuS)) },
        withoutProperties: { runsPerS: spread(p.b.map(perWallS)), runsPerCpuS: spread(p.b.map(perCpuS)) },
        propertiesCost: pairRatios(p, (a, b) => perWallS(b) / perWallS(a)),
        propertiesCostCpu: pairRatios(p, (a, b) => perCpuS(b) / perCpuS(a)),
      };
    } finally {
      await runner.close();
    }
  });
}

export function formatSim(f: SimFigure): string[] {
  return [
    `1. Simulated runs/s, ${f.scenario} (explorer per-run path; ${f.pairs} interleaved pairs of ${f.runsPerChunk} runs after ${f.warmupPairs} warm-up pairs; ${showLoad(f.load)})`,
    `   with properties      ${show(f.withProperties.runsPerS, 0, 'runs/s')}`,
    `                        ${show(f.withProperties.runsPerCpuS, 0, 'runs/CPU-s')}`,
    `   without properties   ${show(f.withoutProperties.runsPerS, 0, 'runs/s')}`,
    `                        ${show(f.withoutProperties.runsPerCpuS, 0, 'runs/CPU-s')}`,
    `   properties cost      ${showRatio(f.propertiesCost)} (median of per-pair ratios, wall)`,
    `                        ${showRatio(f.propertiesCostCpu)} (CPU time)`,
  ];
}
