/**
 * Simulated counterexamples proven on the real interpreter of the same version (CPython 3.11).
 * Skipped, with the reason printed, on a machine without CPython 3.11.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../src/explore/check.ts';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { builtin } from './helpers.ts';

const py311 = findInterpreter('3.11');
if (!py311) console.log('confirm.test.ts: skipped, no CPython 3.11 interpreter found (python3 or /root/.pyenv/versions/3.11.*)');

describe.skipIf(!py311)('confirmation on CPython 3.11', () => {
  it.each(['asyncio-shared-3-threads', 'asyncio-shared-2-threads'])('%s: every minimal counterexample is confirmed with an identical history', async (id) => {
    const r = await checkScenario(builtin(id), { seed: 1, backend: 'sim', model: 'gil' });
    const minimal = r.outcomes.filter((o) => o.minimal);
    expect(minimal.length).toBeGreaterThanOrEqual(2);
    for (const o of minimal) {
      console.log(`${id} ${o.kind}: ${o.minimal!.confirmation?.status} on ${o.minimal!.confirmation?.interpreter} (${o.minimal!.confirmation?.detail})`);
      expect(o.minimal!.confirmation).toMatchObject({ status: 'confirmed', interpreter: py311!.version, detail: 'same schedule, identical history' });
    }
  });

  it('the free-threaded model has no interpreter to confirm on, and says so', async () => {
    const r = await checkScenario(builtin('asyncio-shared-2-threads'), { seed: 1, runs: 300, backend: 'sim', model: 'free-threaded' });
    const o = r.outcomes.find((x) => x.minimal)!;
    expect(o.minimal!.confirmation).toMatchObject({ status: 'unavailable', detail: 'the free-threaded model is simulated only' });
  });
});
