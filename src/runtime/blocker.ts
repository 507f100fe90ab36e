/**
 * What a blocked thread waits for. The machine resolves blockers: a lock release wakes a
 * lock waiter, the virtual clock ends sleeps and select timeouts, a self-pipe write wakes a
 * loop's select.
 */
import type { SimLock } from './lock.ts';
import type { EventLoop } from './event-loop.ts';
import type { BlockedOn } from '../contract/run-result.ts';

/**
 * Virtual times closer than this are the same instant: deadlines are sums of floats (now + timeout),
 * compared as the harness compares them (its scheduler's EPS is the same).
 */
export const CLOCK_EPSILON = 1e-9;

export type Blocker =
  /** `until`: lock.acquire(True, timeout)'s deadline, or null (no timeout). */
  | { readonly kind: 'lock'; readonly lock: SimLock; readonly until: number | null }
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
  return b.until;
}

export function describeBlocker(b: Blocker): string {
  switch (b.kind) {
    case 'lock':
      return b.until === null ? `${b.lock.name}.acquire()` : `${b.lock.name}.acquire(timeout) until t=${b.until.toFixed(3)}s`;
    case 'sleep':
      return `time.sleep until t=${b.until.toFixed(3)}s`;
    case 'select':
      return b.until === null
        ? `select(timeout=None) on ${b.loop.id} (only a call_soon_threadsafe or a timer can wake it)`
        : `select(timeout) on ${b.loop.id} until t=${b.until.toFixed(3)}s`;
  }
}
