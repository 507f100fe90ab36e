/**
 * FIFO (asyncio only): per instance and per event loop, waiters acquire in the order they began
 * to wait, and nobody who arrives while someone waits gets in ahead of them (no barging).
 * Only pairs where the earlier waiter did eventually acquire are judged: a cancelled waiter gives
 * up its place, and one still waiting at the end of the run is no-lost-wakeup's business.
 * Different loops are different threads: no order is promised between them.
 */
import { extractOperations, type Operation } from '../models/operations.ts';
import type { Scenario } from '../src/scenario/types.ts';
import type { Property, RunView, Violation } from './api.ts';
import { at, who } from './format.ts';
import { semaphoreInfo } from './semaphores.ts';

export const fifo: Property = {
  name: 'fifo',
  description: 'asyncio: waiters acquire in the order they began waiting, and newcomers do not barge ahead of them (per loop)',
  // A program declares no semaphores (docs/programs.md): its runs say which they made.
  appliesTo: (scenario: Scenario) => Object.keys(scenario.semaphores).length === 0 || Object.values(scenario.semaphores).some((s) => s.kind === 'asyncio'),
  appliesToRun: (view: RunView) => Object.keys(view.scenario.semaphores).length > 0 || view.run.semaphores.some((s) => s.kind === 'asyncio'),
  check: (view: RunView): readonly Violation[] => {
    const acquired = extractOperations(view.history).ops.filter(
      (o) => o.op === 'acquire' && o.end?.kind === 'acquired' && semaphoreInfo(view, o.sem)?.kind === 'asyncio',
    );
    const out: Violation[] = [];
    for (const late of acquired) {
      const overtaken = acquired.find((early) => overtakes(late, early));
      if (overtaken !== undefined) out.push(violation(late, overtaken));
    }
    return out.sort((a, b) => a.step - b.step);
  },
};

/** `late` acquired before `early` although it joined the line, or arrived, after `early` began waiting. */
function overtakes(late: Operation, early: Operation): boolean {
  if (late === early || late.sem !== early.sem || late.loop !== early.loop) return false;
  const waitedSince = early.waiting?.seq;
  if (waitedSince === undefined || late.end!.seq > early.end!.seq) return false;
  const joinedAfter = late.waiting !== undefined && late.waiting.seq > waitedSince;
  const arrivedAfter = late.call.seq > waitedSince;
  return joinedAfter || arrivedAfter;
}

function violation(late: Operation, early: Operation): Violation {
  const how =
    late.waiting !== undefined && late.waiting.seq > early.waiting!.seq
      ? `${who(late.call)} began waiting at step ${late.waiting.step}, after ${who(early.call)}`
      : `${who(late.call)} called acquire() at step ${late.call.step} while ${who(early.call)} was waiting and got in without waiting (barging)`;
  return {
    property: 'fifo',
    outcome: 'fifo',
    step: late.end!.step,
    message:
      `fifo broken on sem '${late.sem}' (${late.loop ?? 'no loop'}): ${who(late.call)} acquired at ${at(late.end!)} ` +
      `before ${who(early.call)}, waiting since step ${early.waiting!.step}, which acquired only at step ${early.end!.step}; ${how}`,
  };
}
