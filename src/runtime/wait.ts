/**
 * asyncio.wait_for and asyncio.wait, as far as scenarios use them: wait_for around a semaphore's
 * acquire, and wait() on one task. wait_for changed from release to release, and what it does
 * decides who runs when, whether a timed-out or cancelled caller keeps a permit its acquire took,
 * and whether the acquire runs in a task of its own; so each release's algorithm is here, each
 * function citing the release, file and function it follows, and `waitForOf(follows)` picks the
 * one of the release a port follows (the one place that asks the version):
 *
 * | releases  | wait_for                                                                          |
 * |-----------|-----------------------------------------------------------------------------------|
 * | 3.6       | a task of its own; no case for timeout <= 0 (a timer like any other); on timeout, and when the caller is cancelled, cancels the task without waiting for it |
 * | 3.7       | as 3.6, but timeout <= 0 cancels the task before it runs and raises at once, and a timeout waits for the cancelled task (`_cancel_and_wait`) |
 * | 3.8       | the caller's cancellation returns the task's result when it is done, else cancels and waits; a timeout raises TimeoutError whatever the cancelled task ended with |
 * | 3.9-3.11  | as 3.8, but after a timeout the cancelled task's result is returned when it has one (bpo-40607) |
 * | 3.12+     | no task: the acquire runs in the caller's task under `asyncio.timeout()` (timeouts.py), which cancels the caller and turns that cancellation into TimeoutError; timeout <= 0 as 3.11 |
 *
 * Like the rest of the loop they are not code under test: they add no points, only the futures,
 * tasks, timers and callbacks CPython creates, in the same order (which is what decides who runs when).
 */
import type { Machine } from './machine.ts';
import type { EventLoop, Handle } from './event-loop.ts';
import type { Py } from './instructions.ts';
import { awaitFuture, type Future } from './future.ts';
import { requireRunningLoop } from './asyncio.ts';
import { CancelledError, PyException, RuntimeError, TimeoutError } from './errors.ts';

/**
 * `await asyncio.wait_for(coro, timeout)` of one release: `coro` is the awaitable (a coroutine);
 * where a release wraps it in a task, the task is named `name` and its history events are
 * attributed to `actor` (the caller's scenario task).
 */
export type WaitFor = <T>(machine: Machine, coro: Py<T>, timeout: number | null, name: string, actor: string) => Py<T>;

/** The wait_for of CPython release `follows` ("3.12.1"): the table above. */
export function waitForOf(follows: string): WaitFor {
  const [major = 3, minor = 11] = follows.split('.').map(Number);
  const m = major === 3 ? minor : major < 3 ? 0 : 99;
  if (m <= 6) return waitFor36;
  if (m === 7) return waitFor37;
  if (m === 8) return waitFor38;
  if (m <= 11) return waitFor39;
  return m === 12 ? waitFor312 : waitFor313;
}

// CPython 3.6-3.13 Lib/asyncio/tasks.py _release_waiter
function releaseWaiter(waiter: Future<null>): void {
  if (!waiter.done()) waiter.setResult(null);
}

// CPython 3.7-3.13 Lib/asyncio/tasks.py _cancel_and_wait
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

/** `fut.result()` after the inner task was cancelled for a timeout: its CancelledError becomes TimeoutError, its result is returned (3.9+). */
function resultOrTimeout<T>(fut: Future<T>): T {
  try {
    return fut.result();
  } catch (e) {
    if (e instanceof CancelledError) throw new TimeoutError();
    throw e;
  }
}

/**
 * What every release up to 3.11 shares: the waiter future, the timer that releases it, the task
 * around the coroutine and the done-callback that releases it too. `onCancelled` is the release's
 * answer to the caller being cancelled while it waits, `onTimeout` to the timer coming first.
 */
function* waiterAndTask<T>(
  loop: EventLoop,
  coro: Py<T>,
  timeout: number,
  name: string,
  actor: string,
  onCancelled: (fut: Future<T>, cb: () => void, e: CancelledError) => Py<T>,
  onTimeout: (fut: Future<T>) => Py<T>,
): Py<T> {
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
      return yield* onCancelled(fut, cb, e);
    }
    if (fut.done()) return fut.result();
    fut.removeDoneCallback(cb);
    return yield* onTimeout(fut);
  } finally {
    timeoutHandle.cancel();
  }
}

