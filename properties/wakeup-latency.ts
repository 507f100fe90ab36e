/**
 * Wake-up latency (asyncio): a waiter that can take a permit is woken before anything its loop
 * schedules afterwards. FIFO (properties/fifo.ts) says *who* goes first; this says *when*: once
 * permits are free for everyone in line up to a waiter W, W must run before tasks that became
 * ready later. CPython 3.10–3.12 hand a burst of permits out one loop iteration at a time, so a
 * task created after W became admissible can run first (GH-111694, test_acquire_fifo_order_4);
 * 3.13 wakes every admissible waiter at once.
 *
 * W is *due* from the first return of another waiter of its line (after W parked) at which the
 * free permits (initial - acquired + released, minus acquires in flight that may still take one)
 * cover every waiter still in line up to W: a returning waiter wakes, before it returns, as many
 * waiters as there are free permits (3.13's acquire does; a release wakes only one, so it makes
 * nobody due here). From then on, the loop runs W's wake-up before any callback scheduled later. The history proves a callback was scheduled later in two cases only,
 * and only those are flagged:
 * - a task created (`spawn`) after W was due, which runs (shows any event) before W returns;
 * - a task that parked in another asyncio semaphore's acquire after W was due, and returns from
 *   it before W returns.
 * Judged per semaphore used from one event loop only (several loops have no common order), and
 * not for waiters whose task acquires with a timeout (before 3.12, wait_for runs the acquire in a
 * task of its own, whose return reaches the waiter's task one loop iteration later).
 */
import { extractOperations, type Operation } from '../models/operations.ts';
import { isSemaphoreEvent, type HistoryEvent, type SemaphoreEvent } from '../src/contract/events.ts';
import { threadTasks, type Op, type Scenario } from '../src/scenario/types.ts';
import type { Property, RunView, Violation } from './api.ts';
import { at, count, who } from './format.ts';
import { semaphoreInfo } from './semaphores.ts';

export const WAKEUP_LATENCY_OUTCOME = 'wakeup-latency';

export const wakeupLatency: Property = {
  name: 'wakeup-latency',
  description: 'asyncio: a waiter with a free permit for it runs before tasks its loop schedules afterwards (no burst handed out one iteration at a time)',
  appliesTo: (scenario: Scenario) => Object.values(scenario.semaphores).some((s) => s.kind === 'asyncio'),
  outcomes: [WAKEUP_LATENCY_OUTCOME],
  check: (view: RunView): readonly Violation[] => {
    const { ops } = extractOperations(view.history);
    let timed: Set<string> | undefined;
    const out: Violation[] = [];
    for (const sem of new Set(ops.map((o) => o.sem))) {
      const info = semaphoreInfo(view, sem);
      const mine = ops.filter((o) => o.sem === sem);
      const loops = new Set(mine.map((o) => o.loop));
      const loop = [...loops][0];
      if (info?.kind !== 'asyncio' || loops.size !== 1 || loop === null || loop === undefined) continue;
      for (const d of dueWaiters(mine, info.initial)) {
        timed ??= timedTasks(view.scenario);
        if (d.waiter.end === undefined || timed.has(d.waiter.call.task ?? '')) continue;
        const late = ranLater(view.history, ops, d, loop);
        if (late !== undefined) out.push(violation(sem, loop, d, late));
      }
    }
    return out.sort((a, b) => a.step - b.step);
  },
};

/** A waiter, and the event from which it was due, with the permits that made it so. */
interface Due {
  readonly waiter: Operation;
  readonly since: SemaphoreEvent;
  readonly free: number;
  readonly ahead: number;
}

