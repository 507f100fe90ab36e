/**
 * The machine: simulated OS threads, the virtual clock and the scheduler loop.
 *
 * Exactly one thread runs at a time (the GIL). A thread runs until it yields a scheduling
 * point or blocks; at every point the decision source may preempt it. Virtual time advances
 * only when no thread can run. Every non-default decision is recorded as a Deviation keyed
 * by (thread, label, occurrence), so the recorded schedule replays the run exactly.
 * Semantics: docs/execution-model.md.
 */
import type { Blocker } from './blocker.ts';
import { blockedOn, CLOCK_EPSILON, deadlineOf, describeBlocker } from './blocker.ts';
import type { Instr, Py } from './instructions.ts';
import { PyException, SimulationError } from './errors.ts';
import type { EventLoop } from './event-loop.ts';
import type { Task } from './task.ts';
import type { Deviation, PointKey } from '../contract/schedule.ts';
import { normaliseMessage } from '../contract/error-rules.ts';
import { CLOCK_THREAD, LABELS, type PreemptionModel } from '../contract/names.ts';
import type { DecisionSource } from '../scheduler/source.ts';
import type { BlockedThread, RunFailure, RunStatus, TraceEntry } from '../contract/run-result.ts';
import type { HistoryEvent, OpName, PyError, ScenarioEventKind, SemaphoreEvent, SemaphoreEventKind } from '../contract/events.ts';
import { HappensBefore } from './happens-before.ts';

export interface MachineOptions {
  readonly model: PreemptionModel;
  readonly maxSteps: number;
  readonly source: DecisionSource;
  /** Record a trace entry per step (replays and counterexamples); off for bulk exploration. */
  readonly recordTrace: boolean;
  /** Keep the happens-before fingerprint (src/runtime/happens-before.ts) for partial-order reduction. */
  readonly happensBefore?: boolean;
}

type ThreadState = 'runnable' | 'blocked' | 'delayed' | 'done';

export class SimThread {
  state: ThreadState = 'runnable';
  blocker: Blocker | null = null;
  /** The event loop running in this thread (events._get_running_loop()). */
  runningLoop: EventLoop | null = null;
  /** Name of the plain function running, for traces of non-loop threads. */
  activity: string | null = null;
  /** The exception that ended the thread, if any (threading.excepthook would print it). */
  uncaught: PyException | null = null;
  readonly occurrences = new Map<string, number>();
  gen: Py<void> | null = null;

  constructor(
    readonly name: string,
    readonly index: number,
  ) {}

  /** The asyncio task currently stepping in this thread, if any. */
  get task(): Task<unknown> | null {
    return this.runningLoop?.currentTask ?? null;
  }
}

export interface MachineOutcome {
  readonly status: RunStatus;
  readonly blocked: readonly BlockedThread[];
  /** With status 'error': why the run failed, as the harness would report it, and in one line. */
  readonly failure?: { readonly failure: RunFailure; readonly detail: string };
}

export class Machine {
  readonly threads: SimThread[] = [];
  now = 0;
  steps = 0;
  readonly history: HistoryEvent[] = [];
  readonly trace: TraceEntry[] = [];
  readonly applied: Deviation[] = [];
  /** The thread whose code is executing now. */
  current: SimThread | null = null;
  private reads = new Set<string>();
  private writes = new Set<string>();
  /** State-changing decisions taken in the running step, for the happens-before fingerprint. */
  private choices: string[] = [];
  /** Whether steps' accesses are collected (traces or the fingerprint need them); callers may skip building field names when not. */
  readonly tracking: boolean;
  private readonly hb: HappensBefore | null;
  /** Threads the last clock advance woke: their next step depends on it. */
  private readonly wokenByClock = new Set<SimThread>();
  private nextIds = new Map<string, number>();
  private failed: { readonly failure: RunFailure; readonly detail: string } | null = null;

  constructor(readonly options: MachineOptions) {
    this.hb = options.happensBefore === true ? new HappensBefore() : null;
    this.tracking = options.recordTrace || this.hb !== null;
  }

