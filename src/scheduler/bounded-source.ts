/**
 * Preemption-bounded random decisions, after PCT (Burckhardt et al.): most concurrency bugs
 * need one to three preemptions, so pick a small budget and place those preemptions at
 * uniformly chosen steps of the run, instead of flipping a coin at every point (which
 * almost never produces a "quiet" schedule with exactly one well-placed switch).
 */
import type { PointChoice, PointContext } from './source.ts';
import { RandomSource } from './random-source.ts';

export interface BoundedSourceOptions {
  readonly seed: string | number;
  /** Preemptions to place (switches or delays). */
  readonly preemptions: number;
  /** Steps a run is expected to take: preemption steps are drawn from 1..horizon. */
  readonly horizon: number;
  /** Share of preemptions that are OS delays rather than switches. */
  readonly delayShare: number;
  readonly pCancel: number;
}

export class BoundedSource extends RandomSource {
  private readonly at = new Set<number>();

  constructor(private readonly b: BoundedSourceOptions) {
    super({ seed: b.seed, pSwitch: 0, pDelay: 0, pCancel: b.pCancel });
    for (let i = 0; i < b.preemptions; i++) this.at.add(1 + this.rng.index(Math.max(1, b.horizon)));
  }

  override point(c: PointContext): PointChoice {
    if (!this.at.has(c.step)) return { kind: 'continue' };
    if (c.canDelay && this.rng.float() < this.b.delayShare) return { kind: 'delay' };
    if (c.others.length > 0) return { kind: 'switch', to: this.pick(c.others) };
    return c.canDelay ? { kind: 'delay' } : { kind: 'continue' };
  }
}
