/**
 * Drives a run through a given prefix of choices and records the arity of every decision,
 * so a depth-first search can enumerate a decision space completely (bounded by a budget
 * of preemptions, as in CHESS's preemption bounding). The harness's PrefixSource
 * (semverify_harness/sources.py) is the same, so nextPrefix enumerates the real interpreter too.
 *
 * With a `seen` table it also prunes: at each point it asks the machine for the state's key
 * (the happens-before fingerprint and the scheduling state; src/runtime/happens-before.ts). A
 * state already reached by another path of the search with no more preemptions spent has had
 * (or is having) its whole future explored within the bound: this run is abandoned there
 * (PrunedRun), and the search backtracks. This is happens-before caching, in the manner of CHESS.
 */
import type { Decision } from '../contract/schedule.ts';
import type { ChoiceContext, DecisionSource, PointChoice, PointContext, SlotContext } from './source.ts';

/** State key -> the first path that reached it: its preemptions spent and its identity (length and hash of its choices). */
export type SeenStates = Map<string, { readonly spent: number; readonly length: number; readonly hash: number }>;

/** Thrown by the source when the run reaches a state explored by an equivalent schedule. */
export class PrunedRun extends Error {
  constructor(readonly log: readonly Decision[]) {
    super('pruned: an equivalent schedule reached this state with no more preemptions');
  }
}

export class PrefixSource implements DecisionSource {
  readonly log: Decision[] = [];
  private spent = 0;
  /** A rolling hash of the choices logged so far: with the log's length, the identity of this node. */
  private pathHash = 0;

  constructor(
    private readonly prefix: readonly number[],
    /** Switches + delays allowed in one run. */
    private readonly budget: number,
    /** Shared by every run of one search: prune states reached before. Absent: no reduction. */
    private readonly seen?: SeenStates,
  ) {}

  /** Preemptions spent so far. */
  get preemptions(): number {
    return this.spent;
  }

  private choose(arity: number, preempts: boolean): number {
    if (arity <= 1) return 0;
    const i = this.log.length;
    const chosen = i < this.prefix.length ? Math.min(this.prefix[i]!, arity - 1) : 0;
    this.log.push({ arity, chosen, preempts });
    this.pathHash = (Math.imul(this.pathHash, 31) + chosen + 1) | 0;
    if (preempts && chosen !== 0) this.spent++;
    return chosen;
  }

  point(c: PointContext): PointChoice {
    const choices = c.others.length > 0 || c.canDelay;
    // Checked where a schedule can branch: two paths to one state meet at such a point.
    if (choices && this.seen !== undefined && c.stateKey !== undefined) this.prune(c.stateKey());
    if (this.spent >= this.budget) return { kind: 'continue' };
    const options: PointChoice[] = [{ kind: 'continue' }, ...c.others.map((to) => ({ kind: 'switch' as const, to }))];
    if (c.canDelay) options.push({ kind: 'delay' });
    return options[this.choose(options.length, true)]!;
  }

  /** Abandon the run if another path reached this state spending no more; else remember this path. */
  private prune(key: string): void {
    const before = this.seen!.get(key);
    if (before === undefined || before.spent > this.spent) {
      this.seen!.set(key, { spent: this.spent, length: this.log.length, hash: this.pathHash });
      return;
    }
    // The same node again (every run of a depth-first search replays the path to it): go on.
    if (before.length === this.log.length && before.hash === this.pathHash) return;
    throw new PrunedRun(this.log);
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

/**
 * Next prefix in depth-first order after a run that took `log`, or null when the space is
 * exhausted. `floor`: the decisions before it are fixed (the search is of the subtree below them).
 */
export function nextPrefix(log: readonly Decision[], floor = 0): number[] | null {
  for (let i = log.length - 1; i >= floor; i--) {
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
