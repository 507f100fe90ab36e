/**
 * asyncio.Semaphore of CPython 3.13.0 (Lib/asyncio/locks.py; family D): 3.10-3.12's hand-off,
 * but a waiter cancelled after the hand-off only gives the permit back, and a `finally` wakes as
 * many waiters as there are permits (`_wake_up_next` now says whether it woke one), so a burst of
 * releases is handed out at once (GH-111694).
 */
import { CancelledError, PyException } from '../../runtime/errors.ts';
import type { Py } from '../../runtime/instructions.ts';
import type { Frame } from '../bytecode/frame.ts';
import { HandOffSemaphore } from './hand-off.ts';

export class WakeManySemaphore extends HandOffSemaphore {
  // CPython 3.13 Lib/asyncio/locks.py Semaphore.acquire
  override *acquire(): Py<boolean> {
    const f = this.frame('Semaphore.acquire');
    const fut = yield* this.fastPathOrEnqueue(f);
    if (fut === null) return true;
    try {
      try {
        yield* this.awaitWaiter(f, fut);
      } catch (e) {
        if (!(e instanceof PyException)) throw e;
        // except exceptions.CancelledError:
        if (yield* f.branch(e instanceof CancelledError)) {
          // if fut.done() and not fut.cancelled(): self._value += 1
          if (yield* f.branch(yield* f.callC('done', () => fut.done()))) {
            if (!(yield* f.branch(yield* f.callC('cancelled', () => fut.cancelled())))) yield* this.addValue(f, 1);
          }
        }
        // raise
        yield* f.reraise();
        throw e;
      }
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      // finally: (the exception path)
      yield* this.wakeAsManyAsAllowed(f);
      yield* f.reraise();
      throw e;
    }
    // finally: (the normal path)
    yield* this.wakeAsManyAsAllowed(f);
    yield* f.ret();
    return true;
  }

  /** `while self._value > 0: if not self._wake_up_next(): break` */
  private *wakeAsManyAsAllowed(f: Frame): Py<void> {
    for (;;) {
      yield* f.load('_value');
      if (!(yield* f.branch(this._value > 0))) return;
      if (!(yield* f.branch(yield* f.call('_wake_up_next', 'py', () => this.wakeUpNext())))) return;
    }
  }
}
