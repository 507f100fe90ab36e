/**
 * Permit conservation: at the end of a run each instance's own counter agrees with its history.
 * The history implies initial - completed acquires + completed releases; an operation still in
 * flight may or may not have moved the counter, so it widens the allowed range by one.
 * The implementation's side is `_value + inFlight` (permits handed to waiters that have not
 * returned yet count as not taken, like their pending acquires).
 * An instance without a readable counter (a --target class with no `_value`) is not judged.
 */
import { extractOperations } from '../models/operations.ts';
import type { Property, RunView, Violation } from './api.ts';
import { count } from './format.ts';

export const permitConservation: Property = {
  name: 'permit-conservation',
  description: "each semaphore's final counter equals initial - acquires + releases of its history (no permit lost or created)",
  // A target's instances are all of one class: either every counter is readable or none is.
  appliesToRun: (view: RunView) => !view.run.semaphores.some((s) => s.value === null),
  check: (view: RunView): readonly Violation[] => {
    const { ops } = extractOperations(view.history);
    const out: Violation[] = [];
    for (const final of view.run.semaphores) {
      if (final.value === null) continue;
      const mine = ops.filter((o) => o.sem === final.id);
      const ended = (op: 'acquire' | 'release', kind: string) => mine.filter((o) => o.op === op && o.end?.kind === kind).length;
      const pending = (op: 'acquire' | 'release') => mine.filter((o) => o.op === op && o.end === undefined).length;
      const acquired = ended('acquire', 'acquired');
      const released = ended('release', 'released');
      const implied = final.initial - acquired + released;
      const lo = implied - pending('acquire');
      const hi = implied + pending('release');
      const actual = final.value + final.inFlight;
      if (actual >= lo && actual <= hi) continue;
      const lost = actual < lo;
      const range = lo === hi ? `${implied}` : `${lo}..${hi} (${implied} with operations in flight undone)`;
      const inFlight = final.inFlight > 0 ? ` + ${final.inFlight} in flight to woken waiters` : '';
      out.push({
        property: 'permit-conservation',
        outcome: lost ? 'lost-permit' : 'extra-permit',
        step: view.run.steps,
        message:
          `sem '${final.id}' ends (step ${view.run.steps}, t=${view.run.endTime}s) with _value ${final.value}${inFlight} ` +
          `but its history implies ${range} (initial ${final.initial}, ${acquired} acquired, ${released} released): ` +
          `${count(lost ? lo - actual : actual - hi, 'permit')} ${lost ? 'lost' : 'created'}`,
      });
    }
    return out;
  },
};
