/**
 * asyncio's _LoopBoundMixin (Lib/asyncio/mixins.py, 3.10+): the loop binds lazily, in
 * `_get_loop()`, the first time a waiter future is needed, under the module's `_global_lock`
 * (double-checked). This is "where does the loop bind?" from 3.10 on; 3.6-3.9 bind at
 * construction (src/ports/asyncio/bind-at-construction.ts).
 */
import { RuntimeError, SimulationError } from '../../runtime/errors.ts';
import type { EventLoop } from '../../runtime/event-loop.ts';
import { getRunningLoop } from '../../runtime/asyncio.ts';
import type { Py } from '../../runtime/instructions.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { PortVersion } from '../bytecode/version.ts';

/** What _get_loop reads of its instance: a tracked `_loop`, and `repr(self)` for the error. */
export interface LoopBound {
  _loop: EventLoop | null;
  readonly rt: PyRuntime;
  repr(): Py<string>;
}

// CPython 3.10-3.13 Lib/asyncio/mixins.py _LoopBoundMixin._get_loop
export function* getLoop(v: PortVersion, self: LoopBound): Py<EventLoop> {
  const f = v.frame('asyncio/mixins.py:_LoopBoundMixin._get_loop');
  yield* f.start();
  const machine = self.rt.machine;
  // loop = events._get_running_loop()
  const loop = yield* f.callC('_get_running_loop', () => getRunningLoop(machine));
  // if self._loop is None:
  yield* f.load('_loop');
  if (yield* f.branchNone(self._loop === null)) {
    // with _global_lock: (a virtual lock on the real interpreter too: Python, not code under test)
    const lock = self.rt.mixinsGlobalLock;
    yield* f.call('__enter__', 'c', () => lock.acquire(f.here()));
    // if self._loop is None: self._loop = loop
    yield* f.load('_loop');
    if (yield* f.branchNone(self._loop === null)) {
      yield* f.store('_loop');
      self._loop = loop;
    }
    yield* f.callC('__exit__', () => lock.release(f.here()));
  }
  // if loop is not self._loop:
  yield* f.load('_loop');
  if (yield* f.branch(loop !== self._loop)) {
    // raise RuntimeError(f'{self!r} is bound to a different event loop')
    const text = yield* f.atPy(['FORMAT_VALUE', 'CONVERT_VALUE'], () => self.repr());
    const err = yield* f.callC('RuntimeError', () => new RuntimeError(`${text} is bound to a different event loop`));
    yield* f.raiseNew();
    throw err;
  }
  // Never on a scenario's path: every semaphore call runs in a loop thread's task.
  if (loop === null) throw new SimulationError('_get_loop() outside a running event loop');
  yield* f.ret();
  return loop;
}