  /**
   * A deterministic per-run id: never real addresses, so replays print identically. Objects a
   * thread creates are numbered per thread ("T1.waiter-lock#2"), so the name does not depend on
   * how the threads interleaved.
   */
  freshId(prefix: string): string {
    const name = this.current ? `${this.current.name}.${prefix}` : prefix;
    const n = (this.nextIds.get(name) ?? 0) + 1;
    this.nextIds.set(name, n);
    return `${name}#${n}`;
  }

  addThread(name: string, body: (t: SimThread) => Py<void>): SimThread {
    const t = new SimThread(name, this.threads.length);
    t.gen = body(t);
    this.threads.push(t);
    return t;
  }

  get running(): SimThread {
    if (!this.current) throw new SimulationError('no thread is running');
    return this.current;
  }

  /**
   * Record that the running step read or wrote a shared object (shown in traces; the
   * happens-before fingerprint's dependencies). Outside a running thread nothing is a step.
   */
  touch(field: string, mode: 'r' | 'w'): void {
    if (!this.tracking || this.current === null) return;
    (mode === 'r' ? this.reads : this.writes).add(field);
  }

  /** Equal for runs so far that are linearizations of the same partial order; '' without happensBefore. */
  fingerprint(): string {
    return this.hb?.fingerprint() ?? '';
  }

  /** The running step ends: its accesses and choices go to the fingerprint; the sets start afresh. */
  private endStep(t: SimThread): void {
    if (!this.tracking) return; // nothing was collected: touch() and the fingerprint are off
    this.hb?.endStep(t.index, this.reads, this.writes, this.choices.join(';'));
    this.reads = new Set();
    this.writes = new Set();
    this.choices = [];
  }

  /**
   * Record a semaphore's history event; an `error` event carries the exception as classified at the
   * observation boundary. (Its fields are written out here and in emitScenario, not spread from a
   * shared base: every explored run emits thousands, and spreading made whole runs a third slower.)
   */
  emit(kind: SemaphoreEventKind, op: OpName, sem: string, detail?: { readonly error?: PyError; readonly n?: number }): void {
    const t = this.running;
    const event: SemaphoreEvent = {
      seq: this.history.length,
      step: this.steps,
      time: this.now,
      thread: t.name,
      loop: t.runningLoop?.id ?? null,
      task: t.task?.actor ?? null,
      sem,
      kind,
      op,
    };
    const error = detail?.error;
    const n = detail?.n;
    this.pushEvent(t, error === undefined && n === undefined ? event : { ...event, ...(error && { error }), ...(n !== undefined && { n }) });
  }

  /** Record one of the scenario's own events (`record`, `spawn`). */
  emitScenario(kind: ScenarioEventKind, tag: string): void {
    const t = this.running;
    this.pushEvent(t, {
      seq: this.history.length,
      step: this.steps,
      time: this.now,
      thread: t.name,
      loop: t.runningLoop?.id ?? null,
      task: t.task?.actor ?? null,
      kind,
      tag,
    });
  }

  private pushEvent(t: SimThread, event: HistoryEvent): void {
    this.touch('history', 'w');
    this.history.push(event);
    if (this.options.recordTrace) {
      this.trace.push({ step: this.steps, time: this.now, thread: t.name, task: this.actorTask(t), label: 'event', what: describeEvent(event) });
    }
  }

  /** A free-form trace note from the runtime (thread finished, task cancelled, ...). */
  note(what: string, thread: SimThread | null = this.current): void {
    if (!this.options.recordTrace || !thread) return;
    this.trace.push({ step: this.steps, time: this.now, thread: thread.name, task: this.actorTask(thread), label: 'note', what });
  }

  private actorTask(t: SimThread): string | null {
    return t.task?.name ?? t.activity;
  }

  private occurrence(t: SimThread, label: string): number {
    const n = (t.occurrences.get(label) ?? 0) + 1;
    t.occurrences.set(label, n);
    return n;
  }

