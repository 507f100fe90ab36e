/**
 * The asyncio entry points scenarios use: asyncio.run, asyncio.sleep, asyncio.gather,
 * events._get_running_loop. Each follows CPython 3.11; loop internals are atomic (not code under test).
 */
import type { Machine } from './machine.ts';
import type { Py } from './instructions.ts';
import { EventLoop } from './event-loop.ts';
import { Future, awaitFuture } from './future.ts';
import type { Task } from './task.ts';
import { CancelledError, PyException, RuntimeError } from './errors.ts';

// CPython 3.11 Lib/asyncio/events.py _get_running_loop (C: thread state's running loop)
export function getRunningLoop(machine: Machine): EventLoop | null {
  return machine.running.runningLoop;
}

export function requireRunningLoop(machine: Machine): EventLoop {
  const loop = getRunningLoop(machine);
  if (!loop) throw new RuntimeError('no running event loop');
  return loop;
}

// CPython 3.11 Lib/asyncio/tasks.py sleep
export function* sleep(machine: Machine, delay: number): Py<void> {
  if (delay <= 0) {
    yield { t: 'await', fut: null };
    return;
  }
  const loop = requireRunningLoop(machine);
  const fut = loop.createFuture<null>(`sleep(${delay})`);
  // futures._set_result_unless_cancelled
  const h = loop.callLater(delay, () => {
    if (!fut.cancelled()) fut.setResult(null);
  });
  try {
    yield* awaitFuture(fut);
  } finally {
    h.cancel();
  }
}

/** CPython 3.11 Lib/asyncio/tasks.py _GatheringFuture: cancelling it cancels the children. */
class GatheringFuture extends Future<unknown[]> {
  cancelRequested = false;
  constructor(
    loop: EventLoop,
    readonly children: readonly Task<unknown>[],
  ) {
    super(loop, `gather(${children.map((c) => c.name).join(', ')})`);
  }
  override cancel(): boolean {
    if (this.done()) return false;
    let ret = false;
    for (const c of this.children) if (c.cancel()) ret = true;
    if (ret) this.cancelRequested = true;
    return ret;
  }
}

// CPython 3.11 Lib/asyncio/tasks.py gather (children are coroutines: each becomes a task)
export function gather(loop: EventLoop, coros: readonly { name: string; coro: Py<unknown> }[], returnExceptions = false): Future<unknown[]> {
  return gatherTasks(
    loop,
    coros.map((c) => loop.createTask(c.coro, c.name)),
    returnExceptions,
  );
}

// CPython 3.11 Lib/asyncio/tasks.py gather (children are tasks already: ensure_future returns each as it is)
export function gatherTasks(loop: EventLoop, children: readonly Task<unknown>[], returnExceptions = false): Future<unknown[]> {
  const outer = new GatheringFuture(loop, children);
  if (children.length === 0) {
    outer.setResult([]);
    return outer;
  }
  let finished = 0;
  const onChildDone = (fut: Future<unknown>): void => {
    finished++;
    if (outer.done()) return;
    if (!returnExceptions) {
      if (fut.cancelled()) {
        outer.setException(new CancelledError());
        return;
      }
      const exc = fut.exception();
      if (exc) {
        outer.setException(exc);
        return;
      }
    }
    if (finished === children.length) {
      const results = children.map((c) => (c.cancelled() ? new CancelledError() : (c.exception() ?? c.result())));
      if (outer.cancelRequested) outer.setException(new CancelledError());
      else outer.setResult(results);
    }
  };
  for (const c of children) c.addDoneCallback(onChildDone);
  return outer;
}

// CPython 3.11 Lib/asyncio/runners.py _cancel_all_tasks
function* cancelAllTasks(loop: EventLoop): Py<void> {
  const toCancel = loop.pendingTasks();
  if (toCancel.length === 0) return;
  for (const t of toCancel) t.cancel();
  const all = new GatheringFuture(loop, toCancel);
  let left = toCancel.length;
  for (const t of toCancel) {
    t.addDoneCallback(() => {
      if (--left === 0 && !all.done()) all.setResult([]);
    });
  }
  yield* loop.runUntilComplete(all);
}

/**
 * CPython 3.11 Lib/asyncio/runners.py run / Runner.run / Runner.close: a new loop for this
 * thread, the main task run to completion, remaining tasks cancelled, the loop closed.
 * `main` receives the new loop (as `asyncio.get_running_loop()` would give it).
 */
export function* asyncioRun<T>(machine: Machine, loopId: string, main: (loop: EventLoop) => Py<T>): Py<T> {
  if (getRunningLoop(machine)) throw new RuntimeError('asyncio.run() cannot be called from a running event loop');
  const loop = new EventLoop(machine, loopId);
  const thread = machine.running;
  try {
    const task = loop.createTask(main(loop), `${thread.name}.main`);
    return yield* loop.runUntilComplete(task);
  } finally {
    try {
      yield* cancelAllTasks(loop);
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
    }
    loop.close();
  }
}
