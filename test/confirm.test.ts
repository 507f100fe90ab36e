/**
 * Simulated counterexamples proven on the real interpreter of the same version (CPython 3.11).
 * Skipped, with the reason printed, on a machine without CPython 3.11.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Scenario } from '../src/scenario/types.ts';
import { checkScenario } from '../src/explore/check.ts';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { builtin } from './helpers.ts';

const py311 = findInterpreter('3.11');
if (!py311) console.log('confirm.test.ts: skipped, no CPython 3.11 interpreter found (python3 or /root/.pyenv/versions/3.11.*)');

describe.skipIf(!py311)('confirmation on CPython 3.11', () => {
  it.each(['asyncio-shared-3-threads', 'asyncio-shared-2-threads'])(
    '%s: every minimal counterexample is confirmed: same history and the same findings',
    async (id) => {
      const r = await checkScenario(builtin(id), { seed: 1, backend: 'sim', model: 'gil' });
      const minimal = r.outcomes.filter((o) => o.minimal);
      expect(minimal.length).toBeGreaterThanOrEqual(2);
      for (const o of minimal) {
        console.log(`${id} ${o.kind}: ${o.minimal!.confirmation?.status} on ${o.minimal!.confirmation?.interpreter} (${o.minimal!.confirmation?.detail})`);
        expect(o.minimal!.confirmation).toMatchObject({ status: 'confirmed', interpreter: py311!.version });
        expect(o.minimal!.confirmation!.detail).toMatch(/^same schedule, same history; same findings: /);
        expect(o.minimal!.confirmation!.detail).toContain(o.kind);
      }
    },
  );

  it('the free-threaded model has no interpreter to confirm on, and says so', async () => {
    const r = await checkScenario(builtin('asyncio-shared-2-threads'), { seed: 1, runs: 300, backend: 'sim', model: 'free-threaded' });
    const o = r.outcomes.find((x) => x.minimal && x.kind !== 'ok')!;
    expect(o.minimal!.confirmation).toMatchObject({ status: 'unavailable', detail: 'the free-threaded model is simulated only' });
  });
});

const py39 = findInterpreter('3.9');
if (!py39) console.log('confirm.test.ts: gh-90155 on 3.9 skipped, no CPython 3.9 interpreter found');

describe('python/cpython gh-90155 (declared cancellation of a woken waiter)', () => {
  const scenario = JSON.parse(readFileSync(new URL('../scenarios/extra/gh-90155-declared-cancel.json', import.meta.url), 'utf8')) as Scenario;

  it('the 3.11 port holds in every schedule of the exhaustive space', async () => {
    const r = await checkScenario(scenario, { seed: 1, backend: 'sim', model: 'gil' });
    expect(r.exhaustive).toBe(true);
    expect(r.verdict).toBe('holds');
  });

  it.skipIf(!py39)('the 3.9 port hangs after one well-placed cancel, confirmed on real 3.9', async () => {
    const r = await checkScenario({ ...scenario, impl: 'cpython-3.9' }, { seed: 1, backend: 'sim', model: 'gil' });
    console.log(`gh-90155 on the 3.9 port: ${r.runs} runs (exhaustive: ${r.exhaustive}); ${r.outcomes.map((o) => `${o.kind}=${o.count}`).join(' ')}`);
    expect(r.exhaustive).toBe(true);
    const bad = r.outcomes.find((o) => o.minimal && o.kind !== 'ok')!;
    const m = bad.minimal!;
    expect(m.schedule).toEqual([expect.objectContaining({ kind: 'cancel', task: 'B', label: 'asyncio/base_events.py:BaseEventLoop._run_once:slot' })]);
    expect(m.violations.map((v) => v.property)).toContain('no-lost-wakeup');
    expect(m.confirmation).toMatchObject({ status: 'confirmed', interpreter: py39!.version });
  });
});
