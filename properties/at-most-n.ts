/**
 * At most N holders: per instance, the actors holding a permit at any moment never outnumber the
 * initial value plus the releases made by actors that held nothing (Python lets anyone release).
 */
import type { Property, RunView, Violation } from './api.ts';
import { at, count, who } from './format.ts';
import { holderSnapshots } from './holders.ts';
import { semaphoreInfo } from './semaphores.ts';

export const atMostN: Property = {
  name: 'at-most-n',
  description: 'at most N actors hold a permit of a semaphore at once (N = initial value + releases without acquire)',
  check: (view: RunView): readonly Violation[] => {
    const reported = new Set<string>();
    const out: Violation[] = [];
    for (const snap of holderSnapshots(view.history)) {
      const sem = snap.event.sem;
      const info = semaphoreInfo(view, sem);
      if (info === undefined || reported.has(sem)) continue;
      const capacity = info.initial + snap.extra;
      if (snap.holders.length <= capacity) continue;
      // The first excess per instance is the evidence; later ones follow from it.
      reported.add(sem);
      const names = snap.holders.map((h) => `${who(h.since)} since step ${h.since.step}`).join(', ');
      const extra = snap.extra > 0 ? ` + ${count(snap.extra, 'release')} without acquire` : '';
      out.push({
        property: 'at-most-n',
        outcome: 'over-admission',
        step: snap.event.step,
        message:
          `over-admission on sem '${sem}': ${who(snap.event)} acquired at ${at(snap.event)}, making ` +
          `${snap.holders.length} holders (${names}) for capacity ${capacity} (initial ${info.initial}${extra})`,
      });
    }
    return out;
  },
};