  /** The key the *next* arrival of the running thread at `label` will have (for decisions taken inside a C call). */
  private keyAt(label: string): PointKey {
    const t = this.running;
    return { thread: t.name, label, occ: (t.occurrences.get(label) ?? 0) + 1 };
  }

  // ---------------------------------------------------------------- decisions taken by runtime code

  /** A loop slot: declared cancellations may fire. Counts an occurrence but is not a step. */
  slotDecision(label: string, cancellable: readonly string[]): string | null {
    const t = this.running;
    const key: PointKey = { thread: t.name, label, occ: this.occurrence(t, label) };
    if (cancellable.length === 0) return null;
    const task = this.options.source.slot({ key, cancellable });
    if (task === null || !cancellable.includes(task)) return null;
    this.record({ kind: 'cancel', ...key, task });
    if (this.tracking) this.choices.push(`cancel ${task}`);
    return task;
  }

  /** A lock released at `label` with several waiters: which is woken. */
  wakeDecision(label: string, waiters: readonly SimThread[]): SimThread {
    if (waiters.length < 2) return waiters[0]!;
    const key = this.keyAt(label);
    const options = waiters.map((w) => w.name);
    const i = clampIndex(this.options.source.wake({ key, options }), options.length);
    if (i !== 0) this.record({ kind: 'wake', ...key, waiter: options[i]! });
    if (this.tracking) this.choices.push(`wake ${options[i]!}`);
    return waiters[i]!;
  }

  /** Tied timers at `label`: the order they fire in. */
  tieDecision(label: string, n: number): readonly number[] {
    const t = this.running;
    const key: PointKey = { thread: t.name, label, occ: this.occurrence(t, label) };
    const identity = [...Array(n).keys()];
    const order = this.options.source.tie({ key, options: identity.map(String) });
    if (!order || !isPermutation(order, n) || order.every((v, i) => v === i)) {
      if (this.tracking) this.choices.push(`tie ${identity.join(',')}`);
      return identity;
    }
    this.record({ kind: 'tie', ...key, order: [...order] });
    if (this.tracking) this.choices.push(`tie ${order.join(',')}`);
    return order;
  }

  private record(d: Deviation): void {
    this.applied.push(d);
    if (this.options.recordTrace) {
      const t = this.threads.find((x) => x.name === d.thread) ?? null;
      this.trace.push({
        step: this.steps,
        time: this.now,
        thread: d.thread,
        task: t ? this.actorTask(t) : null,
        label: d.label,
        what: 'decision',
        decision: d,
      });
    }
  }

  // ---------------------------------------------------------------- blocking resolution

  /** Make a blocked thread runnable (its blocking loop re-checks its condition when it runs). */
  unblock(t: SimThread): void {
    if (t.state !== 'blocked') return;
    t.state = 'runnable';
    t.blocker = null;
  }

  // ---------------------------------------------------------------- the scheduler loop

  /**
   * The scenario asked the Python under test for something its version cannot do (what makes the
   * harness fail a run): the run ends at the running thread's next point, with status 'error'.
   */
  failRun(failure: RunFailure, detail: string): void {
    this.failed ??= { failure, detail };
    this.note(`run failed: ${detail}`);
  }

  run(): MachineOutcome {
    const source = this.options.source;
    let clockAdvances = 0;
    for (;;) {
      if (this.failed !== null) return { status: 'error', blocked: [], failure: this.failed };
      if (this.steps >= this.options.maxSteps) return { status: 'step-limit', blocked: this.blockedDetail() };
      let t = this.current && this.current.state === 'runnable' ? this.current : this.firstRunnable();
      if (!t) {
        const woken = this.advanceClock();
        if (woken === null) {
          const unfinished = this.threads.some((x) => x.state !== 'done');
          return { status: unfinished ? 'hang' : 'completed', blocked: unfinished ? this.blockedDetail() : [] };
        }
        clockAdvances++;
        t = woken[0]!;
        if (woken.length > 1) {
          const key: PointKey = { thread: CLOCK_THREAD, label: LABELS.clock, occ: clockAdvances };
          const options = woken.map((w) => w.name);
          const i = clampIndex(source.clock({ key, options }), options.length);
          if (i !== 0) this.record({ kind: 'switch', ...key, to: options[i]! });
          t = woken[i]!;
        }
        // The clock's own step: it writes the time, and wakes these threads in this order.
        this.hb?.endStep(this.threads.length, NO_ACCESS, CLOCK_WRITE, `t=${this.now};woke=${woken.map((w) => w.name).join(',')};first=${t.name}`);
        for (const w of woken) this.wokenByClock.add(w);
      }
      this.current = t;
      this.stepThread(t);
    }
  }

