/**
 * A selector event loop, following CPython 3.11 Lib/asyncio/base_events.py, on the virtual
 * clock, with a virtual selector that only a self-pipe write (call_soon_threadsafe) or a
 * timeout can wake. `call_soon` from another thread appends to the ready queue without
 * waking a loop blocked in select: that is the real lost wake-up.
 */
import { LABELS } from '../contract/names.ts';
import type { Machine, SimThread } from './machine.ts';
import type { Py } from './instructions.ts';
import { Future } from './future.ts';
import { Task } from './task.ts';
import { RuntimeError } from './errors.ts';

export type Callback = () => Py<void> | void;

export class Handle {
  cancelled = false;
  constructor(readonly callback: Callback) {}
  cancel(): void {
    this.cancelled = true;
  }
}

export class TimerHandle extends Handle {
  constructor(
    readonly when: number,
    /** Scheduling order, the tie-breaker of the default order. */
    readonly seq: number,
    callback: Callback,
  ) {
    super(callback);
  }
}

const SELECT_LABEL = LABELS.select;
const SLOT_LABEL = LABELS.slot;
const TIMERS_LABEL = LABELS.timers;
const NONE: readonly string[] = [];

export class EventLoop {
  private ready: Handle[] = [];
  private scheduled: TimerHandle[] = [];
  private timerSeq = 0;
  private stopping = false;
  private closed = false;
  /** The self-pipe has unread data: the next select returns at once. */
  private pipeWoken = false;
  private owner: SimThread | null = null;
  private readonly tasks: Task<unknown>[] = [];
  private readonly declaredCancellations = new Set<string>();
  private readonly firedCancellations = new Set<string>();
  currentTask: Task<unknown> | null = null;
  // The loop's shared fields, named once (touched at every slot of every run).
  private readonly readyField: string;
  private readonly timersField: string;
  private readonly selectorField: string;

  constructor(
    readonly machine: Machine,
    readonly id: string,
  ) {
    this.readyField = `${id}.ready`;
    this.timersField = `${id}.timers`;
    this.selectorField = `${id}.selector`;
  }

  time(): number {
    this.machine.touch('clock', 'r');
    return this.machine.now;
  }

  /** The scenario declared that `task` may be cancelled at any slot of this loop. */
  declareCancellation(task: string): void {
    this.declaredCancellations.add(task);
  }

  registerTask(t: Task<unknown>): void {
    this.tasks.push(t);
  }

  enterTask(t: Task<unknown>): void {
    if (this.currentTask !== null) throw new RuntimeError(`Cannot enter into task ${t.name} while another task ${this.currentTask.name} is being executed.`);
    this.currentTask = t;
  }

  leaveTask(t: Task<unknown>): void {
    if (this.currentTask === t) this.currentTask = null;
  }

  /** Tasks not done, in creation order (never a WeakSet's order). */
  pendingTasks(): Task<unknown>[] {
    return this.tasks.filter((t) => !t.done());
  }

  findTask(name: string): Task<unknown> | undefined {
    return this.tasks.find((t) => t.name === name);
  }

  createFuture<T>(purpose: string): Future<T> {
    return new Future<T>(this, purpose);
  }

  /** `actor`: the scenario task whose operation the new task runs (wait_for's inner task runs its caller's acquire). */
  createTask<T>(coro: Py<T>, name: string, actor?: string): Task<T> {
    this.checkClosed();
    return new Task<T>(this, coro, name, actor);
  }

  // CPython 3.11 Lib/asyncio/base_events.py BaseEventLoop.call_soon: no thread check (debug off), no wake-up.
  callSoon(cb: Callback): Handle {
    this.checkClosed();
    // Any thread may append (a future resolved elsewhere schedules its callbacks here): shared.
    this.machine.touch(this.readyField, 'w');
    const h = new Handle(cb);
    this.ready.push(h);
    return h;
  }

  // CPython 3.11 Lib/asyncio/base_events.py BaseEventLoop.call_soon_threadsafe: append, then write the self-pipe.
  callSoonThreadsafe(cb: Callback): Handle {
    const h = this.callSoon(cb);
    this.writeToSelf();
    return h;
  }

  callLater(delay: number, cb: Callback): TimerHandle {
    return this.callAt(this.time() + delay, cb);
  }

  callAt(when: number, cb: Callback): TimerHandle {
    this.checkClosed();
    this.machine.touch(this.timersField, 'w');
    const h = new TimerHandle(when, this.timerSeq++, cb);
    this.scheduled.push(h);
    this.scheduled.sort((a, b) => a.when - b.when || a.seq - b.seq);
    return h;
  }

  stop(): void {
    this.stopping = true;
  }

