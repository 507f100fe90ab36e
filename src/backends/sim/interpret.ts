/**
 * Turns a scenario into simulated Python threads: the code a user would have written
 * (`asyncio.run(main())` with `gather`, or plain functions run one after another), with a
 * scenario point before each operation and the history events around each semaphore call.
 */
import { classifyError, normaliseMessage } from '../../contract/error-rules.ts';
import type { PyError } from '../../contract/events.ts';
import type { Op, Scenario, TaskDecl, ThreadDecl } from '../../scenario/types.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { Implementation, SemaphorePort } from '../../ports/port.ts';
import { point, type Py } from '../../runtime/instructions.ts';
import { CancelledError, PyException, SimulationError } from '../../runtime/errors.ts';
import { asyncioRun, gather, sleep } from '../../runtime/asyncio.ts';
import { awaitFuture } from '../../runtime/future.ts';
import { timeSleep } from '../../runtime/time.ts';
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

  constructor(
    private readonly rt: PyRuntime,
    private readonly scenario: Scenario,
    private readonly impl: Implementation,
  ) {
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
   * does not cancel its siblings, so every task's own outcome stays observable.
   */
  private *main(decl: ThreadDecl, loop: import('../../runtime/event-loop.ts').EventLoop): Py<void> {
    yield point(`scenario:${decl.name}.main:0`);
    yield* this.createPerThread(decl.name);
    for (const c of this.scenario.cancellations ?? []) {
      if (decl.tasks.some((t) => t.name === c.task)) loop.declareCancellation(c.task);
    }
    const g = gather(
      loop,
      decl.tasks.map((task) => ({ name: task.name, coro: this.runOps(task, task.ops, '') })),
      true,
    );
    yield* awaitFuture(g);
  }

  private sem(name: string | undefined): { id: string; port: SemaphorePort } {
    const thread = this.rt.machine.running.name;
    const id = semaphoreId(this.scenario, name ?? defaultSemaphoreName(this.scenario), thread);
    const port = this.semaphores.get(id);
    if (!port) throw new SimulationError(`semaphore ${id} does not exist in thread ${thread}`);
    return { id, port };
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
        yield* this.observed('acquire', id, port.acquire());
        return;
      }
      case 'release': {
        const { id, port } = this.sem(op.sem);
        yield* this.observed('release', id, port.release());
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
        const target = machine.running.runningLoop?.findTask(op.task);
        if (!target) throw new SimulationError(`task ${op.task} is not in this loop`);
        machine.note(`${op.task}.cancel() -> ${target.cancel()}`);
        return;
      }
      case 'repeat':
        for (let k = 0; k < op.times; k++) yield* this.runOps(task, op.body, `${path}.iter${k}.`);
        return;
    }
  }

  private *sleep(seconds: number): Py<void> {
    const machine = this.rt.machine;
    if (machine.running.runningLoop) yield* sleep(machine, seconds);
    else yield* timeSleep(machine, seconds);
  }

  /** Run one semaphore call between its history events: call, then return or exception. */
  private *observed(op: OpName, sem: string, call: Py<unknown>): Py<void> {
    const machine = this.rt.machine;
    machine.emit(op, op, sem);
    try {
      yield* call;
    } catch (e) {
      if (e instanceof CancelledError) machine.emit('cancelled', op, sem);
      else if (e instanceof PyException) machine.emit('error', op, sem, observedError(e, op));
      throw e;
    }
    machine.emit(op === 'acquire' ? 'acquired' : 'released', op, sem);
  }
}

/** The exception as the history records it: classified by the contract's rules, exactly as the harness does. */
function observedError(e: PyException, op: OpName): PyError {
  return { type: e.pyType, message: normaliseMessage(e.message), class: classifyError([e.pyType], e.message, op) };
}