  /** Run `t` until its next point; handle what it yields. */
  private stepThread(t: SimThread): void {
    // A thread the clock woke continues because time advanced: its step depends on the clock.
    if (this.wokenByClock.delete(t)) this.touch('clock', 'r');
    let r: IteratorResult<Instr, void>;
    try {
      r = t.gen!.next();
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      t.uncaught = e;
      this.finish(t, `thread ends with uncaught ${e.pyType}: ${normaliseMessage(e.message)}`);
      return;
    }
    if (r.done) {
      this.finish(t, 'thread finished');
      return;
    }
    const ins = r.value;
    // A failed run ends where the failure happened: the harness stops there, so no further point is taken.
    if (this.failed !== null) return;
    if (ins.t === 'await') throw new SimulationError(`'await' reached thread ${t.name} outside a task`);
    if (ins.t === 'point' && ins.ft && this.options.model !== 'free-threaded') return;
    this.atPoint(t, ins.label, ins.t === 'block' ? ins.blocker : null);
  }

  private finish(t: SimThread, what: string): void {
    this.endStep(t);
    t.state = 'done';
    this.note(what, t);
    this.current = null;
  }

  private atPoint(t: SimThread, label: string, blocker: Blocker | null): void {
    this.steps++;
    const key: PointKey = { thread: t.name, label, occ: this.occurrence(t, label) };
    const { reads, writes } = this;
    // The step ends at this point, before the decision: the state the decision is taken in.
    this.endStep(t);
    // One pass, no intermediate arrays: this runs at every point of every run.
    const others: string[] = [];
    let othersAlive = false;
    for (const x of this.threads) {
      if (x === t) continue;
      if (x.state === 'runnable') others.push(x.name);
      if (x.state !== 'done') othersAlive = true;
    }
    const canDelay = blocker === null && othersAlive;
    const stateKey = () => this.stateKey(t, blocker !== null);
    const choice = this.options.source.point({ key, step: this.steps, others, canDelay, blocking: blocker !== null, stateKey });
    let decision: Deviation | undefined;
    if (choice.kind === 'switch' && others.length > 0) {
      const to = choice.to && others.includes(choice.to) ? choice.to : this.nextAfter(t, others);
      decision = { kind: 'switch', ...key, to };
      this.current = this.threads.find((x) => x.name === to)!;
    } else if (choice.kind === 'delay' && canDelay) {
      decision = { kind: 'delay', ...key };
      t.state = 'delayed';
      this.current = null;
    }
    if (decision) this.applied.push(decision);
    // A timed lock acquire whose deadline has already come does not block (the harness's VLock
    // neither): a switch taken at its point preempts instead. (Sleeps and selects always block.)
    const due = blocker?.kind === 'lock' && (deadlineOf(blocker) ?? Infinity) <= this.now + CLOCK_EPSILON;
    if (blocker && !due) this.block(t, blocker);
    if (this.options.recordTrace) {
      const what = blocker && !due ? `blocks: ${describeBlocker(blocker)}` : 'point';
      this.trace.push({
        step: this.steps,
        time: this.now,
        thread: t.name,
        task: this.actorTask(t),
        label,
        what,
        occ: key.occ,
        ...(blocker && !due ? { blocks: blockedOn(blocker) } : {}),
        ...(reads.size ? { reads: [...reads] } : {}),
        ...(writes.size ? { writes: [...writes] } : {}),
        ...(decision ? { decision } : {}),
      });
    }
  }

