/**
 * Seeded random decisions (seedrandom): at every point, switch or delay with small
 * probabilities; declared cancellations fire with a small probability per loop slot; lock
 * wake-ups, timer ties and clock wake-ups are chosen uniformly. Replay never needs this
 * source again: the machine records what it chose.
 */
import seedrandom from 'seedrandom';
import type { ChoiceContext, DecisionSource, PointChoice, PointContext, SlotContext } from './source.ts';

export interface RandomSourceOptions {
  readonly seed: string | number;
  readonly pSwitch: number;
  readonly pDelay: number;
  readonly pCancel: number;
}

export class RandomSource implements DecisionSource {
  protected readonly rng: seedrandom.PRNG;

  constructor(protected readonly opts: RandomSourceOptions) {
    this.rng = seedrandom(String(opts.seed));
  }

  protected pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rng() * xs.length)]!;
  }

  point(c: PointContext): PointChoice {
    if (c.others.length > 0 && this.rng() < this.opts.pSwitch) return { kind: 'switch', to: this.pick(c.others) };
    if (c.canDelay && this.rng() < this.opts.pDelay) return { kind: 'delay' };
    return { kind: 'continue' };
  }

  slot(c: SlotContext): string | null {
    return this.rng() < this.opts.pCancel ? this.pick(c.cancellable) : null;
  }

  wake(c: ChoiceContext): number {
    return Math.floor(this.rng() * c.options.length);
  }

  tie(c: ChoiceContext): readonly number[] {
    const order = c.options.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }

  clock(c: ChoiceContext): number {
    return Math.floor(this.rng() * c.options.length);
  }
}
