/**
 * The threading ports' paths no scenario reaches yet, on every version's bytecode:
 * acquire(blocking=False), acquire(timeout=...) on the virtual clock, release(n) (3.9+; a
 * TypeError before), and BoundedSemaphore refusing a release past its bound. Each walk must
 * reach the end of its function the way that release's bytecode goes (the walker refuses a port
 * that asks for what the next instructions do not do), with CPython's results.
 */
import { describe, expect, it } from 'vitest';
import { PyRuntime } from '../src/runtime/runtime.ts';
import { PyException } from '../src/runtime/errors.ts';
import type { Py } from '../src/runtime/instructions.ts';
import { timeSleep } from '../src/runtime/time.ts';
import { defaultSource } from '../src/scheduler/source.ts';
import { portVersion } from '../src/ports/bytecode/version.ts';
import { TABLE_VERSIONS } from '../src/ports/labels/table.ts';
import { ThreadingSemaphorePort } from '../src/ports/threading/semaphore.ts';

type Body = (sem: ThreadingSemaphorePort, log: string[], rt: PyRuntime) => Py<void>;

/** Threads over one semaphore, each a body; the log says what happened, and when. */
function run(version: (typeof TABLE_VERSIONS)[number], value: number, bounded: boolean, ...bodies: Body[]) {
  const rt = new PyRuntime({ model: 'gil', maxSteps: 50_000, source: defaultSource, recordTrace: false });
  const sem = new ThreadingSemaphorePort(rt, 'sem', portVersion(version), value, bounded);
  const log: string[] = [];
  for (const [i, body] of bodies.entries()) rt.machine.addThread(`T${i}`, () => body(sem, log, rt));
  const outcome = rt.machine.run();
  return { status: outcome.status, log, value: sem.snapshot().value, waiters: sem.snapshot().waiters };
}

function* attempt(what: string, call: Py<unknown>, log: string[], rt: PyRuntime): Py<void> {
  try {
    log.push(`${what} -> ${String(yield* call)} at ${rt.machine.now}`);
  } catch (e) {
    if (!(e instanceof PyException)) throw e;
    log.push(`${what} -> ${e.pyType}: ${e.message}`);
  }
}

const holdFor = (seconds: number): Body =>
  function* (sem, log, rt) {
    yield* sem.acquire();
    yield* timeSleep(rt.machine, seconds);
    yield* sem.release();
    log.push(`released at ${rt.machine.now}`);
  };

describe.each(TABLE_VERSIONS)('threading.Semaphore on CPython %s', (v) => {
  const minor = Number(v.split('.')[1]);

  it('acquire(blocking=False) on a taken semaphore returns False at once; with a timeout it is a ValueError', () => {
    const r = run(v, 0, false, function* (sem, log, rt) {
      yield* attempt('acquire(False)', sem.acquire({ blocking: false }), log, rt);
      yield* attempt('acquire(False, 1)', sem.acquire({ blocking: false, timeout: 1 }), log, rt);
    });
    expect(r.log).toEqual(['acquire(False) -> false at 0', "acquire(False, 1) -> ValueError: can't specify timeout for non-blocking acquire"]);
  });

  it('acquire(timeout=0.5) gives up at its deadline while the permit is held, and gets one released before it', () => {
    const late = run(v, 1, false, holdFor(2), function* (sem, log, rt) {
      yield* attempt('acquire(timeout=0.5)', sem.acquire({ timeout: 0.5 }), log, rt);
    });
    expect(late.log).toEqual(['acquire(timeout=0.5) -> false at 0.5', 'released at 2']);
    expect(late).toMatchObject({ status: 'completed', value: 1, waiters: 0 });
    const early = run(v, 1, false, holdFor(0.25), function* (sem, log, rt) {
      yield* attempt('acquire(timeout=1)', sem.acquire({ timeout: 1 }), log, rt);
    });
    expect(early.log).toEqual(['released at 0.25', 'acquire(timeout=1) -> true at 0.25']);
    expect(early).toMatchObject({ value: 0, waiters: 0 });
  });

  it(minor >= 9 ? 'release(2) wakes two waiters; release(0) is a ValueError' : 'release(n) is a TypeError for any n, 1 included (no n before 3.9)', () => {
    const waiter: Body = function* (sem, log, rt) {
      yield* attempt('acquire()', sem.acquire(), log, rt);
    };
    const r = run(v, 0, false, waiter, waiter, function* (sem, log, rt) {
      yield* attempt('release(0)', sem.release(0), log, rt);
      yield* attempt('release(2)', sem.release(2), log, rt);
      if (minor <= 8) yield* attempt('release(1)', sem.release(1), log, rt);
    });
    if (minor >= 9) {
      expect(r.log).toEqual([
        'release(0) -> ValueError: n must be one or more',
        'release(2) -> undefined at 0',
        'acquire() -> true at 0',
        'acquire() -> true at 0',
      ]);
      expect(r).toMatchObject({ status: 'completed', value: 0, waiters: 0 });
    } else {
      expect(r.log).toEqual([
        'release(0) -> TypeError: release() takes 1 positional argument but 2 were given',
        'release(2) -> TypeError: release() takes 1 positional argument but 2 were given',
        'release(1) -> TypeError: release() takes 1 positional argument but 2 were given',
      ]);
      expect(r.status).toBe('hang');
    }
  });

  it('BoundedSemaphore refuses a release past its initial value inside `with self._cond`, and the condition is released', () => {
    const r = run(v, 1, true, function* (sem, log, rt) {
      yield* attempt('acquire()', sem.acquire(), log, rt);
      yield* attempt('release()', sem.release(), log, rt);
      yield* attempt('release()', sem.release(), log, rt);
      // The condition's lock must be free again: this acquire does not block.
      yield* attempt('acquire()', sem.acquire(), log, rt);
    });
    expect(r.log).toEqual([
      'acquire() -> true at 0',
      'release() -> undefined at 0',
      'release() -> ValueError: Semaphore released too many times',
      'acquire() -> true at 0',
    ]);
    expect(r).toMatchObject({ status: 'completed', value: 0 });
  });
});
