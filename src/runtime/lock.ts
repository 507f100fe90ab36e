/**
 * `_thread.lock` (threading.Lock): non-reentrant, released by any thread, blocking acquire.
 * A release hands nothing over: it unlocks and wakes one blocked thread (the longest-blocked
 * by default, or the one a `wake` decision names), which must re-acquire when it runs, so a
 * running thread may barge in first, as on a real OS. Every use is an access of the lock
 * (Machine.touch): its state and its waiters are shared.
 */
import type { Machine, SimThread } from './machine.ts';
import type { Py } from './instructions.ts';
import { RuntimeError } from './errors.ts';
import { CLOCK_EPSILON } from './blocker.ts';

export class SimLock {
  private held = false;
  private readonly waiters: SimThread[] = [];

  constructor(
    private readonly machine: Machine,
    readonly name: string,
  ) {}

  private get obj(): string {
    return `lock:${this.name}`;
  }

  locked(): boolean {
    this.machine.touch(this.obj, 'r');
    return this.held;
  }

  /** Called by the machine when a thread blocks on this lock. */
  addWaiter(t: SimThread): void {
    if (!this.waiters.includes(t)) this.waiters.push(t);
  }

  /**
   * lock.acquire(blocking, timeout). `label` is where the caller would block: a blocking point.
   * An uncontended acquire is atomic (C code, no eval-breaker check). With a timeout the thread
   * blocks until the virtual deadline at most, and returns False if the lock is still taken then.
   */
  *acquire(label: string, blocking = true, timeout: number | null = null): Py<boolean> {
    this.machine.touch(this.obj, 'w');
    if (!this.held) {
      this.held = true;
      return true;
    }
    if (!blocking) return false;
    const until = timeout === null || timeout < 0 ? null : this.machine.now + timeout;
    while (this.held) {
      // Blocking registers this thread as a waiter: a write the releaser's choice depends on.
      yield { t: 'block', label, blocker: { kind: 'lock', lock: this, until } };
      this.machine.touch(this.obj, 'w');
      if (until !== null && this.machine.now >= until - CLOCK_EPSILON) {
        // The deadline woke it (or had passed): no longer a waiter. A release that came first
        // still lets it in, as a real lock's timed acquire that loses the race to the timer.
        this.removeWaiter(this.machine.running);
        if (this.held) return false;
      }
    }
    this.held = true;
    return true;
  }

  private removeWaiter(t: SimThread): void {
    const i = this.waiters.indexOf(t);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** lock.release(). `label` is the point after the call, which keys a `wake` decision. */
  release(label: string): void {
    this.machine.touch(this.obj, 'w');
    if (!this.held) throw new RuntimeError('release unlocked lock');
    this.held = false;
    const blocked = this.waiters.filter((w) => w.state === 'blocked');
    if (blocked.length === 0) return;
    const chosen = this.machine.wakeDecision(label, blocked);
    this.waiters.splice(this.waiters.indexOf(chosen), 1);
    this.machine.unblock(chosen);
  }
}
