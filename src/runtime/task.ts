/**
 * asyncio.Task, following CPython 3.11 Lib/asyncio/tasks.py (semantics of the C Task):
 * a task steps its coroutine; points and blocks the coroutine yields pass through to the
 * thread; an `await` on a pending future parks the task until the future's done-callback
 * (scheduled with call_soon on the task's loop) steps it again.
 */
import { Future } from './future.ts';
import type { EventLoop } from './event-loop.ts';
import type { Instr, Py } from './instructions.ts';
import { CancelledError, PyException, RuntimeError } from './errors.ts';

export class Task<T> extends Future<T> {
  private mustCancel = false;
  /** Task.cancel(msg)'s message while the cancellation is pending (its own, apart from the future's). */
  private pendingCancelMessage = '';
  private futWaiter: Future<unknown> | null = null;
  /** Task._num_cancels_requested (3.11+): what asyncio.timeout() compares to know whose cancellation it sees. */
  private numCancelsRequested = 0;

  /** The scenario task whose operations this task runs: its own name, or (wait_for's inner task) its caller's. History events name it. */
  readonly actor: string;

  constructor(
    loop: EventLoop,
    private readonly coro: Py<T>,
    readonly name: string,
    actor?: string,
  ) {
    super(loop, `task ${name}`);
    this.actor = actor ?? name;
    loop.registerTask(this as Task<unknown>);
    loop.callSoon(() => this.step(null));
  }

  // CPython 3.11 Lib/asyncio/tasks.py Task.cancel (msg: 3.9+)
  override cancel(msg = ''): boolean {
    this.touch('w');
    if (this.done()) return false;
    this.numCancelsRequested += 1;
    if (this.futWaiter?.cancel(msg)) {
      // The wakeup comes through the waiter's done-callback.
      return true;
    }
    this.mustCancel = true;
    this.pendingCancelMessage = msg;
    return true;
  }

  // CPython 3.11 Lib/asyncio/tasks.py Task.cancelling
  cancelling(): number {
    this.touch('r');
    return this.numCancelsRequested;
  }

  /**
   * CPython 3.11/3.12 Lib/asyncio/tasks.py Task.uncancel; with `dropsPending`, 3.13's, which also
   * forgets a cancellation not yet delivered when the count reaches 0.
   */
  uncancel(dropsPending: boolean): number {
    this.touch('w');
    if (this.numCancelsRequested > 0) {
      this.numCancelsRequested -= 1;
      if (dropsPending && this.numCancelsRequested === 0) this.mustCancel = false;
    }
    return this.numCancelsRequested;
  }

  describeWait(): string {
    if (this.futWaiter) return `${this.futWaiter.purpose} (${this.futWaiter.done() ? 'done, wakeup pending' : 'pending'})`;
    return this.mustCancel ? 'cancellation pending' : 'ready to run';
  }

  // CPython 3.11 Lib/asyncio/tasks.py Task.__step / __step_run_and_handle_result
  *step(exc: PyException | null): Py<void> {
    this.touch('w');
    if (this.done()) throw new RuntimeError(`_step(): already done: ${this.name}`);
    let toThrow: PyException | null = exc;
    if (this.mustCancel) {
      if (!(toThrow instanceof CancelledError)) toThrow = new CancelledError(this.pendingCancelMessage);
      this.mustCancel = false;
    }
    this.futWaiter = null;
    const loop = this.loop;
    loop.enterTask(this as Task<unknown>);
    try {
      for (;;) {
        let r: IteratorResult<Instr, T>;
        try {
          r = toThrow ? this.coro.throw(toThrow) : this.coro.next();
        } catch (e) {
          if (!(e instanceof PyException)) throw e;
          if (e instanceof CancelledError) super.cancel(e.message);
          else this.setException(e);
          return;
        }
        toThrow = null;
        if (r.done) {
          if (this.mustCancel) {
            this.mustCancel = false;
            super.cancel(this.pendingCancelMessage);
          } else this.setResult(r.value);
          return;
        }
        const ins = r.value;
        if (ins.t !== 'await') {
          // A scheduling point or a block inside the coroutine: the thread sees it, the task stays current.
          yield ins;
          continue;
        }
        this.park(ins.fut);
        return;
      }
    } finally {
      loop.leaveTask(this as Task<unknown>);
    }
  }

  private park(fut: Future<unknown> | null): void {
    if (fut === null) {
      // Bare yield (asyncio.sleep(0)): run again on the next loop iteration.
      this.loop.callSoon(() => this.step(null));
      return;
    }
    if (fut.loop !== this.loop) {
      const err = new RuntimeError(`Task <Task ${this.name}> got Future <Future> attached to a different loop`);
      this.loop.callSoon(() => this.step(err));
      return;
    }
    fut.addDoneCallback((f) => this.wakeup(f));
    this.futWaiter = fut;
    if (this.mustCancel && this.futWaiter.cancel(this.pendingCancelMessage)) this.mustCancel = false;
  }

  // CPython 3.11 Lib/asyncio/tasks.py Task.__wakeup
  private *wakeup(fut: Future<unknown>): Py<void> {
    try {
      fut.result();
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      yield* this.step(e);
      return;
    }
    yield* this.step(null);
  }
}
