/**
 * A user-added invariant (properties/examples/no-holder-across-loops.ts), checked like a
 * built-in one: found, counted, shrunk, replayable.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../src/explore/check.ts';
import { builtinProperties } from '../properties/index.ts';
import { noHolderAcrossLoops } from '../properties/examples/no-holder-across-loops.ts';
import { decodeToken } from '../src/explore/token.ts';
import { replayToken } from '../src/explore/replay.ts';
import type { Scenario } from '../src/scenario/types.ts';

const sharedTwo: Scenario = {
  id: 'asyncio-shared-value-2',
  title: 'asyncio.Semaphore(2) shared by 2 threads, each running asyncio.run',
  semaphores: { sem: { kind: 'asyncio', value: 2 } },
  threads: ['T0', 'T1'].map((t) => ({ name: t, loop: true, tasks: [{ name: `${t}-use`, ops: [{ op: 'hold' as const, seconds: 0.1 }] }] })),
};

describe('a user-added invariant', () => {
  it('the built-ins see nothing wrong with a Semaphore(2) shared by two loops', async () => {
    const r = await checkScenario(sharedTwo, { seed: 1, runs: 300, backend: 'sim', model: 'gil' });
    expect(r.verdict).toBe('holds');
  });

  it('no-holder-across-loops is violated, and its counterexample is shrunk and replayable', async () => {
    const properties = [...builtinProperties, noHolderAcrossLoops];
    const r = await checkScenario(sharedTwo, { seed: 1, runs: 300, backend: 'sim', model: 'gil', properties });
    console.log(`${r.id}: ${r.runs} runs; ${r.outcomes.map((o) => `${o.kind}=${o.count}`).join(' ')}`);
    expect(r.properties.find((p) => p.name === 'no-holder-across-loops')).toMatchObject({ status: 'violated' });
    const o = r.outcomes.find((x) => x.kind === 'cross-loop-holders');
    expect(o?.minimal).toBeDefined();
    const m = o!.minimal!;
    // Nothing needs to go wrong in the scheduler: the plain default schedule already shows it.
    expect(m.preemptions).toBe(0);
    expect(m.schedule).toEqual([]);
    const acquired = m.history.filter((e) => e.kind === 'acquired').map((e) => e.loop);
    expect(acquired).toEqual(['loop@T0', 'loop@T1']);
    expect(m.violations.map((v) => v.property)).toEqual(['no-holder-across-loops']);
    // The replay token re-runs it identically (replay checks the built-ins; the trace is the same run).
    const again = await replayToken(decodeToken(m.replay));
    expect(JSON.stringify(again.run.trace)).toBe(JSON.stringify(m.trace));
  });
});
