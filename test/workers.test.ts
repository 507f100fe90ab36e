/**
 * `--workers N`: the exploration's units run on worker threads and merge in unit order, so the
 * report is the one a single thread gives, byte for byte (wall-clock seconds aside). Checked on
 * both backends, for sampling and for the bounded search with happens-before pruning, with the
 * pool forced on from the first unit (inlineMs 0). Also: the partition itself covers each
 * subtree once, in depth-first order.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario, type CheckOptions } from '../src/explore/check.ts';
import type { ScenarioReport } from '../src/explore/report-types.ts';
import { WorkerPool } from '../src/explore/pool/worker-pool.ts';
import { SEARCH_UNITS, searchUnits, subtreeRoots } from '../src/explore/search/partition.ts';
import { simRunner } from '../src/backends/sim/runner.ts';
import type { Decision } from '../src/contract/schedule.ts';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { builtin } from './helpers.ts';

/** The report as --json prints it, minus the one figure that may differ (wall-clock seconds). */
function comparable(r: ScenarioReport): string {
  return JSON.stringify(r, (k, v) => (k === 'seconds' ? 0 : v));
}

async function both(id: string, opts: Omit<CheckOptions, 'seed' | 'model' | 'workers' | 'pool'>, pool: WorkerPool): Promise<[ScenarioReport, ScenarioReport]> {
  const base = { seed: 7, model: 'gil' as const, confirm: false, ...opts };
  const one = await checkScenario(builtin(id), { ...base, workers: 1 });
  const many = await checkScenario(builtin(id), { ...base, pool, inlineMs: 0, poolFromRuns: 0 });
  return [one, many];
}

describe('--workers: the report of one thread, from several', () => {
  it('sim, auto (bounded searches with pruning, then sampling beyond): identical reports', async () => {
    const pool = new WorkerPool(2);
    try {
      const [one, many] = await both('asyncio-shared-3-threads', { backend: 'sim', runs: 6000 }, pool);
      console.log(
        `asyncio-shared-3-threads, 6000 runs: ${one.runs} runs, ${one.coverage.method} bound ${one.coverage.preemptionBound}, ${one.coverage.pruned ?? 0} pruned; identical: ${comparable(one) === comparable(many)}`,
      );
      expect(one.coverage.method).toBe('bounded-exhaustive');
      expect(one.coverage.pruned ?? 0).toBeGreaterThan(0);
      expect(one.coverage.sampledBeyond ?? 0).toBeGreaterThan(0);
      expect(comparable(many)).toBe(comparable(one));
    } finally {
      await pool.close();
    }
  });

  it('sim, a bounded search cut by its run limit mid-unit: the same cut, the same report', async () => {
    const pool = new WorkerPool(2);
    try {
      const [one, many] = await both('threading-shared', { backend: 'sim', runs: 1500, search: 'bounded', bound: 2 }, pool);
      expect(one.coverage).toMatchObject({ method: 'bounded-exhaustive', complete: false, executions: 1500 });
      expect(comparable(many)).toBe(comparable(one));
    } finally {
      await pool.close();
    }
  });

  it('sim, random sampling: identical reports', async () => {
    const pool = new WorkerPool(2);
    try {
      const [one, many] = await both('asyncio-shared-2-threads', { backend: 'sim', runs: 3000, search: 'random' }, pool);
      expect(one.runs).toBe(3000);
      expect(comparable(many)).toBe(comparable(one));
    } finally {
      await pool.close();
    }
  });

  const cpython = findInterpreter('3.11');
  it.skipIf(cpython === undefined)('cpython 3.11 (a harness process per thread): identical reports', async () => {
    const pool = new WorkerPool(2);
    try {
      const [one, many] = await both('asyncio-shared-2-threads', { backend: 'cpython', python: '3.11', runs: 400, search: 'random' }, pool);
      expect(one.runs).toBe(400);
      expect(comparable(many)).toBe(comparable(one));
    } finally {
      await pool.close();
    }
  });

  it('an interrupt stops every thread: a partial report, and the pool closes', async () => {
    const pool = new WorkerPool(2);
    const controller = new AbortController();
    try {
      const report = await checkScenario(builtin('asyncio-shared-3-threads'), {
        seed: 1,
        model: 'gil',
        backend: 'sim',
        runs: 200_000,
        search: 'random',
        confirm: false,
        pool,
        inlineMs: 0,
        poolFromRuns: 0,
        signal: controller.signal,
        onProgress: (done) => {
          if (done >= 2000) controller.abort('SIGINT');
        },
      });
      expect(report.partial).toEqual({ signal: 'SIGINT' });
      // The runs merged are the longest unbroken prefix of the units that finished.
      expect(report.runs).toBeGreaterThan(0);
      expect(report.runs).toBeLessThan(200_000);
    } finally {
      await pool.close();
    }
  });
});

describe('the partition of a bounded search', () => {
  const decisionsOf = async (id: string, bound: number): Promise<readonly Decision[]> => {
    const run = await simRunner(builtin(id), 'gil').run({ source: { kind: 'prefix', prefix: [], budget: bound } });
    return run.decisions!;
  };

  it.each([
    ['asyncio-shared-3-threads', 2],
    ['threading-shared', 1],
    ['asyncio-4-tasks', 0],
  ] as const)('%s at bound %i: every subtree once, in depth-first order, in at most SEARCH_UNITS units', async (id, bound) => {
    const decisions = await decisionsOf(id, bound);
    const roots = subtreeRoots(decisions, bound).map((r) => r.root.join(','));
    const units = searchUnits(decisions, bound, 1000, () => undefined);
    const covered = units.flatMap((u) => (u.kind === 'subtree' ? u.roots.map((r) => r.join(',')) : []));
    expect(covered).toEqual(roots);
    expect(units.length).toBeLessThanOrEqual(SEARCH_UNITS);
    // Depth-first order: a deeper branch point comes first; at one point, smaller choices first.
    const keyed = subtreeRoots(decisions, bound).map((r) => [r.root.length, r.root.at(-1)!] as const);
    for (let i = 1; i < keyed.length; i++) {
      const [len, c] = keyed[i]!;
      const [plen, pc] = keyed[i - 1]!;
      expect(len < plen || (len === plen && c > pc)).toBe(true);
    }
  });
});
