/**
 * Which schedules to explore. A scenario with one thread has no thread interleavings: its
 * only nondeterminism is timer ties and declared cancellations, so it is enumerated
 * completely. Several threads: a seeded mix of preemption-bounded runs (1-3 well-placed
 * preemptions, where most bugs live) and coin-flip random runs (denser interleavings).
 */
import type { Scenario } from '../../scenario/types.ts';
import type { SourceSpec } from '../../contract/source-spec.ts';

export const DEFAULT_RUNS = 2_000;

export function isSingleThreaded(scenario: Scenario): boolean {
  return scenario.threads.length <= 1;
}

export function runsFor(scenario: Scenario, requested: number | undefined): number {
  return requested ?? scenario.explore?.runs ?? DEFAULT_RUNS;
}

/** The i-th source of a seeded exploration; `horizon` is the step count of a typical run. */
export function sourceFor(seed: number, i: number, horizon: number, hasCancellations: boolean): SourceSpec {
  const s = `${seed}:${i}`;
  const pCancel = hasCancellations ? 0.05 : 0;
  if (i % 4 === 3) return { kind: 'random', seed: s, pSwitch: [0.02, 0.05, 0.15][i % 3]!, pDelay: 0.01, pCancel };
  return { kind: 'bounded', seed: s, preemptions: 1 + (i % 3), horizon, delayShare: 0.3, pCancel };
}
