/**
 * asyncio.Semaphore of CPython 3.9.18 (Lib/asyncio/locks.py; family B): 3.6-3.8's waiter deque
 * plus the `_wakeup_scheduled` flag (3.9.12+), set when a waiter is woken and cleared when it
 * resumes, so that nobody barges past the woken waiter. Only CancelledError is handled: a woken
 * waiter cancelled before it resumes leaves the flag set with nobody to clear it, and every
 * later acquire waits forever with a free permit (gh-90155, never fixed on 3.9).
 */
import { CancelledError, PyException } from '../../runtime/errors.ts';
import type { Py } from '../../runtime/instructions.ts';
import type { PyRuntime } from '../../runtime/runtime.ts';
import type { Frame } from '../bytecode/frame.ts';
import type { PortVersion } from '../bytecode/version.ts';
import { trackFields } from '../tracked.ts';
import { WaiterDequeSemaphore } from './waiter-deque.ts';

export class WakeupScheduledSemaphore extends WaiterDequeSemaphore {
  declare _wakeup_scheduled: boolean;

  // CPython 3.9 Lib/asyncio/locks.py Semaphore.__init__: ... self._wakeup_scheduled = False
  constructor(rt: PyRuntime, id: string, v: PortVersion, value: number, bounded: boolean) {
    super(rt, id, v, value, bounded);
    this._wakeup_scheduled = false;
  }

  protected override *initFlag(f: Frame): Py<void> {
    yield* f.store('_wakeup_scheduled');
  }

  // CPython 3.9 Lib/asyncio/locks.py Semaphore._wake_up_next: after waiter.set_result(None)
  protected override *afterWakeUp(f: Frame): Py<void> {
    // self._wakeup_scheduled = True
    yield* f.store('_wakeup_scheduled');
    this._wakeup_scheduled = true;
  }

  // CPython 3.9 Lib/asyncio/locks.py Semaphore.acquire
  override *acquire(): Py<boolean> {
    const f = this.frame('Semaphore.acquire');
    yield* f.start();
    const onPark = this.parker();
    // while self._wakeup_scheduled or self._value <= 0:
    for (;;) {
      yield* f.load('_wakeup_scheduled');
      if (!(yield* f.branch(this._wakeup_scheduled))) {
        yield* f.load('_value');
        if (!(yield* f.branch(this._value <= 0))) break;
      }
      const fut = yield* this.enqueue(f);
      try {
        // await fut; self._wakeup_scheduled = False
        yield* f.awaitFuture(fut, onPark);
        yield* f.store('_wakeup_scheduled');
        this._wakeup_scheduled = false;
      } catch (e) {
        if (!(e instanceof PyException)) throw e;
        // except exceptions.CancelledError: self._wake_up_next(); raise
        if (yield* f.branch(e instanceof CancelledError)) {
          yield* f.call('_wake_up_next', 'py', () => this.wakeUpNext());
        }
        // A wrong-loop RuntimeError goes on without touching the semaphore: its future stays in the deque.
        yield* f.reraise();
        throw e;
      }
    }
    // self._value -= 1; return True
    return yield* this.takePermit(f);
  }
}

trackFields(WakeupScheduledSemaphore, ['_wakeup_scheduled']);
