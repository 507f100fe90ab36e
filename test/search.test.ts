/**
 * Systematic search: preemption-bounded exhaustive exploration with happens-before caching.
 *
 * Soundness is checked against plain depth-first search (no reduction) on every built-in
 * scenario: the same outcome kinds, and the same set of histories. Minimality is checked the
 * same way: each kind's reported minimum equals the smallest bound at which plain search first
 * shows it. Counts are printed, so a reader of the log sees what each claim rests on.
 */
import { verdictLine } from '../src/report/text.ts';
import { describe, expect, it } from 'vitest';
import { runSim } from '../src/backends/sim/run.ts';
import { PrefixSource, PrunedRun, nextPrefix, type SeenStates } from '../src/scheduler/prefix-source.ts';
import { analyseRun } from '../src/explore/analyse.ts';
import { checkScenario } from '../src/explore/check.ts';
import { preemptionsOf } from '../src/explore/search/dfs.ts';
import { builtinProperties } from '../properties/index.ts';
import type { Scenario } from '../src/scenario/types.ts';
import type { RunResult } from '../src/contract/run-result.ts';
import { builtin } from './helpers.ts';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { semaphoreEvents } from '../src/contract/events.ts';

/** A history as both searches must find it: who did what to which semaphore, and how the run ended. */
function historyKey(run: RunResult): string {
  return `${semaphoreEvents(run.history)
    .map((e) => `${e.thread}/${e.task ?? '-'} ${e.kind} ${e.sem} ${e.error?.class ?? ''}`)
    .join(';')}|${run.status}`;
}

interface Search {
  executions: number;
  pruned: number;
  kinds: Map<string, number>; // kind -> fewest preemptions
  histories: Set<string>;
}

function dfs(scenario: Scenario, bound: number, reduce: boolean): Search {
  const seen: SeenStates | undefined = reduce ? new Map() : undefined;
  const out: Search = { executions: 0, pruned: 0, kinds: new Map(), histories: new Set() };
  for (let prefix: number[] | null = []; prefix !== null; ) {
    const source = new PrefixSource(prefix, bound, seen);
    try {
      const run = runSim(scenario, { source, model: 'gil', happensBefore: reduce });
      out.executions++;
      out.histories.add(historyKey(run));
      const p = preemptionsOf(source.log);
      for (const k of analyseRun(scenario, run, builtinProperties).kinds) out.kinds.set(k, Math.min(out.kinds.get(k) ?? Infinity, p));
    } catch (e) {
      if (!(e instanceof PrunedRun)) throw e;
      out.pruned++;
    }
    prefix = nextPrefix(source.log);
  }
  return out;
}

const kindsOf = (s: Search) => [...s.kinds.keys()].sort();

describe('happens-before caching is sound: the same outcome kinds and the same histories as plain search', () => {
  // Bound 2 where plain search completes in seconds; bound 1 for the two scenarios whose bound-2 space runs to the hundreds of thousands.
  // The version ports walk their interpreter's bytecode: finer points (3.7-3.9 check before most instructions), the same duty to record every access.
  it.each([
    ['asyncio-4-tasks', 2, 'cpython-3.11'],
    ['asyncio-5-tasks', 2, 'cpython-3.11'],
    ['asyncio-shared-2-threads', 2, 'cpython-3.11'],
    ['asyncio-shared-3-threads', 2, 'cpython-3.11'],
    ['threading-shared', 1, 'cpython-3.11'],
    ['asyncio-per-thread', 1, 'cpython-3.11'],
    ['asyncio-shared-2-threads', 2, 'cpython-3.9'],
    ['asyncio-shared-2-threads', 2, 'cpython-3.13'],
    ['asyncio-shared-3-threads', 1, 'cpython-3.6'],
  ] as const)('%s at bound %i on %s', (id, bound, impl) => {
    const scenario = { ...builtin(id), impl };
    const plain = dfs(scenario, bound, false);
    const reduced = dfs(scenario, bound, true);
    console.log(
      `${id} bound ${bound} on ${impl}: plain ${plain.executions} executions; reduced ${reduced.executions} + ${reduced.pruned} pruned; ${plain.histories.size} histories`,
    );
    expect(kindsOf(reduced)).toEqual(kindsOf(plain));
    expect([...reduced.kinds]).toEqual(expect.arrayContaining([...plain.kinds]));
    expect(reduced.histories).toEqual(plain.histories);
    expect(reduced.executions).toBeLessThanOrEqual(plain.executions);
  });

  it('and it does reduce: asyncio-shared-3-threads at bound 2 needs fewer executions than plain search (3,928)', () => {
    const plain = dfs(builtin('asyncio-shared-3-threads'), 2, false);
    const reduced = dfs(builtin('asyncio-shared-3-threads'), 2, true);
    expect(plain.executions).toBe(3928);
    expect(reduced.executions).toBeLessThan(plain.executions);
  });
});

