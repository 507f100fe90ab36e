/**
 * asyncio.wait_for and asyncio.wait, following CPython 3.11 Lib/asyncio/tasks.py (the same code
 * from 3.7 to 3.11), as far as scenarios use them: wait_for around a semaphore's acquire, and
 * wait() on one task. Like the rest of the loop they are not code under test: they add no points,
 * only the futures, tasks and callbacks CPython creates, in the same order (which is what decides
 * who runs when).
 */
import type { Machine } from './machine.ts';
import type { EventLoop } from './event-loop.ts';
import type { Py } from './instructions.ts';
import { awaitFuture, type Future } from './future.ts';
import { requireRunningLoop } from './asyncio.ts';
import { CancelledError, TimeoutError } from './errors.ts';

// CPython 3.11 Lib/asyncio/tasks.py _release_waiter
function releaseWaiter(waiter: Future<null>): void {
  if (!waiter.done()) waiter.setResult(null);
}

// CPython 3.11 Lib/asyncio/tasks.py _cancel_and_wait
function* cancelAndWait(fut: Future<unknown>, loop: EventLoop): Py<void> {
  const waiter = loop.createFuture<null>('_cancel_and_wait waiter');
  const cb = () => releaseWaiter(waiter);
  fut.addDoneCallback(cb);
  try {
    fut.cancel();
    // Not on fut itself: _cancel_and_wait must stay reliably cancellable.
    yield* awaitFuture(waiter);
  } finally {
    fut.removeDoneCallback(cb);
  }
}

/** `fut.result()` after the inner task was cancelled for a timeout: its CancelledError becomes TimeoutError. */
function resultOrTimeout<T>(fut: Future<T>): T {
  try {
    return fut.result();
  } catch (e) {
    if (e instanceof CancelledError) throw new TimeoutError();
    throw e;
  }
}

/**
 * CPython 3.11 Lib/asyncio/tasks.py wait_for, with `fut` a coroutine: ensure_future wraps it in a
 * task of its own (named `name`, its history events attributed to `actor`), which is cancelled,
 * and waited for, when the time is up.
 */
export function* waitFor<T>(machine: Machine, coro: Py<T>, timeout: number | null, name: string, actor: string): Py<T> {
  const loop = requireRunningLoop(machine);
  if (timeout === null) return yield* coro;

  if (timeout <= 0) {
    const fut = loop.createTask(coro, name, actor);
    if (fut.done()) return fut.result();
    yield* cancelAndWait(fut as Future<unknown>, loop);
    return resultOrTimeout(fut);
  }

  const waiter = loop.createFuture<null>(`wait_for(${name}) waiter`);
  const timeoutHandle = loop.callLater(timeout, () => releaseWaiter(waiter));
  const cb = () => releaseWaiter(waiter);
  const fut = loop.createTask(coro, name, actor);
  fut.addDoneCallback(cb);
  try {
    try {
      yield* awaitFuture(waiter);
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      if (fut.done()) return fut.result();
      fut.removeDoneCallback(cb);
      // The inner task must not run on after wait_for returns (bpo-32751).
      yield* cancelAndWait(fut as Future<unknown>, loop);
      throw e;
    }
    if (fut.done()) return fut.result();
    fut.removeDoneCallback(cb);
    yield* cancelAndWait(fut as Future<unknown>, loop);
    return resultOrTimeout(fut);
  } finally {
    timeoutHandle.cancel();
  }
}

/** CPython 3.11 Lib/asyncio/tasks.py wait(fs) with return_when=ALL_COMPLETED and no timeout (its _wait): until every future is done, whatever its outcome. */
export function* waitAll(machine: Machine, fs: readonly Future<unknown>[]): Py<void> {
  const loop = requireRunningLoop(machine);
  const waiter = loop.createFuture<null>(`wait(${fs.length}) waiter`);
  let counter = fs.length;
  const onCompletion = () => {
    counter -= 1;
    if (counter <= 0 && !waiter.done()) waiter.setResult(null);
  };
  for (const f of fs) f.addDoneCallback(onCompletion);
  try {
    yield* awaitFuture(waiter);
  } finally {
    for (const f of fs) f.removeDoneCallback(onCompletion);
  }
}
