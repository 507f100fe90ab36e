/**
 * Seeded random decisions: at every point, switch or delay with small probabilities;
 * declared cancellations fire with a small probability per loop slot; lock wake-ups, timer
 * ties and clock wake-ups are chosen uniformly. Replay never needs this source again: the
 * machine records what it chose.
 *
 * The harness's RandomSource (semverify_harness/sources.py) is this one, draw for draw, over
 * the contract's generator: keep the order and the number of draws of each decision the same
 * on both sides, or a seed stops meaning the same run on both backends.
 */
import { Prng } from './prng.ts';
import type { ChoiceContext, DecisionSource, PointChoice, PointContext, SlotContext } from './source.ts';

export interface RandomSourceOptions {
  readonly seed: string | number;
  readonly pSwitch: number;
  readonly pDelay: number;
  readonly pCancel: number;
}

export class RandomSource implements DecisionSource {
  protected readonly rng: Prng;

  constructor(protected readonly opts: RandomSourceOptions) {
    this.rng = new Prng(opts.seed);
  }

  protected pick<T>(xs: readonly T[]): T {
    return xs[this.rng.index(xs.length)]!;
  }

  point(c: PointContext): PointChoice {
    if (c.others.length > 0 && this.rng.float() < this.opts.pSwitch) return { kind: 'switch', to: this.pick(c.others) };
    if (c.canDelay && this.rng.float() < this.opts.pDelay) return { kind: 'delay' };
    return { kind: 'continue' };
  }

  slot(c: SlotContext): string | null {
    return this.rng.float() < this.opts.pCancel ? this.pick(c.cancellable) : null;
  }

  wake(c: ChoiceContext): number {
    return this.rng.index(c.options.length);
  }

  tie(c: ChoiceContext): readonly number[] {
    const order = c.options.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.rng.index(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }

  clock(c: ChoiceContext): number {
    return this.rng.index(c.options.length);
  }
}
