/**
 * Who holds a permit when: `acquired` starts a holding, the holder's `release` call ends it.
 * A release by an actor that holds nothing raises the instance's capacity by one, as Python
 * allows; if that release then fails (BoundedSemaphore), the raise is taken back. A holder's
 * release(n) ends its holding and raises the capacity by the other n - 1.
 */
import { actorKey } from '../models/operations.ts';
import { semaphoreEvents, type HistoryEvent, type SemaphoreEvent } from '../src/contract/events.ts';

export interface Holding {
  /** `actorKey`: "T1/B" or "T1". */
  readonly actor: string;
  readonly thread: string;
  readonly loop: string | null;
  /** The `acquired` event that started it. */
  readonly since: SemaphoreEvent;
}

/** The holders of one instance right after one of its `acquired` events. */
export interface HolderSnapshot {
  readonly event: SemaphoreEvent;
  /** Including the actor that just acquired, oldest first. */
  readonly holders: readonly Holding[];
  /** Releases by non-holders so far that did not fail: extra capacity. */
  readonly extra: number;
}

/** One snapshot per `acquired` event, in history order. */
export function holderSnapshots(history: readonly HistoryEvent[]): readonly HolderSnapshot[] {
  return walk(history).map(({ snapshot }) => snapshot);
}

type Walk = readonly { readonly snapshot: HolderSnapshot; readonly total: number }[];

/**
 * at-most-n and the census's concurrency figures read the same walk of a finished history: one
 * pass, kept per history array (and its length, so a history that grew is walked afresh).
 */
const walked = new WeakMap<readonly HistoryEvent[], { readonly length: number; readonly walk: Walk }>();

function walk(history: readonly HistoryEvent[]): Walk {
  const hit = walked.get(history);
  if (hit !== undefined && hit.length === history.length) return hit.walk;
  const fresh = walkFresh(history);
  walked.set(history, { length: history.length, walk: fresh });
  return fresh;
}

/** Snapshots, each with the number of holdings on all instances together at that moment. */
function walkFresh(history: readonly HistoryEvent[]): { snapshot: HolderSnapshot; total: number }[] {
  const holders = new Map<string, Holding[]>();
  const extra = new Map<string, number>();
  /** Capacity a release in flight added, taken back if it fails. */
  const extraPending = new Map<string, number>();
  const out: { snapshot: HolderSnapshot; total: number }[] = [];
  let total = 0;
  for (const e of semaphoreEvents(history)) {
    const hs = holders.get(e.sem) ?? [];
    holders.set(e.sem, hs);
    const actor = actorKey(e);
    const key = `${e.sem}\u0000${actor}`;
    if (e.kind === 'acquired') {
      hs.push({ actor, thread: e.thread, loop: e.loop, since: e });
      total += 1;
      out.push({ snapshot: { event: e, holders: [...hs], extra: extra.get(e.sem) ?? 0 }, total });
    } else if (e.kind === 'release') {
      const mine = hs.map((h) => h.actor).lastIndexOf(actor);
      if (mine >= 0) {
        hs.splice(mine, 1);
        total -= 1;
      }
      const added = (e.n ?? 1) - (mine >= 0 ? 1 : 0);
      if (added > 0) {
        extra.set(e.sem, (extra.get(e.sem) ?? 0) + added);
        extraPending.set(key, added);
      }
    } else if (e.op === 'release' && extraPending.has(key)) {
      if (e.kind === 'error') extra.set(e.sem, (extra.get(e.sem) ?? 0) - extraPending.get(key)!);
      extraPending.delete(key);
    }
  }
  return out;
}

export interface Concurrency {
  /** Largest number of holders at once, per instance. */
  readonly perSemaphore: Readonly<Record<string, number>>;
  /** Largest number of holdings at once, all instances together. */
  readonly overall: number;
}

/** The figures of ScenarioReport.concurrency for one run. */
export function maxConcurrency(history: readonly HistoryEvent[]): Concurrency {
  const perSemaphore: Record<string, number> = {};
  let overall = 0;
  for (const { snapshot, total } of walk(history)) {
    const sem = snapshot.event.sem;
    perSemaphore[sem] = Math.max(perSemaphore[sem] ?? 0, snapshot.holders.length);
    overall = Math.max(overall, total);
  }
  return { perSemaphore, overall };
}
