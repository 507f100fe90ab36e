/**
 * asyncio.Future with CPython's semantics (the C `_asyncio.Future`, whose methods are
 * atomic under the GIL): done-callbacks are scheduled on the future's *own* loop with
 * `call_soon`, from whatever thread calls `set_result`, and that does not wake the loop.
 * Every method is an access of the future (Machine.touch): another thread may resolve it.
 */
import type { EventLoop } from './event-loop.ts';
import type { Py } from './instructions.ts';
import { CancelledError, InvalidStateError, type PyException } from './errors.ts';

export type DoneCallback<T> = (fut: Future<T>) => Py<void> | void;

type State = 'PENDING' | 'CANCELLED' | 'FINISHED';

export class Future<T> {
  private state: State = 'PENDING';
  private value: T | undefined;
  private error: PyException | null = null;
  /** Future.cancel(msg)'s message (3.9+), carried by the CancelledError it raises. */
  private cancelMessage = '';
  private callbacks: DoneCallback<T>[] = [];
  /** Named per creating thread (Machine.freshId), so equivalent runs name it alike. */
  readonly id: string;

  constructor(
    readonly loop: EventLoop,
    /** What this future stands for, for hang reports: "waiter of sem", "sleep(1.0)". */
    readonly purpose: string,
  ) {
    this.id = `fut:${loop.machine.freshId('fut')}`;
  }

  protected touch(mode: 'r' | 'w'): void {
    this.loop.machine.touch(this.id, mode);
  }

  done(): boolean {
    this.touch('r');
    return this.state !== 'PENDING';
  }

  cancelled(): boolean {
    this.touch('r');
    return this.state === 'CANCELLED';
  }

  result(): T {
    this.touch('r');
    if (this.state === 'CANCELLED') throw new CancelledError(this.cancelMessage);
    if (this.state === 'PENDING') throw new InvalidStateError('Result is not ready.');
    if (this.error) throw this.error;
    return this.value as T;
  }

  exception(): PyException | null {
    this.touch('r');
    if (this.state === 'CANCELLED') throw new CancelledError(this.cancelMessage);
    if (this.state === 'PENDING') throw new InvalidStateError('Exception is not set.');
    return this.error;
  }

  // CPython 3.11 Modules/_asynciomodule.c future_set_result (Lib/asyncio/futures.py Future.set_result)
  setResult(value: T): void {
    this.touch('w');
    if (this.state !== 'PENDING') throw new InvalidStateError(`invalid state: ${this.state}`);
    this.value = value;
    this.state = 'FINISHED';
    this.scheduleCallbacks();
  }

  setException(error: PyException): void {
    this.touch('w');
    if (this.state !== 'PENDING') throw new InvalidStateError(`invalid state: ${this.state}`);
    this.error = error;
    this.state = 'FINISHED';
    this.scheduleCallbacks();
  }

  // CPython 3.11 Lib/asyncio/futures.py Future.cancel
  cancel(msg = ''): boolean {
    this.touch('w');
    if (this.state !== 'PENDING') return false;
    this.state = 'CANCELLED';
    this.cancelMessage = msg;
    this.scheduleCallbacks();
    return true;
  }

  addDoneCallback(cb: DoneCallback<T>): void {
    this.touch('w');
    if (this.state !== 'PENDING') this.loop.callSoon(() => cb(this));
    else this.callbacks.push(cb);
  }

  removeDoneCallback(cb: DoneCallback<T>): void {
    this.touch('w');
    this.callbacks = this.callbacks.filter((c) => c !== cb);
  }

  // CPython 3.11 Lib/asyncio/futures.py Future.__schedule_callbacks: call_soon on the future's loop, whoever calls.
  private scheduleCallbacks(): void {
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) this.loop.callSoon(() => cb(this));
  }
}

/** `await fut` (Future.__await__): suspend the task while pending, then return the result or raise. */
export function* awaitFuture<T>(fut: Future<T>): Py<T> {
  if (!fut.done()) yield { t: 'await', fut: fut as Future<unknown> };
  return fut.result();
}