/** The caller cancelled while waiting, 3.6 and 3.7: cancel the task, do not wait for it or look at it, re-raise. */
// biome-ignore lint/correctness/useYield: this branch of wait_for does not await
function* cancelAndRaise36<T>(fut: Future<T>, cb: () => void, e: CancelledError): Py<T> {
  fut.removeDoneCallback(cb);
  fut.cancel();
  throw e;
}

/**
 * CPython 3.6 Lib/asyncio/tasks.py wait_for: no case for timeout <= 0 (the timer is due at once,
 * and the task may still finish first); the caller's cancellation and the timeout both cancel the
 * task and raise at once, without waiting for it; on the caller's cancellation without looking at
 * what it ended with either, so a permit its acquire already took is lost.
 */
function* waitFor36<T>(machine: Machine, coro: Py<T>, timeout: number | null, name: string, actor: string): Py<T> {
  const loop = requireRunningLoop(machine);
  if (timeout === null) return yield* coro;
  // biome-ignore lint/correctness/useYield: this branch of wait_for does not await
  return yield* waiterAndTask(loop, coro, timeout, name, actor, cancelAndRaise36, function* (fut) {
    fut.cancel();
    throw new TimeoutError();
  });
}

/**
 * CPython 3.7 Lib/asyncio/tasks.py wait_for: timeout <= 0 cancels the new task before it runs and
 * raises TimeoutError without yielding; a timeout cancels the task and waits for it (bpo-32751),
 * then raises TimeoutError whatever it ended with; the caller's cancellation is 3.6's.
 */
function* waitFor37<T>(machine: Machine, coro: Py<T>, timeout: number | null, name: string, actor: string): Py<T> {
  const loop = requireRunningLoop(machine);
  if (timeout === null) return yield* coro;
  if (timeout <= 0) {
    const fut = loop.createTask(coro, name, actor);
    if (fut.done()) return fut.result();
    fut.cancel();
    throw new TimeoutError();
  }
  return yield* waiterAndTask(loop, coro, timeout, name, actor, cancelAndRaise36, function* (fut) {
    yield* cancelAndWait(fut as Future<unknown>, loop);
    throw new TimeoutError();
  });
}

/** The caller cancelled while waiting, 3.8-3.11: the task's result if it is done, else cancel it, wait for it and re-raise. */
function cancelledWhileWaiting38(loop: EventLoop) {
  return function* <T>(fut: Future<T>, cb: () => void, e: CancelledError): Py<T> {
    if (fut.done()) return fut.result();
    fut.removeDoneCallback(cb);
    // The inner task must not run on after wait_for returns (bpo-32751).
    yield* cancelAndWait(fut as Future<unknown>, loop);
    throw e;
  };
}

/**
 * CPython 3.8 Lib/asyncio/tasks.py wait_for: timeout <= 0 cancels the new task and waits for it,
 * then raises TimeoutError even when it finished (its exception, other than CancelledError,
 * propagates); the caller's cancellation returns a finished task's result; a timeout cancels and
 * waits, then raises TimeoutError without looking at the task (a permit it took is lost).
 */
function* waitFor38<T>(machine: Machine, coro: Py<T>, timeout: number | null, name: string, actor: string): Py<T> {
  const loop = requireRunningLoop(machine);
  if (timeout === null) return yield* coro;
  if (timeout <= 0) {
    const fut = loop.createTask(coro, name, actor);
    if (fut.done()) return fut.result();
    yield* cancelAndWait(fut as Future<unknown>, loop);
    resultOrTimeout(fut);
    throw new TimeoutError();
  }
  return yield* waiterAndTask(loop, coro, timeout, name, actor, cancelledWhileWaiting38(loop), function* (fut) {
    yield* cancelAndWait(fut as Future<unknown>, loop);
    throw new TimeoutError();
  });
}

/** timeout <= 0, 3.9-3.13 Lib/asyncio/tasks.py wait_for: cancel the new task and wait for it; its result if it has one, else TimeoutError. */
function* cancelAtOnce39<T>(loop: EventLoop, coro: Py<T>, name: string, actor: string): Py<T> {
  const fut = loop.createTask(coro, name, actor);
  if (fut.done()) return fut.result();
  yield* cancelAndWait(fut as Future<unknown>, loop);
  return resultOrTimeout(fut);
}

