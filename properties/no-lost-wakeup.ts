/**
 * No lost wake-up: a run never hangs. When it does, the message says who waits on what and,
 * when the history shows permits free while some actor still waits inside acquire(), calls it
 * a lost wake-up (the permit was released but its waiter was never made to run).
 * A run that claims to have completed with an operation that never returned is reported too.
 * Runs that hit the step limit are not judged here (that is a budget, not a verdict).
 * A scenario may declare waiters that legitimately stay parked (`expect.parked`): a hang in
 * which only they still wait in acquire(), with no permit free for them, is how such a run ends.
 */
import type { BlockedThread } from '../src/contract/run-result.ts';
import { extractOperations, type Operation } from '../models/operations.ts';
import { threadTasks, type Scenario } from '../src/scenario/types.ts';
import type { Property, RunView, Violation } from './api.ts';
import { count, who } from './format.ts';
import { semaphoreIds, semaphoreInfo } from './semaphores.ts';

export const noLostWakeup: Property = {
  name: 'no-lost-wakeup',
  description: 'every run finishes: no actor is left waiting forever (a hang with free permits is a lost wake-up)',
  check: (view: RunView): readonly Violation[] => {
    const { run } = view;
    const { ops } = extractOperations(view.history);
    const pending = ops.filter((o) => o.end === undefined);
    const when = `step ${run.steps}, t=${run.endTime}s`;
    if (run.status === 'hang') {
      const lost = lostWakeups(view, ops);
      if (lost.length === 0 && onlyParked(view.scenario, pending)) return [];
      const parts = [`hang at ${when}: ${describeBlocked(run.blocked ?? [])}`, ...lost];
      return [{ property: 'no-lost-wakeup', outcome: 'hang', step: run.steps, message: parts.join('; ') }];
    }
    if (run.status === 'completed' && pending.length > 0) {
      const calls = pending.map((o) => `${o.op}() by ${who(o.call)} on sem '${o.sem}' (called at step ${o.call.step})`);
      return [
        {
          property: 'no-lost-wakeup',
          outcome: 'hang',
          step: run.steps,
          message: `run completed at ${when} but ${calls.join(', ')} never returned`,
        },
      ];
    }
    return [];
  },
};

/** Whether some call is still waiting and every one is by a task (or plain thread) `expect.parked` names. */
function onlyParked(scenario: Scenario, pending: readonly Operation[]): boolean {
  const parked = new Set(scenario.expect?.parked ?? []);
  if (parked.size === 0 || pending.length === 0) return false;
  // A plain thread's calls carry no task: naming one of its tasks names the thread.
  for (const t of scenario.threads) if (!t.loop && threadTasks(t).some((task) => parked.has(task.name))) parked.add(t.name);
  return pending.every((o) => parked.has(o.call.task ?? o.thread));
}

function describeBlocked(blocked: readonly BlockedThread[]): string {
  if (blocked.length === 0) return 'no thread can run';
  return blocked
    .map((b) => {
      const tasks = (b.tasks ?? []).map((t) => `${t.task} awaits ${t.awaits}`);
      return `${b.thread} waits on ${b.on}${tasks.length > 0 ? ` (${tasks.join(', ')})` : ''}`;
    })
    .join(', ');
}

/** "lost wake-up: 1 permit free while T1/main waits on sem 'S' (since step 7)", per instance where it applies. */
function lostWakeups(view: RunView, ops: readonly Operation[]): string[] {
  const out: string[] = [];
  for (const sem of semaphoreIds(view)) {
    const info = semaphoreInfo(view, sem);
    if (info === undefined) continue;
    const mine = ops.filter((o) => o.sem === sem);
    const done = (op: 'acquire' | 'release', kind: string) => mine.filter((o) => o.op === op && o.end?.kind === kind).reduce((n, o) => n + o.n, 0);
    const free = info.initial - done('acquire', 'acquired') + done('release', 'released');
    const waiters = mine.filter((o) => o.op === 'acquire' && o.end === undefined && o.waiting !== undefined);
    if (free <= 0 || waiters.length === 0) continue;
    const names = waiters.map((o) => who(o.call)).join(', ');
    const since = waiters.map((o) => o.waiting!.step).join(', ');
    out.push(
      `lost wake-up: ${count(free, 'permit')} free while ${names} ${waiters.length === 1 ? 'waits' : 'wait'} ` + `on sem '${sem}' (since step ${since})`,
    );
  }
  return out;
}
