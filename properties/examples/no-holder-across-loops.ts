/**
 * Example of a user-written invariant (not in the built-in registry; see docs/adding-an-invariant.md).
 *
 * "An asyncio semaphore is never held from two event loops at once." Sharing one
 * asyncio.Semaphore between threads that each run a loop is a common mistake; even when it
 * never raises, it stops limiting anything once tasks of two loops hold it together.
 */
import type { Property, RunView, Violation } from '../api.ts';
import { at, who } from '../format.ts';
import { holderSnapshots } from '../holders.ts';
import { semaphoreInfo } from '../semaphores.ts';

export const noHolderAcrossLoops: Property = {
  name: 'no-holder-across-loops',
  description: 'an asyncio semaphore is never held by tasks of two different event loops at once',
  // Only scenarios with an asyncio semaphore and at least two loop threads can break it.
  appliesTo: (scenario) => Object.values(scenario.semaphores).some((s) => s.kind === 'asyncio') && scenario.threads.filter((t) => t.loop).length >= 2,
  outcomes: ['cross-loop-holders'],
  check: (view: RunView): readonly Violation[] => {
    const out: Violation[] = [];
    const reported = new Set<string>();
    for (const { event, holders } of holderSnapshots(view.history)) {
      if (reported.has(event.sem) || semaphoreInfo(view, event.sem)?.kind !== 'asyncio') continue;
      const other = holders.find((h) => h.loop !== event.loop);
      if (other === undefined) continue;
      reported.add(event.sem);
      out.push({
        property: 'no-holder-across-loops',
        outcome: 'cross-loop-holders',
        step: event.step,
        message:
          `sem '${event.sem}' held from two loops: ${who(event)} (${event.loop ?? 'no loop'}) acquired at ${at(event)} ` +
          `while ${who(other.since)} (${other.loop ?? 'no loop'}) has held it since step ${other.since.step}`,
      });
    }
    return out;
  },
};
