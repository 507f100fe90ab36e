/**
 * Turns a scenario into simulated Python threads: the code a user would have written
 * (`asyncio.run(main())` with `gather`, or plain functions run one after another), with a
 * scenario point before each operation and the history events around each semaphore call.
 */
import { classifyError, normaliseMessage } from '../../contract/error-rules.ts';
import type { PyError } from '../../contract/events.ts';
import { threadTasks, type Op, type Scenario, type TaskDecl, type ThreadDecl } from '../../scenario/types.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { Implementation, SemaphorePort } from '../../ports/port.ts';
import { point, type Py } from '../../runtime/instructions.ts';
import { CancelledError, PyException, SimulationError, TimeoutError } from '../../runtime/errors.ts';
import { asyncioRun, gather, gatherTasks, sleep } from '../../runtime/asyncio.ts';
import { awaitFuture } from '../../runtime/future.ts';
import type { EventLoop } from '../../runtime/event-loop.ts';
import type { Task } from '../../runtime/task.ts';
import { timeSleep } from '../../runtime/time.ts';
import { waitAll, waitForOf, type WaitFor } from '../../runtime/wait.ts';
import type { SimThread } from '../../runtime/machine.ts';
import type { OpName } from '../../contract/events.ts';

/** Instance id of semaphore `name` as seen from `thread`. */
export function semaphoreId(scenario: Scenario, name: string, thread: string): string {
  return (scenario.semaphores[name]?.scope ?? 'shared') === 'per-thread' ? `${name}@${thread}` : name;
}

export function defaultSemaphoreName(scenario: Scenario): string {
  const names = Object.keys(scenario.semaphores);
  if (names.length !== 1) throw new SimulationError('an operation without `sem` needs exactly one declared semaphore');
  return names[0]!;
}

export class ScenarioProgram {
  /** Every semaphore instance, in creation order. */
  readonly semaphores = new Map<string, SemaphorePort>();
  /** Tasks `spawn` created in each loop, not yet gathered by the thread's main. */
  private readonly spawned = new Map<EventLoop, Task<unknown>[]>();
  /** `asyncio.wait_for` of the release the implementation follows (src/runtime/wait.ts). */
  private readonly waitFor: WaitFor;

  constructor(
    private readonly rt: PyRuntime,
    private readonly scenario: Scenario,
    private readonly impl: Implementation,
  ) {
    this.waitFor = waitForOf(impl.follows);
    // Shared semaphores: created by the main thread before any thread starts.
    for (const [name, decl] of Object.entries(scenario.semaphores)) {
      if ((decl.scope ?? 'shared') === 'shared') this.create(name, name);
    }
    for (const t of scenario.threads) rt.machine.addThread(t.name, (thread) => this.threadBody(t, thread));
  }

  private create(name: string, id: string): SemaphorePort {
    const decl = this.scenario.semaphores[name]!;
    const make = decl.kind === 'asyncio' ? this.impl.asyncio : this.impl.threading;
    const port = make({ rt: this.rt, id, value: decl.value, bounded: decl.bounded ?? false });
    this.semaphores.set(id, port);
    return port;
  }

  /** Per-thread semaphores, made by the running thread: their constructors' points are that thread's. */
  private *createPerThread(thread: string): Py<void> {
    for (const [name, decl] of Object.entries(this.scenario.semaphores)) {
      if (decl.scope !== 'per-thread') continue;
      const port = this.create(name, `${name}@${thread}`);
      if (port.init) yield* port.init();
    }
  }

  private *threadBody(decl: ThreadDecl, thread: SimThread): Py<void> {
    const machine = this.rt.machine;
    if (!decl.loop) {
      yield* this.createPerThread(decl.name);
      for (const task of decl.tasks) {
        thread.activity = task.name;
        try {
          yield* this.runOps(task, task.ops, '');
        } catch (e) {
          // A plain thread calls its tasks one after another, each under its own `try`: an exception
          // a semaphore call raised (already an `error` event) ends that task only, as in the harness.
          if (!(e instanceof PyException)) throw e;
        }
      }
      return;
    }
    yield* asyncioRun(machine, `loop@${decl.name}`, (loop) => this.main(decl, loop));
  }

  /**
   * `async def main(): await asyncio.gather(*tasks, return_exceptions=True)`, creating per-thread
   * semaphores first. return_exceptions keeps tasks independent: one task's error or cancellation
   * does not cancel its siblings, so every task's own outcome stays observable. Tasks spawned
   * meanwhile are gathered after them, batch by batch, until none is left: the loop ends only
   * when every task it ran has.
   */
  private *main(decl: ThreadDecl, loop: EventLoop): Py<void> {
    yield point(`scenario:${decl.name}.main:0`);
    yield* this.createPerThread(decl.name);
    const mine = threadTasks(decl).map((t) => t.name);
    for (const c of this.scenario.cancellations ?? []) {
      if (mine.includes(c.task)) loop.declareCancellation(c.task);
    }
    const spawned: Task<unknown>[] = [];
    this.spawned.set(loop, spawned);
    const g = gather(
      loop,
      decl.tasks.map((task) => ({ name: task.name, coro: this.runOps(task, task.ops, '') })),
      true,
    );
    yield* awaitFuture(g);
    while (spawned.length > 0) yield* awaitFuture(gatherTasks(loop, spawned.splice(0), true));
  }

  private sem(name: string | undefined): { id: string; port: SemaphorePort } {
    const thread = this.rt.machine.running.name;
    const id = semaphoreId(this.scenario, name ?? defaultSemaphoreName(this.scenario), thread);
    const port = this.semaphores.get(id);
    if (!port) throw new SimulationError(`semaphore ${id} does not exist in thread ${thread}`);
    return { id, port };
  }

