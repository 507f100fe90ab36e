/**
 * What a user needs to write a semaphore in TypeScript against the simulated runtime, and
 * nothing more: the library re-exports this (`import { point, labeller, ... } from 'semverify'`),
 * so the runtime's internals can change behind it. Documented in docs/api.md ("Checking your own
 * implementation"), with a worked example in test/fixtures/project/racy-semaphore.mjs.
 *
 * - Scheduling points: `yield point(label)` where another thread may take over (under the GIL and
 *   free-threaded), `yield ftPoint(label)` where only a free-threaded build switches; `labeller`
 *   makes stable labels (`file:qualname:line`) that schedules and traces name.
 * - Locks: `args.rt.newLock(name)` is a `_thread.lock` (`yield* lock.acquire(label, blocking?)`, `lock.release(label)`).
 * - Futures: `loop.createFuture()` on the running loop (`getRunningLoop(args.rt.machine)`),
 *   `yield* awaitFuture(fut)`, `fut.setResult(v)`, `fut.cancelled()`...
 * - Shared state: `PyDeque` and `trackFields(cls, ['_value'])` record each access, so traces show
 *   what a step read and wrote and equivalent schedules are recognised.
 * - Python exceptions: `RuntimeError`, `ValueError`, `CancelledError`, `InvalidStateError`.
 */
export { point, ftPoint, labeller, type Py, type Instr } from '../runtime/instructions.ts';
export { PyException, CancelledError, RuntimeError, ValueError, InvalidStateError } from '../runtime/errors.ts';
export { PyDeque } from '../runtime/deque.ts';
export { Future, awaitFuture } from '../runtime/future.ts';
export { getRunningLoop, requireRunningLoop } from '../runtime/asyncio.ts';
export type { SimLock } from '../runtime/lock.ts';
export type { EventLoop } from '../runtime/event-loop.ts';
export type { PyRuntime } from '../runtime/runtime.ts';
export type { AcquireOptions, SemaphoreArgs, SemaphorePort, SemaphoreSnapshot } from './port.ts';
export { trackFields } from './tracked.ts';
export type { UserImplementation } from './user-registry.ts';
