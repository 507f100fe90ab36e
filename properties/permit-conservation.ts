/**
 * Permit conservation: at the end of a run each instance's own counter agrees with its history.
 * The history implies initial - completed acquires + completed releases; an operation still in
 * flight may or may not have moved the counter, so it widens the allowed range by one.
 * The implementation's side is `_value + inFlight` (permits handed to waiters that have not
 * returned yet count as not taken, like their pending acquires). An acquire that ended without a
 * permit (`not-acquired`: a timeout, acquire(False)) took none: a timed-out waiter that keeps the
 * permit it was handed shows here as a lost one. release(n) counts n.
 * An instance without a readable counter (a --target class with no `_value`) is not judged.
 */
import { extractOperations, type Operation } from '../models/operations.ts';
import type { Property, RunView, Violation } from './api.ts';
import { count } from './format.ts';

function sum(ops: readonly Operation[]): number {
  return ops.reduce((n, o) => n + o.n, 0);
}

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
      // release(n) returns n permits: count permits, not calls.
      const ended = (op: 'acquire' | 'release', kind: string) => sum(mine.filter((o) => o.op === op && o.end?.kind === kind));
      const pending = (op: 'acquire' | 'release') => sum(mine.filter((o) => o.op === op && o.end === undefined));
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
      // A timed-out waiter that was handed a permit must give it back: name them when a permit is lost.
      const gaveUp = mine.filter((o) => o.op === 'acquire' && o.end?.kind === 'not-acquired').length;
      const timedOut =
        lost && gaveUp > 0
          ? `; ${count(gaveUp, 'acquire')} ended without a permit (timed out or refused): a waiter handed a permit must give it back when it gives up`
          : '';
      out.push({
        property: 'permit-conservation',
        outcome: lost ? 'lost-permit' : 'extra-permit',
        step: view.run.steps,
        message:
          `sem '${final.id}' ends (step ${view.run.steps}, t=${view.run.endTime}s) with _value ${final.value}${inFlight} ` +
          `but its history implies ${range} (initial ${final.initial}, ${acquired} acquired, ${released} released): ` +
          `${count(lost ? lo - actual : actual - hi, 'permit')} ${lost ? 'lost' : 'created'}${timedOut}`,
      });
    }
    return out;
  },
};
