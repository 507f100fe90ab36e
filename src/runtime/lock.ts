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
   * lock.acquire(blocking). `label` is where the caller would block: a blocking point.
   * An uncontended acquire is atomic (C code, no eval-breaker check).
   */
  *acquire(label: string, blocking = true): Py<boolean> {
    this.machine.touch(this.obj, 'w');
    if (!this.held) {
      this.held = true;
      return true;
    }
    if (!blocking) return false;
    while (this.held) {
      // Blocking registers this thread as a waiter: a write the releaser's choice depends on.
      yield { t: 'block', label, blocker: { kind: 'lock', lock: this } };
      this.machine.touch(this.obj, 'w');
    }
    this.held = true;
    return true;
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