/** Each waiter of one semaphore, with the first event at which it became due (if it did). */
function dueWaiters(mine: readonly Operation[], initial: number): Due[] {
  const waiters = mine.filter((o) => o.op === 'acquire' && o.waiting !== undefined).sort((a, b) => a.waiting!.seq - b.waiting!.seq);
  const ended = (o: Operation, seq: number) => o.end !== undefined && o.end.seq <= seq;
  const returns = waiters.flatMap((o) => (o.end === undefined ? [] : [{ op: o, e: o.end }])).sort((a, b) => a.e.seq - b.e.seq);
  const out: Due[] = [];
  for (const w of waiters) {
    for (const { op, e } of returns) {
      if (op === w || e.seq < w.waiting!.seq || ended(w, e.seq)) continue;
      let free = initial;
      for (const o of mine) {
        if (o.op === 'acquire' && o.end?.kind === 'acquired' && ended(o, e.seq)) free -= 1;
        if (o.op === 'release' && o.end?.kind === 'released' && ended(o, e.seq)) free += o.n;
        // An acquire in flight that has not parked may still take a permit: count it taken.
        if (o.op === 'acquire' && o.call.seq <= e.seq && !ended(o, e.seq) && (o.waiting === undefined || o.waiting.seq > e.seq)) free -= 1;
      }
      const ahead = waiters.filter((o) => o !== w && o.waiting!.seq < w.waiting!.seq && !ended(o, e.seq)).length;
      if (free - ahead >= 1) {
        out.push({ waiter: w, since: e, free, ahead });
        break;
      }
    }
  }
  return out;
}

/** An event of the loop that proves it ran something scheduled after the waiter was due, before the waiter returned. */
function ranLater(history: readonly HistoryEvent[], ops: readonly Operation[], d: Due, loop: string): { event: HistoryEvent; why: string } | undefined {
  const from = d.since.seq;
  const until = d.waiter.end!.seq;
  const me = who(d.waiter.call);
  for (const s of history) {
    if (s.kind !== 'spawn' || s.loop !== loop || s.seq <= from || s.seq >= until) continue;
    const first = history.find((x) => x.seq > s.seq && x.task === s.tag && x.thread === s.thread);
    if (first !== undefined && first.seq < until) return { event: first, why: `created at step ${s.step}, after that` };
  }
  for (const o of ops) {
    if (o.sem === d.waiter.sem || o.loop !== loop || who(o.call) === me || o.waiting === undefined || o.end === undefined) continue;
    if (o.waiting.seq > from && o.end.seq < until) {
      return { event: o.end, why: `parked in acquire() on sem '${o.sem}' at step ${o.waiting.step}, after that, and was woken first` };
    }
  }
  return undefined;
}

function violation(sem: string, loop: string, d: Due, late: { event: HistoryEvent; why: string }): Violation {
  const by = `${who(d.since)} returned from acquire()`;
  const e = late.event;
  const what = isSemaphoreEvent(e) ? `${e.kind} on sem '${e.sem}'` : `${e.kind} ${JSON.stringify(e.tag)}`;
  return {
    property: 'wakeup-latency',
    outcome: WAKEUP_LATENCY_OUTCOME,
    step: e.step,
    message:
      `wake-up latency on sem '${sem}' (${loop}): ${who(d.waiter.call)} was due from ${at(d.since)} (${by} with ` +
      `${count(d.free, 'permit')} free for the ${count(d.ahead + 1, 'waiter')} in line up to it) but stayed parked until step ` +
      `${d.waiter.end!.step} while ${who(e)}, ${late.why}, ran (${what} at ${at(e)})`,
  };
}

/** Tasks that acquire an asyncio semaphore with a timeout somewhere in their ops. */
function timedTasks(scenario: Scenario): Set<string> {
  const timed = (ops: readonly Op[]): boolean =>
    ops.some(
      (op) =>
        (op.op === 'acquire' && op.timeout !== undefined && scenario.semaphores[op.sem ?? Object.keys(scenario.semaphores)[0]!]?.kind === 'asyncio') ||
        ((op.op === 'with' || op.op === 'repeat') && timed(op.body)),
    );
  return new Set(
    scenario.threads.flatMap((t) =>
      threadTasks(t)
        .filter((task) => timed(task.ops))
        .map((task) => task.name),
    ),
  );
}
