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

/** The harness's virtual clock tolerance (scheduler.EPS): a deadline this close has passed. */
const DEADLINE_EPS = 1e-9;

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
   * lock.acquire(blocking, timeout). `label` is where the caller would block: a blocking point,
   * before every block (a woken waiter that finds the lock taken again blocks at a new point).
   * An uncontended acquire is atomic (C code, no eval-breaker check). `timeout` >= 0 is a deadline
   * in virtual time, as the harness's virtual lock keeps it: past it, False.
   */
  *acquire(label: string, blocking = true, timeout = -1): Py<boolean> {
    this.machine.touch(this.obj, 'w');
    if (!this.held) {
      this.held = true;
      return true;
    }
    if (!blocking) return false;
    const deadline = timeout >= 0 ? this.machine.now + timeout : null;
    const t = this.machine.running;
    while (this.held) {
      if (deadline !== null && this.machine.now >= deadline - DEADLINE_EPS) {
        // Already due: the blocking point, but no block (Machine.block sees the deadline passed).
        yield { t: 'block', label, blocker: { kind: 'lock', lock: this, until: this.machine.now } };
        return false;
      }
      // Blocking registers this thread as a waiter: a write the releaser's choice depends on.
      yield { t: 'block', label, blocker: deadline === null ? { kind: 'lock', lock: this } : { kind: 'lock', lock: this, until: deadline } };
      this.machine.touch(this.obj, 'w');
      const i = this.waiters.indexOf(t);
      if (i >= 0) {
        // Still a waiter: the clock woke it, not a release.
        this.waiters.splice(i, 1);
        if (this.held) return false;
      }
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
