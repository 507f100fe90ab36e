/**
 * A fast-check arbitrary of sparse schedules for a scenario, for property tests written
 * directly with fast-check / @fast-check/vitest. Simulated backend only: an arbitrary is built
 * synchronously, from synchronous simulated runs. Deviations are drawn from the points the
 * scenario really reaches (collected from a few seeded runs) and arrays are short, so
 * generation favours few preemptions and shrinking deletes them.
 */
import fc from 'fast-check';
import type { Scenario } from '../../scenario/types.ts';
import { keyOf, type Deviation, type PointKey } from '../../contract/schedule.ts';
import { tracePoints } from '../../scheduler/trace-points.ts';
import { runSim } from './run.ts';
import { defaultSource } from '../../scheduler/source.ts';
import { RandomSource } from '../../scheduler/random-source.ts';
import type { PreemptionModel } from '../../contract/names.ts';

export interface ScheduleArbitraryOptions {
  readonly model?: PreemptionModel;
  /** Most deviations in one schedule. */
  readonly maxPreemptions?: number;
  /** Seeded runs used to discover reachable points (besides the default run). */
  readonly probes?: number;
}

/** Every (thread, label, occurrence) point the scenario reaches in a few runs. */
export function reachablePoints(scenario: Scenario, model: PreemptionModel = 'gil', probes = 20): PointKey[] {
  const seen = new Map<string, PointKey>();
  const sources = [
    defaultSource,
    ...Array.from({ length: probes }, (_, i) => new RandomSource({ seed: `points:${i}`, pSwitch: 0.1, pDelay: 0.02, pCancel: 0.05 })),
  ];
  for (const source of sources) {
    const run = runSim(scenario, { source, model, recordTrace: true });
    for (const p of tracePoints(run.trace)) seen.set(keyOf(p), p);
  }
  return [...seen.values()].sort((a, b) => (a.thread + a.label + a.occ).localeCompare(b.thread + b.label + b.occ));
}

export function scheduleArbitrary(scenario: Scenario, opts: ScheduleArbitraryOptions = {}): fc.Arbitrary<Deviation[]> {
  const points = reachablePoints(scenario, opts.model ?? 'gil', opts.probes ?? 20);
  const threads = scenario.threads.map((t) => t.name);
  const deviation: fc.Arbitrary<Deviation> = fc.oneof(
    {
      weight: 4,
      // A switch goes to another thread: "switch from T0 to T0" is no deviation, only a misleading line in a trace.
      arbitrary: fc.constantFrom(...points).chain((at) => {
        const others = threads.filter((t) => t !== at.thread);
        return others.length === 0
          ? fc.constant<Deviation>({ kind: 'delay', ...at })
          : fc.constantFrom(...others).map((to): Deviation => ({ kind: 'switch', ...at, to }));
      }),
    },
    { weight: 1, arbitrary: fc.constantFrom(...points).map((at): Deviation => ({ kind: 'delay', ...at })) },
  );
  return fc.array(deviation, { maxLength: opts.maxPreemptions ?? 3 });
}