/**
 * CPython 3.9, 3.10 and 3.11 Lib/asyncio/tasks.py wait_for (the same code on these paths; 3.9 also
 * takes `loop=`): as 3.8, but after a timeout the cancelled task's result is returned when it
 * finished all the same, and its exception re-raised (bpo-40607).
 */
function* waitFor39<T>(machine: Machine, coro: Py<T>, timeout: number | null, name: string, actor: string): Py<T> {
  const loop = requireRunningLoop(machine);
  if (timeout === null) return yield* coro;
  if (timeout <= 0) return yield* cancelAtOnce39(loop, coro, name, actor);
  return yield* waiterAndTask(loop, coro, timeout, name, actor, cancelledWhileWaiting38(loop), function* (fut) {
    yield* cancelAndWait(fut as Future<unknown>, loop);
    return resultOrTimeout(fut);
  });
}

/**
 * CPython 3.12 Lib/asyncio/tasks.py wait_for: timeout <= 0 as 3.11; otherwise no task: the
 * awaitable runs in the caller's own task under `async with timeouts.timeout(timeout)`.
 */
function* waitFor312<T>(machine: Machine, coro: Py<T>, timeout: number | null, name: string, actor: string): Py<T> {
  const loop = requireRunningLoop(machine);
  if (timeout !== null && timeout <= 0) return yield* cancelAtOnce39(loop, coro, name, actor);
  return yield* underTimeout(loop, coro, timeout, false);
}

/** CPython 3.13 Lib/asyncio/tasks.py wait_for: 3.12's; its timeouts.py differs in Task.uncancel (see underTimeout). */
function* waitFor313<T>(machine: Machine, coro: Py<T>, timeout: number | null, name: string, actor: string): Py<T> {
  const loop = requireRunningLoop(machine);
  if (timeout !== null && timeout <= 0) return yield* cancelAtOnce39(loop, coro, name, actor);
  return yield* underTimeout(loop, coro, timeout, true);
}

/**
 * `async with asyncio.timeout(delay): return await coro`, CPython 3.12/3.13 Lib/asyncio/timeouts.py
 * (timeout, Timeout.__aenter__, reschedule, _on_timeout, __aexit__): at the deadline the caller's
 * task is cancelled (`_on_timeout`); on leaving, an expired timeout whose cancellation is the only
 * one pending (`uncancel()` back to the count on entry) turns the CancelledError into TimeoutError.
 * 3.13's __aexit__ also chains a TimeoutError into another exception's context (nothing a history
 * shows), and its Task.uncancel drops a pending cancellation when the count reaches 0
 * (`uncancelDropsPending`).
 */
function* underTimeout<T>(loop: EventLoop, coro: Py<T>, delay: number | null, uncancelDropsPending: boolean): Py<T> {
  // timeouts.timeout(delay)
  const when = delay === null ? null : loop.time() + delay;
  // Timeout.__aenter__
  const task = loop.currentTask;
  if (task === null) throw new RuntimeError('Timeout should be used inside a task');
  let state: 'ENTERED' | 'EXPIRING' | 'EXPIRED' | 'EXITED' = 'ENTERED';
  const cancelling = task.cancelling();
  // Timeout._on_timeout
  const onTimeout = () => {
    task.cancel();
    state = 'EXPIRING';
    handler = null;
  };
  // Timeout.reschedule(when)
  let handler: Handle | null = when === null ? null : when <= loop.time() ? loop.callSoon(onTimeout) : loop.callAt(when, onTimeout);
  // Timeout.__aexit__: TimeoutError to raise instead, or null.
  const exit = (exc: PyException | null): TimeoutError | null => {
    if (handler !== null) {
      handler.cancel();
      handler = null;
    }
    if (state === 'EXPIRING') {
      state = 'EXPIRED';
      if (task.uncancel(uncancelDropsPending) <= cancelling && exc instanceof CancelledError) return new TimeoutError();
    } else if (state === 'ENTERED') state = 'EXITED';
    return null;
  };
  let result: T;
  try {
    result = yield* coro;
  } catch (e) {
    if (!(e instanceof PyException)) throw e;
    throw exit(e) ?? e;
  }
  const raised = exit(null);
  if (raised) throw raised;
  return result;
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
