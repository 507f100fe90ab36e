/**
 * `_thread.lock.acquire(blocking, timeout)` on the virtual clock (src/runtime/lock.ts), what
 * Condition.wait(timeout) and Semaphore.acquire(timeout=...) stand on: a waiter gives up at its
 * deadline unless a release came first, a deadline already past is a blocking point without a
 * block, and a woken waiter that loses the lock to a barging thread blocks again until its deadline.
 */
import { describe, expect, it } from 'vitest';
import { PyRuntime } from '../src/runtime/runtime.ts';
import { point, type Py } from '../src/runtime/instructions.ts';
import { timeSleep } from '../src/runtime/time.ts';
import type { SimLock } from '../src/runtime/lock.ts';
import { SparseSource } from '../src/scheduler/sparse-source.ts';
import { defaultSource } from '../src/scheduler/source.ts';
import type { Schedule } from '../src/contract/schedule.ts';

type Log = string[];

/** Two threads over one lock: `holder` takes it first (it runs first), `waiter` tries with a timeout. */
function run(
  holder: (rt: PyRuntime, lock: SimLock, log: Log) => Py<void>,
  waiter: (rt: PyRuntime, lock: SimLock, log: Log) => Py<void>,
  schedule: Schedule = [],
) {
  const rt = new PyRuntime({ model: 'gil', maxSteps: 1000, source: schedule.length ? new SparseSource(schedule) : defaultSource, recordTrace: true });
  const lock = rt.newLock('L');
  const log: Log = [];
  rt.machine.addThread('T0', () => holder(rt, lock, log));
  rt.machine.addThread('T1', () => waiter(rt, lock, log));
  const outcome = rt.machine.run();
  return { outcome, log, rt };
}

function* holdFor(rt: PyRuntime, lock: SimLock, log: Log, seconds: number): Py<void> {
  yield* lock.acquire('holder:acquire');
  yield* timeSleep(rt.machine, seconds);
  lock.release('holder:release');
  log.push(`released at ${rt.machine.now}`);
  yield point('holder:after');
}

function* tryFor(rt: PyRuntime, lock: SimLock, log: Log, timeout: number): Py<void> {
  const got = yield* lock.acquire('waiter:acquire', true, timeout);
  log.push(`${got ? 'got' : 'timed out'} at ${rt.machine.now}`);
}

describe('a lock acquire with a virtual deadline', () => {
  it('gives up at the deadline while the lock is held, and the holder still releases it later', () => {
    const r = run(
      (rt, l, log) => holdFor(rt, l, log, 2),
      (rt, l, log) => tryFor(rt, l, log, 0.5),
    );
    expect(r.outcome.status).toBe('completed');
    expect(r.log).toEqual(['timed out at 0.5', 'released at 2']);
  });

  it('gets the lock when the release comes before the deadline', () => {
    const r = run(
      (rt, l, log) => holdFor(rt, l, log, 0.25),
      (rt, l, log) => tryFor(rt, l, log, 1),
    );
    expect(r.log).toEqual(['released at 0.25', 'got at 0.25']);
  });

  it('timeout 0 is a blocking point with no block: False at once, and the time never advances for it', () => {
    const r = run(
      (rt, l, log) => holdFor(rt, l, log, 1),
      (rt, l, log) => tryFor(rt, l, log, 0),
    );
    expect(r.log).toEqual(['timed out at 0', 'released at 1']);
    const blocking = r.rt.machine.trace.filter((t) => t.thread === 'T1' && t.label === 'waiter:acquire');
    expect(blocking).toHaveLength(1);
  });

  it('a switch taken at that blocking point moves the CPU on even though the thread does not block', () => {
    function* holder(rt: PyRuntime, l: SimLock, log: Log): Py<void> {
      yield* l.acquire('holder:acquire');
      yield point('holder:p');
      log.push('holder resumed');
      yield* timeSleep(rt.machine, 1);
      l.release('holder:release');
    }
    const waiter = (rt: PyRuntime, l: SimLock, log: Log) => tryFor(rt, l, log, 0);
    const toWaiter = { kind: 'switch', thread: 'T0', label: 'holder:p', occ: 1, to: 'T1' } as const;
    expect(run(holder, waiter, [toWaiter]).log).toEqual(['timed out at 0', 'holder resumed']);
    const back = { kind: 'switch', thread: 'T1', label: 'waiter:acquire', occ: 1, to: 'T0' } as const;
    expect(run(holder, waiter, [toWaiter, back]).log).toEqual(['holder resumed', 'timed out at 0']);
  });

  it('a woken waiter that finds the lock taken again blocks again, and still gives up at its own deadline', () => {
    const r = run(
      function* (rt, l, log) {
        yield* holdFor(rt, l, log, 0.25);
        // Barge: take the lock again before the woken waiter runs, and keep it past the waiter's deadline.
        yield* l.acquire('holder:again');
        log.push(`holder again at ${rt.machine.now}`);
        yield* timeSleep(rt.machine, 2);
        l.release('holder:release2');
      },
      (rt, l, log) => tryFor(rt, l, log, 1),
    );
    expect(r.log).toEqual(['released at 0.25', 'holder again at 0.25', 'timed out at 1']);
    // Two blocking points for the waiter: the first block, and the block after losing the lock to the barging holder.
    expect(r.rt.machine.trace.filter((t) => t.thread === 'T1' && t.label === 'waiter:acquire')).toHaveLength(2);
  });

  it('without a timeout nothing changes: the waiter blocks until the release', () => {
    const r = run(
      (rt, l, log) => holdFor(rt, l, log, 3),
      (rt, l, log) => tryFor(rt, l, log, -1),
    );
    expect(r.log).toEqual(['released at 3', 'got at 3']);
  });
});
