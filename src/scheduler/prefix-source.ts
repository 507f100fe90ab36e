/**
 * Drives a run through a given prefix of choices and records the arity of every decision,
 * so a depth-first search can enumerate a decision space completely (bounded by a budget
 * of preemptions, as in CHESS's preemption bounding). The harness's PrefixSource
 * (semverify_harness/sources.py) is the same, so nextPrefix enumerates the real interpreter too.
 */
import type { Decision } from '../contract/schedule.ts';
import type { ChoiceContext, DecisionSource, PointChoice, PointContext, SlotContext } from './source.ts';

export type { Decision };

export class PrefixSource implements DecisionSource {
  readonly log: Decision[] = [];
  private spent = 0;

  constructor(
    private readonly prefix: readonly number[],
    /** Switches + delays allowed in one run. */
    private readonly budget: number,
  ) {}

  private choose(arity: number, preempts: boolean): number {
    if (arity <= 1) return 0;
    const i = this.log.length;
    const chosen = i < this.prefix.length ? Math.min(this.prefix[i]!, arity - 1) : 0;
    this.log.push({ arity, chosen, preempts });
    if (preempts && chosen !== 0) this.spent++;
    return chosen;
  }

  point(c: PointContext): PointChoice {
    if (this.spent >= this.budget) return { kind: 'continue' };
    const options: PointChoice[] = [{ kind: 'continue' }, ...c.others.map((to) => ({ kind: 'switch' as const, to }))];
    if (c.canDelay) options.push({ kind: 'delay' });
    return options[this.choose(options.length, true)]!;
  }

  slot(c: SlotContext): string | null {
    const i = this.choose(c.cancellable.length + 1, false);
    return i === 0 ? null : c.cancellable[i - 1]!;
  }

  wake(c: ChoiceContext): number {
    return this.choose(c.options.length, false);
  }

  tie(c: ChoiceContext): readonly number[] | null {
    const perms = permutations(c.options.length);
    return perms[this.choose(perms.length, false)]!;
  }

  clock(c: ChoiceContext): number {
    return this.choose(c.options.length, false);
  }
}

/** Next prefix in depth-first order after a run that took `log`, or null when the space is exhausted. */
export function nextPrefix(log: readonly Decision[]): number[] | null {
  for (let i = log.length - 1; i >= 0; i--) {
    const d = log[i]!;
    if (d.chosen + 1 < d.arity) return [...log.slice(0, i).map((x) => x.chosen), d.chosen + 1];
  }
  return null;
}

function permutations(n: number): number[][] {
  if (n <= 1) return [[0]];
  if (n > 5) return [[...Array(n).keys()]]; // 6! orders of one tie are beyond what exhaustive search should try
  const out: number[][] = [];
  const rec = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) out.push(prefix);
    for (let i = 0; i < rest.length; i++) rec([...prefix, rest[i]!], [...rest.slice(0, i), ...rest.slice(i + 1)]);
  };
  rec([], [...Array(n).keys()]);
  return out;
}