describe('proven-minimal counterexamples', () => {
  it.each(['asyncio-shared-2-threads', 'asyncio-shared-3-threads'])(
    "%s: each kind's minimum is the smallest bound at which plain search first shows it",
    async (id) => {
      const scenario = builtin(id);
      const firstBound = new Map<string, number>();
      for (let bound = 0; bound <= 3; bound++) {
        for (const [k] of dfs(scenario, bound, false).kinds) if (!firstBound.has(k)) firstBound.set(k, bound);
      }
      const r = await checkScenario(scenario, { seed: 1, backend: 'sim', model: 'gil', confirm: false });
      console.log(`${id}: ${r.outcomes.map((o) => `${o.kind} ${o.minimal?.preemptions} (first at bound ${firstBound.get(o.kind)})`).join(', ')}`);
      for (const o of r.outcomes) {
        expect(o.minimal?.provenMinimal, `${o.kind}: ${o.minimal?.minimality}`).toBe(true);
        expect(o.minimal!.preemptions, o.kind).toBe(firstBound.get(o.kind));
      }
    },
  );

  it('asyncio-shared-2-threads (--json shape): bounded-exhaustive, complete, bound >= 2; hang needs 0 preemptions, over-admission 1', async () => {
    const r = await checkScenario(builtin('asyncio-shared-2-threads'), { seed: 1, backend: 'sim', model: 'gil', confirm: false });
    expect(r.coverage).toMatchObject({ method: 'bounded-exhaustive', complete: true });
    expect(r.coverage.preemptionBound).toBeGreaterThanOrEqual(2);
    const min = (k: string) => r.outcomes.find((o) => o.kind === k)!.minimal!;
    expect(min('hang')).toMatchObject({ preemptions: 0, provenMinimal: true });
    expect(min('over-admission')).toMatchObject({ preemptions: 1, provenMinimal: true });
  });

  it('--search bounded --bound 2 on asyncio-shared-3-threads: the outcome kinds of plain search, with fewer executions', async () => {
    const plain = dfs(builtin('asyncio-shared-3-threads'), 2, false);
    const r = await checkScenario(builtin('asyncio-shared-3-threads'), { seed: 1, backend: 'sim', model: 'gil', confirm: false, search: 'bounded', bound: 2 });
    expect(r.coverage).toMatchObject({ method: 'bounded-exhaustive', preemptionBound: 2, complete: true });
    expect(r.coverage.executions).toBeLessThan(plain.executions);
    expect(r.outcomes.map((o) => o.kind).sort()).toEqual(kindsOf(plain));
  });
});

describe('what a verdict covers', () => {
  it('threading-shared holds for every schedule with at most 1 preemption within the default budget, then samples beyond', async () => {
    const r = await checkScenario(builtin('threading-shared'), { seed: 1, backend: 'sim', model: 'gil', confirm: false });
    expect(r.verdict).toBe('holds');
    expect(r.coverage).toMatchObject({ method: 'bounded-exhaustive', preemptionBound: 1, complete: true });
    expect(r.coverage.sampledBeyond).toBeGreaterThan(0);
    // The bound-2 search that the budget cut short is named with its runs: every run is accounted for.
    expect(r.coverage.searchedBeyond?.bound).toBe(2);
    expect(r.coverage.executions + (r.coverage.searchedBeyond?.runs ?? 0) + (r.coverage.sampledBeyond ?? 0)).toBe(r.runs);
    expect(verdictLine(r)).toContain(
      `then ${r.coverage.searchedBeyond!.runs.toLocaleString('en-US')} runs of the bound-2 search (cut short at the run budget) and`,
    );
  });

  it('a single-threaded scenario is exhaustive: no run ever reached the bound', async () => {
    const r = await checkScenario(builtin('asyncio-4-tasks'), { seed: 1, backend: 'sim', model: 'gil', confirm: false });
    expect(r.coverage).toEqual({ method: 'exhaustive', preemptionBound: null, executions: 4, complete: true });
  });
});

const py311 = findInterpreter('3.11');
describe.skipIf(!py311)(`the real backend enumerates too${py311 ? '' : ' (skipped: no CPython 3.11)'}`, () => {
  it('asyncio-4-tasks on CPython 3.11: every schedule, in at most 20 runs', async () => {
    const r = await checkScenario(builtin('asyncio-4-tasks'), { seed: 1, backend: 'cpython', model: 'gil', python: py311!.path });
    expect(r.coverage).toMatchObject({ method: 'exhaustive', complete: true });
    expect(r.runs).toBeLessThanOrEqual(20);
    expect(r.expectationsMet).toBe(true);
  });

  it("the seed's 3-thread scenario on CPython 3.11: over-admission, wrong-loop and hang, each proven minimal with at most 2 preemptions", async () => {
    const r = await checkScenario(builtin('asyncio-shared-3-threads'), { seed: 1, backend: 'cpython', model: 'gil', python: py311!.path, runs: 600 });
    console.log(
      `CPython 3.11: ${r.coverage.method} bound ${r.coverage.preemptionBound} (${r.coverage.executions} executions); ${r.outcomes.map((o) => `${o.kind} ${o.minimal?.preemptions}`).join(', ')}`,
    );
    expect(r.coverage).toMatchObject({ method: 'bounded-exhaustive', complete: true });
    for (const kind of ['over-admission', 'wrong-loop', 'hang']) {
      const m = r.outcomes.find((o) => o.kind === kind)!.minimal!;
      expect(m.provenMinimal, `${kind}: ${m.minimality}`).toBe(true);
      expect(m.preemptions).toBeLessThanOrEqual(2);
    }
  });
});