  /**
   * What the state at a point of `t` is, for partial-order reduction: the happens-before
   * fingerprint, plus what it does not cover (who runs, the clock, each thread's scheduling state).
   */
  private stateKey(t: SimThread, blocking: boolean): string {
    let states = 0;
    for (const x of this.threads) states = states * 4 + STATE_CODE[x.state];
    return `${this.fingerprint()},${t.index}${blocking ? '!' : ''},${this.now},${states}`;
  }

  private block(t: SimThread, blocker: Blocker): void {
    if (blocker.kind === 'lock') blocker.lock.addWaiter(t);
    if (t.state === 'delayed') {
      // Delayed at a blocking point is not offered (canDelay is false there); keep the invariant explicit.
      throw new SimulationError('a thread cannot be delayed and blocked at once');
    }
    t.state = 'blocked';
    t.blocker = blocker;
    if (this.current === t) this.current = null;
  }

  private firstRunnable(): SimThread | null {
    return this.threads.find((x) => x.state === 'runnable') ?? null;
  }

  private nextAfter(t: SimThread, others: readonly string[]): string {
    const n = this.threads.length;
    for (let i = 1; i <= n; i++) {
      const cand = this.threads[(t.index + i) % n]!;
      if (others.includes(cand.name)) return cand.name;
    }
    return others[0]!;
  }

  /**
   * Nothing can run: jump to the earliest deadline and wake what is due, plus delayed threads.
   * Returns the woken threads in index order, or null when time cannot advance (done or hang).
   */
  private advanceClock(): SimThread[] | null {
    const delayed = this.threads.filter((x) => x.state === 'delayed');
    let earliest: number | null = null;
    for (const x of this.threads) {
      if (x.state !== 'blocked' || !x.blocker) continue;
      const d = deadlineOf(x.blocker);
      if (d !== null && (earliest === null || d < earliest)) earliest = d;
    }
    if (earliest === null && delayed.length === 0) return null;
    if (earliest !== null) this.now = Math.max(this.now, earliest);
    for (const x of delayed) x.state = 'runnable';
    for (const x of this.threads) {
      if (x.state !== 'blocked' || !x.blocker) continue;
      const d = deadlineOf(x.blocker);
      if (d !== null && d <= this.now) this.unblock(x);
    }
    return this.threads.filter((x) => x.state === 'runnable');
  }

  private blockedDetail(): BlockedThread[] {
    return this.threads
      .filter((x) => x.state !== 'done')
      .map((x) => {
        const on = x.state === 'blocked' && x.blocker ? describeBlocker(x.blocker) : x.state;
        const tasks = x.runningLoop?.pendingTasks().map((task) => ({ task: task.name, awaits: task.describeWait() }));
        return { thread: x.name, on, ...(tasks?.length ? { tasks } : {}) };
      });
  }
}

const STATE_CODE: Readonly<Record<ThreadState, number>> = { runnable: 0, blocked: 1, delayed: 2, done: 3 };
const NO_ACCESS: ReadonlySet<string> = new Set();
const CLOCK_WRITE: ReadonlySet<string> = new Set(['clock']);

/** An event as a trace row says it: "acquired sem", "release sem (n=2)", "error sem: ValueError: ...", 'record "1"'. */
function describeEvent(e: HistoryEvent): string {
  if (!('sem' in e)) return `${e.kind} ${JSON.stringify(e.tag)}`;
  if (e.error) return `${e.kind} ${e.sem}: ${e.error.type}: ${e.error.message}`;
  return `${e.kind} ${e.sem}${e.n === undefined ? '' : ` (n=${e.n})`}`;
}

function clampIndex(i: number, n: number): number {
  return Number.isInteger(i) && i >= 0 && i < n ? i : 0;
}

function isPermutation(order: readonly number[], n: number): boolean {
  if (order.length !== n) return false;
  const seen = new Set(order);
  return seen.size === n && order.every((v) => Number.isInteger(v) && v >= 0 && v < n);
}
