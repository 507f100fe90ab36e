/**
 * Replays a schedule: the deviations it lists, defaults everywhere else. This is how a
 * token, a fast-check counterexample or a recorded random run is re-executed.
 */
import type { Deviation, Schedule } from '../contract/schedule.ts';
import { keyOf } from '../contract/schedule.ts';
import type { ChoiceContext, DecisionSource, PointChoice, PointContext, SlotContext } from './source.ts';

export class SparseSource implements DecisionSource {
  private readonly byKey = new Map<string, Deviation>();

  constructor(schedule: Schedule) {
    // The first deviation for a key wins; duplicates (possible in generated schedules) are ignored.
    for (const d of schedule) if (!this.byKey.has(keyOf(d))) this.byKey.set(keyOf(d), d);
  }

  point(c: PointContext): PointChoice {
    const d = this.byKey.get(keyOf(c.key));
    if (d?.kind === 'switch') return d.to === undefined ? { kind: 'switch' } : { kind: 'switch', to: d.to };
    if (d?.kind === 'delay') return { kind: 'delay' };
    return { kind: 'continue' };
  }

  slot(c: SlotContext): string | null {
    const d = this.byKey.get(keyOf(c.key));
    return d?.kind === 'cancel' ? d.task : null;
  }

  wake(c: ChoiceContext): number {
    const d = this.byKey.get(keyOf(c.key));
    return d?.kind === 'wake' ? Math.max(0, c.options.indexOf(d.waiter)) : 0;
  }

  tie(c: ChoiceContext): readonly number[] | null {
    const d = this.byKey.get(keyOf(c.key));
    return d?.kind === 'tie' ? d.order : null;
  }

  clock(c: ChoiceContext): number {
    const d = this.byKey.get(keyOf(c.key));
    return d?.kind === 'switch' && d.to !== undefined ? Math.max(0, c.options.indexOf(d.to)) : 0;
  }
}
