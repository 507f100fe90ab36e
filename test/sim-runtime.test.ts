/**
 * The simulated runtime and the 3.11 ports on fixed schedules: what the defaults do, what
 * one well-placed preemption does, and that recorded schedules replay exactly.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runSim } from '../src/backends/sim/run.ts';
import { defaultSource } from '../src/scheduler/source.ts';
import { SparseSource } from '../src/scheduler/sparse-source.ts';
import { RandomSource } from '../src/scheduler/random-source.ts';
import type { Scenario } from '../src/scenario/types.ts';
import type { HistoryEvent } from '../src/contract/events.ts';
import { builtin } from './helpers.ts';
import { semaphoreEvents } from '../src/contract/events.ts';

const kinds = (h: readonly HistoryEvent[]) => h.map((e) => `${e.task ?? e.thread}:${e.kind}`);

describe('single loop, asyncio.Semaphore(2), 4 tasks of 1 s', () => {
  const run = runSim(builtin('asyncio-4-tasks'), { source: defaultSource, recordTrace: true });

  it('completes at t=2 with two holders at a time, waiters served in arrival order', () => {
    expect(run.status).toBe('completed');
    expect(run.endTime).toBe(2);
    const acquired = run.history.filter((e) => e.kind === 'acquired').map((e) => [e.task, e.time]);
    expect(acquired).toEqual([
      ['A', 0],
      ['B', 0],
      ['C', 1],
      ['D', 1],
    ]);
    expect(run.history.filter((e) => e.kind === 'waiting').map((e) => e.task)).toEqual(['C', 'D']);
    expect(run.semaphores[0]).toMatchObject({ value: 2, waiters: 0, inFlight: 0, boundLoop: 'loop@T0' });
  });

  it('labels every point with a CPython 3.11 source location', () => {
    const labels = new Set(run.trace.filter((t) => t.what === 'point').map((t) => t.label));
    expect(labels).toContain('asyncio/locks.py:Semaphore.acquire:364');
    expect(labels).toContain('asyncio/locks.py:Semaphore.locked:362');
    expect(labels).toContain('asyncio/mixins.py:_LoopBoundMixin._get_loop:13');
    expect(labels).toContain('asyncio/locks.py:Semaphore._wake_up_next:417');
  });
});

describe('asyncio.Semaphore(1) shared by threads that each run asyncio.run', () => {
  it('2 threads, default schedule: the cross-thread set_result is a lost wake-up (hang)', () => {
    const run = runSim(builtin('asyncio-shared-2-threads'), { source: defaultSource });
    expect(run.status).toBe('hang');
    expect(run.blocked?.[0]).toMatchObject({ thread: 'T1' });
    expect(run.blocked?.[0]?.on).toContain('select(timeout=None) on loop@T1');
    // The permit is in flight to T1's waiter, which its loop will never run.
    expect(run.semaphores[0]).toMatchObject({ value: 0, waiters: 1, inFlight: 1, boundLoop: 'loop@T1' });
  });

  it('3 threads, default schedule: the third thread gets "bound to a different event loop"', () => {
    const run = runSim(builtin('asyncio-shared-3-threads'), { source: defaultSource });
    const err = semaphoreEvents(run.history).find((e) => e.kind === 'error');
    expect(err).toMatchObject({ thread: 'T2', error: { type: 'RuntimeError', class: 'wrong-loop' } });
    expect(err?.error?.message).toBe('<asyncio.locks.Semaphore object at 0x? [locked, waiters:1]> is bound to a different event loop');
  });

  it('one switch after locked() returns and before the decrement admits two holders', () => {
    const schedule = [{ kind: 'switch' as const, thread: 'T0', label: 'asyncio/locks.py:Semaphore.locked:362', occ: 1, to: 'T1' }];
    const run = runSim(builtin('asyncio-shared-2-threads'), { source: new SparseSource(schedule) });
    const acquired = run.history.filter((e) => e.kind === 'acquired');
    expect(acquired.map((e) => e.thread)).toEqual(['T1', 'T0']);
    // Both acquired before either released.
    const firstRelease = run.history.findIndex((e) => e.kind === 'release');
    expect(acquired.every((e) => e.seq < firstRelease)).toBe(true);
    expect(run.schedule).toEqual(schedule);
  });
});

describe('replay', () => {
  it('a random run replays from its recorded schedule to an identical history and trace', () => {
    const scenario = builtin('asyncio-shared-3-threads');
    for (const seed of [1, 2, 3, 4, 5]) {
      const first = runSim(scenario, { source: new RandomSource({ seed, pSwitch: 0.2, pDelay: 0.05, pCancel: 0 }), recordTrace: true });
      const again = runSim(scenario, { source: new SparseSource(first.schedule), recordTrace: true });
      expect(JSON.stringify(again.history)).toBe(JSON.stringify(first.history));
      expect(JSON.stringify(again.trace)).toBe(JSON.stringify(first.trace));
      expect(again.schedule).toEqual(first.schedule);
    }
  });
});

describe('cancellation', () => {
  const scenario: Scenario = {
    id: 'cancel-woken-waiter',
    title: 'a holder releases, then cancels the waiter it just woke',
    semaphores: { sem: { kind: 'asyncio', value: 1 } },
    threads: [
      {
        name: 'T0',
        loop: true,
        tasks: [
          { name: 'A', ops: [{ op: 'acquire' }, { op: 'sleep', seconds: 0 }, { op: 'release' }, { op: 'cancel', task: 'B' }] },
          { name: 'B', ops: [{ op: 'acquire' }, { op: 'release' }] },
          { name: 'C', ops: [{ op: 'acquire' }, { op: 'release' }] },
        ],
      },
    ],
  };

  it('3.11 hands the permit of a cancelled, already woken waiter to the next one (no hang)', () => {
    const run = runSim(scenario, { source: defaultSource });
    expect(run.status).toBe('completed');
    expect(kinds(run.history)).toContain('B:cancelled');
    expect(kinds(run.history)).toContain('C:acquired');
    expect(run.semaphores[0]).toMatchObject({ value: 1, waiters: 0 });
  });
});

describe('versions: the same scenario on the 3.9 and 3.11 ports', () => {
  const scenario = JSON.parse(readFileSync(new URL('../scenarios/extra/gh-90155-cancel-woken-waiter.json', import.meta.url), 'utf8')) as Scenario;

  it('3.11 completes: the cancelled waiter gives its permit back', () => {
    const run = runSim({ ...scenario, impl: 'cpython-3.11' }, { source: defaultSource });
    expect(run.status).toBe('completed');
    expect(kinds(run.history)).toEqual(expect.arrayContaining(['B:cancelled', 'A:acquired']));
  });

  it('3.9 hangs with a free permit: _wakeup_scheduled was never reset (gh-90155)', () => {
    const run = runSim({ ...scenario, impl: 'cpython-3.9' }, { source: defaultSource });
    expect(run.status).toBe('hang');
    expect(run.semaphores[0]).toMatchObject({ value: 1, waiters: 1 });
    expect(run.history.filter((e) => e.task === 'A' && e.kind === 'acquire')).toHaveLength(2);
    expect(run.history.filter((e) => e.task === 'A' && e.kind === 'acquired')).toHaveLength(1);
  });
});
