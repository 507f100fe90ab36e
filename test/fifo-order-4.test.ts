/**
 * GH-111694 (CPython's test_acquire_fifo_order_4, 3.13), written directly against the ports, so
 * that it runs with no interpreter installed and shows the ports' state, not only the records
 * (the scenario, scenarios/cpython-tests/test_acquire_fifo_order_4.json, is checked against the
 * real interpreters in test/cpython-suite.test.ts): a burst of releases must
 * wake every waiter that FIFO held back. 3.10-3.12 wake one more waiter per completed acquire,
 * so a task created meanwhile runs before the last waiter; 3.13 wakes as many as there are
 * permits. The real interpreters agree (the test fails on 3.12 and passes on 3.13:
 * test/cpython-suite.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { PyRuntime } from '../src/runtime/runtime.ts';
import { asyncioRun, sleep } from '../src/runtime/asyncio.ts';
import { awaitFuture } from '../src/runtime/future.ts';
import type { Task } from '../src/runtime/task.ts';
import type { Py } from '../src/runtime/instructions.ts';
import { defaultSource } from '../src/scheduler/source.ts';
import { findImplementation } from '../src/ports/registry.ts';

function fifoOrder4(impl: string): { result: number[]; afterFirstSleep: { value: number; waiters: number } } {
  const rt = new PyRuntime({ model: 'gil', maxSteps: 10_000, source: defaultSource, recordTrace: false });
  const sem = findImplementation(impl)!.asyncio({ rt, id: 'sem', value: 0, bounded: false });
  const result: number[] = [];
  let afterFirstSleep = { value: -1, waiters: -1 };
  const machine = rt.machine;
  machine.addThread('T0', () =>
    asyncioRun(machine, 'loop@T0', function* (loop): Py<void> {
      let t4: Task<void> | null = null;
      // biome-ignore lint/correctness/useYield: c4 never awaits, as in the CPython test
      function* c4(): Py<void> {
        result.push(4);
      }
      function* c1(): Py<void> {
        yield* sem.acquire();
        // Create a fourth task: it should run after c3, not before.
        t4 = loop.createTask(c4(), 'c4');
        result.push(1);
      }
      function* c2(): Py<void> {
        yield* sem.release();
        yield* sem.release();
        yield* sem.release();
        yield* sem.acquire();
        result.push(2);
      }
      function* c3(): Py<void> {
        yield* sem.acquire();
        result.push(3);
      }
      const tasks = [loop.createTask(c1(), 'c1'), loop.createTask(c2(), 'c2'), loop.createTask(c3(), 'c3')];
      yield* sleep(machine, 0);
      afterFirstSleep = { value: sem.snapshot().value, waiters: sem.snapshot().waiters };
      yield* sleep(machine, 0);
      for (const t of [...tasks, t4!]) yield* awaitFuture<void>(t);
    }),
  );
  expect(machine.run().status).toBe('completed');
  return { result, afterFirstSleep };
}

describe('GH-111694: a successful acquire wakes every waiter FIFO held back', () => {
  it.each(['cpython-3.10', 'cpython-3.11', 'cpython-3.12'])('%s wakes one more per acquire: the new task runs before the last waiter', (impl) => {
    const r = fifoOrder4(impl);
    expect(r.afterFirstSleep).toEqual({ value: 2, waiters: 3 });
    expect(r.result).toEqual([1, 2, 4, 3]);
  });

  it('cpython-3.13 wakes as many as there are permits: [1, 2, 3, 4], as the test asserts', () => {
    const r = fifoOrder4('cpython-3.13');
    expect(r.afterFirstSleep).toEqual({ value: 2, waiters: 3 });
    expect(r.result).toEqual([1, 2, 3, 4]);
  });
});