  /** A task of the running thread's loop, or undefined when it has not been created (yet). */
  private loopTask(name: string): Task<unknown> | undefined {
    return this.rt.machine.running.runningLoop?.findTask(name);
  }

  private *runOps(task: TaskDecl, ops: readonly Op[], path: string): Py<void> {
    for (let i = 0; i < ops.length; i++) {
      yield point(`scenario:${task.name}:${path}${i}`);
      yield* this.runOp(task, ops[i]!, `${path}${i}`);
    }
  }

  private *runOp(task: TaskDecl, op: Op, path: string): Py<void> {
    const machine = this.rt.machine;
    switch (op.op) {
      case 'acquire': {
        const { id, port } = this.sem(op.sem);
        if (port.kind === 'asyncio' && op.timeout !== undefined) {
          // `await asyncio.wait_for(sem.acquire(), timeout)`: before 3.12 the acquire runs in wait_for's own task.
          const actor = machine.running.task?.actor ?? task.name;
          yield* this.observed('acquire', id, this.waitFor(machine, port.acquire(), op.timeout, `${actor}:wait_for`, actor), true);
          return;
        }
        const plain = op.blocking === undefined && op.timeout === undefined;
        yield* this.observed('acquire', id, plain ? port.acquire() : port.acquire({ blocking: op.blocking ?? true, timeout: op.timeout ?? null }));
        return;
      }
      case 'release': {
        const { id, port } = this.sem(op.sem);
        yield* this.observed('release', id, op.n === undefined ? port.release() : port.release(op.n), false, op.n);
        return;
      }
      case 'with':
      case 'hold': {
        const { id, port } = this.sem(op.sem);
        yield* this.observed('acquire', id, port.enter());
        try {
          if (op.op === 'with') yield* this.runOps(task, op.body, `${path}.body.`);
          else yield* this.sleep(op.seconds);
        } finally {
          yield* this.observed('release', id, port.exit());
        }
        return;
      }
      case 'sleep':
        yield* this.sleep(op.seconds);
        return;
      case 'cancel': {
        const target = this.loopTask(op.task);
        if (!target) {
          machine.note(`${op.task}.cancel(): no such task yet (its spawn has not run): nothing to cancel`);
          return;
        }
        if (op.msg !== undefined && !versionAtLeast(this.impl.follows, 3, 9)) {
          // Task.cancel() takes no msg before 3.9: the harness fails the run there, and so does the port of such a version.
          machine.failRun({ kind: 'code-raised', exception: 'TypeError' }, `task ${task.name}: ${op.task}.cancel(msg) raised TypeError (cancel's msg is 3.9+)`);
          yield point(`scenario:${task.name}:${path}`); // hands control back: the machine ends the run here, taking no point
          return;
        }
        machine.note(`${op.task}.cancel(${op.msg === undefined ? '' : JSON.stringify(op.msg)}) -> ${target.cancel(op.msg)}`);
        return;
      }
      case 'repeat':
        for (let k = 0; k < op.times; k++) yield* this.runOps(task, op.body, `${path}.iter${k}.`);
        return;
      case 'spawn': {
        const loop = machine.running.runningLoop;
        if (!loop) throw new SimulationError(`spawn of ${op.task.name} outside an event loop`);
        // asyncio.create_task: the new task's first step is scheduled now; the thread's main gathers it.
        this.spawned.get(loop)!.push(loop.createTask(this.runOps(op.task, op.task.ops, ''), op.task.name) as Task<unknown>);
        machine.emitScenario('spawn', op.task.name);
        return;
      }
      case 'record':
        machine.emitScenario('record', op.tag);
        return;
      case 'await': {
        const target = this.loopTask(op.task);
        if (!target) {
          machine.note(`await ${op.task}: no such task yet (its spawn has not run): nothing to wait for`);
          return;
        }
        yield* waitAll(machine, [target]);
        return;
      }
    }
  }

  private *sleep(seconds: number): Py<void> {
    const machine = this.rt.machine;
    if (machine.running.runningLoop) yield* sleep(machine, seconds);
    else yield* timeSleep(machine, seconds);
  }

  /**
   * Run one semaphore call between its history events: call, then return or exception. An
   * acquire that returns False ends `not-acquired`; so does a `timed` one (wait_for) that raises
   * TimeoutError, which the task survives: `try: await wait_for(...) except TimeoutError: pass`.
   */
  private *observed(op: OpName, sem: string, call: Py<unknown>, timed = false, n?: number): Py<void> {
    const machine = this.rt.machine;
    machine.emit(op, op, sem, n === undefined ? undefined : { n });
    let result: unknown;
    try {
      result = yield* call;
    } catch (e) {
      if (timed && e instanceof TimeoutError) {
        machine.emit('not-acquired', op, sem);
        return;
      }
      if (e instanceof CancelledError) machine.emit('cancelled', op, sem);
      else if (e instanceof PyException) machine.emit('error', op, sem, { error: observedError(e, op) });
      throw e;
    }
    if (op === 'release') machine.emit('released', op, sem);
    else machine.emit(result === false ? 'not-acquired' : 'acquired', op, sem);
  }
}

/** Whether CPython release `follows` ("3.9.18") is `major.minor` or later. */
function versionAtLeast(follows: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = follows.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/** The exception as the history records it: classified by the contract's rules, exactly as the harness does. */
function observedError(e: PyException, op: OpName): PyError {
  return { type: e.pyType, message: normaliseMessage(e.message), class: classifyError([e.pyType], e.message, op) };
}