  close(): void {
    this.closed = true;
    this.ready = [];
    this.scheduled = [];
  }

  isClosed(): boolean {
    return this.closed;
  }

  private checkClosed(): void {
    if (this.closed) throw new RuntimeError('Event loop is closed');
  }

  private writeToSelf(): void {
    this.machine.touch(this.selectorField, 'w');
    this.pipeWoken = true;
    const o = this.owner;
    if (o && o.blocker?.kind === 'select' && o.blocker.loop === this) this.machine.unblock(o);
  }

  // CPython 3.11 Lib/asyncio/base_events.py BaseEventLoop.run_until_complete
  *runUntilComplete<T>(fut: Future<T>): Py<T> {
    const stopCb = () => this.stop();
    fut.addDoneCallback(stopCb);
    try {
      yield* this.runForever();
    } finally {
      fut.removeDoneCallback(stopCb);
    }
    if (!fut.done()) throw new RuntimeError('Event loop stopped before Future completed.');
    return fut.result();
  }

  // CPython 3.11 Lib/asyncio/base_events.py BaseEventLoop.run_forever
  *runForever(): Py<void> {
    this.checkClosed();
    const thread = this.machine.running;
    if (thread.runningLoop) throw new RuntimeError('Cannot run the event loop while another loop is running');
    this.owner = thread;
    thread.runningLoop = this;
    try {
      for (;;) {
        yield* this.runOnce();
        if (this.stopping) break;
      }
    } finally {
      this.stopping = false;
      this.owner = null;
      thread.runningLoop = null;
    }
  }

  // CPython 3.11 Lib/asyncio/base_events.py BaseEventLoop._run_once
  private *runOnce(): Py<void> {
    this.machine.touch(this.timersField, 'w');
    this.machine.touch(this.readyField, 'w');
    while (this.scheduled.length && this.scheduled[0]!.cancelled) this.scheduled.shift();
    let timeout: number | null = null;
    if (this.ready.length || this.stopping) timeout = 0;
    else if (this.scheduled.length) timeout = Math.max(0, this.scheduled[0]!.when - this.time());
    yield* this.select(timeout);

    const endTime = this.time();
    if (this.scheduled.length && this.scheduled[0]!.when <= endTime) {
      const due: TimerHandle[] = [];
      while (this.scheduled.length && this.scheduled[0]!.when <= endTime) {
        const h = this.scheduled.shift()!;
        if (!h.cancelled) due.push(h);
      }
      for (const h of this.orderTies(due)) this.ready.push(h);
    }

    const ntodo = this.ready.length;
    for (let i = 0; i < ntodo; i++) {
      this.machine.touch(this.readyField, 'w');
      const h = this.ready.shift()!;
      this.maybeCancel();
      if (h.cancelled) continue;
      const r = h.callback();
      if (r) yield* r;
    }
  }

  /** Timers due at the same instant fire in scheduling order unless a `tie` decision reorders them. */
  private orderTies(due: TimerHandle[]): TimerHandle[] {
    const out: TimerHandle[] = [];
    for (let i = 0; i < due.length; ) {
      let j = i;
      while (j < due.length && due[j]!.when === due[i]!.when) j++;
      const group = due.slice(i, j);
      if (group.length > 1) {
        const order = this.machine.tieDecision(TIMERS_LABEL, group.length);
        out.push(...order.map((k) => group[k]!));
      } else out.push(...group);
      i = j;
    }
    return out;
  }

  /** A loop slot: a declared cancellation may fire here, as if another callback called task.cancel(). */
  private maybeCancel(): void {
    if (this.declaredCancellations.size === 0) {
      this.machine.slotDecision(SLOT_LABEL, NONE);
      return;
    }
    const cancellable = [...this.declaredCancellations].filter((name) => {
      const t = this.findTask(name);
      return t !== undefined && !t.done() && !this.firedCancellations.has(name);
    });
    const name = this.machine.slotDecision(SLOT_LABEL, cancellable);
    if (name === null) return;
    this.firedCancellations.add(name);
    this.machine.note(`declared cancellation fires: ${name}.cancel()`);
    this.findTask(name)!.cancel();
  }

  /** The virtual selector: returns at once on timeout 0 or a pending self-pipe write; else blocks. */
  private *select(timeout: number | null): Py<void> {
    this.machine.touch(this.selectorField, 'w');
    if (this.pipeWoken) {
      this.pipeWoken = false;
      return;
    }
    if (timeout === 0) return;
    const until = timeout === null ? null : this.time() + timeout;
    yield { t: 'block', label: SELECT_LABEL, blocker: { kind: 'select', loop: this, until } };
    this.machine.touch(this.selectorField, 'w');
    this.pipeWoken = false;
  }
}
