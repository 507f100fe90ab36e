/**
 * Why a minimal counterexample fails, in words: the race its preemptions (or its lack of them)
 * expose, read off the trace's record of what each step read and wrote.
 *
 * - check-then-act: a thread read a shared field, was preempted, another thread wrote that field,
 *   and the first thread then wrote it too, acting on what it had read.
 * - stale read: as above, but the preempted thread acts on the stale value without writing it back.
 * - lost wake-up: a thread waits in select(timeout=None) for its waiter future; another thread
 *   resolves that future, which schedules the wake-up on the waiting thread's loop with call_soon,
 *   and nothing wakes that loop's selector.
 * - loop binding: an acquire on one loop finds the semaphore bound to another loop's contended acquire.
 *
 * Only backends that record the accesses of each step (the simulation) can be explained; the
 * real backend's traces carry none, and get no explanation.
 */
import { isSemaphoreState, type TraceEntry } from '../contract/run-result.ts';
import { semaphoreEvents, type HistoryEvent } from '../contract/events.ts';
import type { Deviation, Schedule } from '../contract/schedule.ts';
import { OUTCOME } from '../contract/outcomes.ts';

export type RaceKind = 'check-then-act' | 'stale-read' | 'lost-wake-up' | 'loop-binding';

export interface Explanation {
  readonly race: RaceKind;
  readonly text: string;
}

interface Counterexample {
  readonly trace: readonly TraceEntry[];
  readonly schedule: Schedule;
  readonly history: readonly HistoryEvent[];
}

export function explain(kind: string, m: Counterexample): Explanation | undefined {
  if (kind === OUTCOME.ok || !m.trace.some((t) => t.reads !== undefined || t.writes !== undefined)) return undefined;
  if (kind === OUTCOME.hang) return lostWakeUp(m.trace) ?? preemptionRace(m);
  if (kind === OUTCOME.wrongLoop) return loopBinding(m.trace, m.history) ?? preemptionRace(m);
  return preemptionRace(m);
}

const isEvent = (t: TraceEntry) => t.label === 'event';

/** A preemption that splits one thread's read of a field from its later action, with another thread's write between. */
function preemptionRace(m: Counterexample): Explanation | undefined {
  for (const d of m.schedule) {
    if (d.kind !== 'switch' && d.kind !== 'delay') continue;
    const at = m.trace.findIndex((t) => t.decision !== undefined && sameDeviation(t.decision, d));
    if (at < 0) continue;
    const a = m.trace[at]!.thread;
    // What the preempted thread read since its current operation began...
    const read = new Map<string, TraceEntry>();
    for (let i = at; i >= 0 && !(m.trace[i]!.thread === a && isEvent(m.trace[i]!) && i < at); i--) {
      const t = m.trace[i]!;
      if (t.thread === a) for (const o of t.reads ?? []) if (isSemaphoreState(o) && !read.has(o)) read.set(o, t);
    }
    // ...what the others wrote before it ran again, and what it did when it did.
    let resumed = at + 1;
    while (resumed < m.trace.length && (m.trace[resumed]!.thread !== a || isEvent(m.trace[resumed]!))) resumed++;
    const written = new Map<string, TraceEntry>();
    for (let i = at + 1; i < resumed; i++) {
      const t = m.trace[i]!;
      if (t.thread !== a) for (const o of t.writes ?? []) if (read.has(o) && !written.has(o)) written.set(o, t);
    }
    if (written.size === 0) continue;
    const after = m.trace[resumed];
    const acted = [...written.keys()].find((o) => after?.writes?.includes(o));
    const field = acted ?? [...written.keys()][0]!;
    const r = read.get(field)!;
    const w = written.get(field)!;
    const how =
      d.kind === 'switch'
        ? `was preempted at ${short(d.label)} (step ${m.trace[at]!.step})`
        : `was delayed by the OS at ${short(d.label)} (step ${m.trace[at]!.step})`;
    if (acted !== undefined && after !== undefined) {
      return {
        race: 'check-then-act',
        text: `${a} read ${field} (step ${r.step}, ${short(r.label)}) and ${how}; ${w.thread} then wrote ${field} (step ${w.step}) before ${a} wrote it at step ${after.step}: check-then-act across a preemption`,
      };
    }
    return {
      race: 'stale-read',
      text: `${a} read ${field} (step ${r.step}, ${short(r.label)}) and ${how}; ${w.thread} then wrote ${field} (step ${w.step}), so ${a} went on from a stale value`,
    };
  }
  return undefined;
}

/** The last row of each thread that blocked in select(timeout=None), and a later call_soon into its loop by another thread, with no selector wake-up after. */
function lostWakeUp(trace: readonly TraceEntry[]): Explanation | undefined {
  for (let i = trace.length - 1; i >= 0; i--) {
    const b = trace[i]!;
    if (b.blocks?.kind !== 'select' || b.blocks.until !== null || trace.slice(i + 1).some((t) => t.thread === b.thread)) continue;
    const loop = b.blocks.loop;
    const later = trace.slice(i + 1);
    const wake = later.find((t) => t.thread !== b.thread && t.writes?.includes(`${loop}.ready`));
    if (wake === undefined || later.some((t) => t.writes?.includes(`${loop}.selector`))) continue;
    const fut = wake.writes?.find((o) => o.startsWith(`fut:${b.thread}.`));
    return {
      race: 'lost-wake-up',
      text:
        `lost wake-up: ${wake.thread} ${fut ? `resolved ${b.thread}'s future ${fut.slice(4)}` : `scheduled a callback on ${loop}`} at ${short(wake.label)} (step ${wake.step}); ` +
        `that schedules the wake-up with call_soon on ${loop} and does not wake its selector, so ${b.thread} waits in select(timeout=None) forever (since step ${b.step})`,
    };
  }
  return undefined;
}

/** Who bound the semaphore to the other loop before the failing acquire. */
function loopBinding(trace: readonly TraceEntry[], history: readonly HistoryEvent[]): Explanation | undefined {
  const err = semaphoreEvents(history).find((e) => e.kind === 'error' && e.error?.class === 'wrong-loop');
  if (err === undefined) return undefined;
  const bind = trace.find((t) => t.step <= err.step && t.thread !== err.thread && (t.writes ?? []).some((o) => o === `${err.sem}._loop`));
  if (bind === undefined) return undefined;
  return {
    race: 'loop-binding',
    text: `${bind.thread}'s contended acquire bound ${err.sem} to its loop at ${short(bind.label)} (step ${bind.step}); ${err.thread}'s acquire on ${err.loop ?? 'its loop'} was then contended and raised ${err.error?.type ?? 'RuntimeError'} (step ${err.step})`,
  };
}

function sameDeviation(a: Deviation, b: Deviation): boolean {
  return a.kind === b.kind && a.thread === b.thread && a.label === b.label && a.occ === b.occ;
}

function short(label: string): string {
  const slash = label.lastIndexOf('/');
  return slash < 0 ? label : label.slice(slash + 1);
}
