/**
 * What a blocked thread waits for. The machine resolves blockers: a lock release wakes a
 * lock waiter, the virtual clock ends sleeps and select timeouts, a self-pipe write wakes a
 * loop's select.
 */
import type { SimLock } from './lock.ts';
import type { EventLoop } from './event-loop.ts';
import type { BlockedOn } from '../contract/run-result.ts';

export type Blocker =
  /** `until`: a timed acquire's virtual deadline (the clock wakes the waiter then); absent: no deadline. */
  | { readonly kind: 'lock'; readonly lock: SimLock; readonly until?: number }
  | { readonly kind: 'sleep'; readonly until: number }
  | { readonly kind: 'select'; readonly loop: EventLoop; readonly until: number | null };

/** What the trace records of a blocker (contract: BlockedOn). */
export function blockedOn(b: Blocker): BlockedOn {
  switch (b.kind) {
    case 'lock':
      return { kind: 'lock', lock: b.lock.name };
    case 'sleep':
      return { kind: 'sleep', until: b.until };
    case 'select':
      return { kind: 'select', loop: b.loop.id, until: b.until };
  }
}

/** The virtual time at which the clock resolves this blocker, or null if only another thread can. */
export function deadlineOf(b: Blocker): number | null {
  if (b.kind === 'sleep') return b.until;
  if (b.kind === 'select') return b.until;
  return b.until ?? null;
}

export function describeBlocker(b: Blocker): string {
  switch (b.kind) {
    case 'lock':
      return b.until === undefined ? `${b.lock.name}.acquire()` : `${b.lock.name}.acquire(timeout) until t=${b.until.toFixed(3)}s`;
    case 'sleep':
      return `time.sleep until t=${b.until.toFixed(3)}s`;
    case 'select':
      return b.until === null
        ? `select(timeout=None) on ${b.loop.id} (only a call_soon_threadsafe or a timer can wake it)`
        : `select(timeout) on ${b.loop.id} until t=${b.until.toFixed(3)}s`;
  }
}
