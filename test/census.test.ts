/**
 * Every outcome counted: a run counts under every kind it shows, and a kind that never headlines
 * a run (a FIFO violation in runs that also over-admit) still gets its count, its own minimal
 * counterexample and its own token. The semaphore is a deliberately broken asyncio class
 * (test/fixtures/targets/barging_sem.py) that both barges and over-admits, checked on real CPython.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { checkScenario } from '../src/explore/check.ts';
import { replayToken } from '../src/explore/replay.ts';
import { decodeToken } from '../src/explore/token.ts';
import { scenarioFromFile } from '../src/scenario/scenario-file.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const py = findInterpreter('3.11');
const why = py ? '' : ' (skipped: no CPython 3.11 found)';

describe.skipIf(!py)(`a semaphore with two bugs shows both${why}`, () => {
  it('over-admission and fifo each have a count, a headline count, a minimal counterexample and a token that replays to it', async () => {
    const target = { spec: 'barging_sem:BargingSemaphore', pythonpath: [join(ROOT, 'test/fixtures/targets')] };
    const scenario = scenarioFromFile(join(ROOT, 'test/fixtures/scenario-barging.json'));
    const r = await checkScenario(scenario, {
      seed: 1,
      runs: 20,
      backend: 'cpython',
      model: 'gil',
      python: py!.path,
      target: target.spec,
      pythonpath: target.pythonpath,
    });
    console.log(`census: ${r.outcomes.map((o) => `${o.kind} ${o.count} (headline ${o.primary})`).join(', ')}`);
    const over = r.outcomes.find((o) => o.kind === 'over-admission')!;
    const fifo = r.outcomes.find((o) => o.kind === 'fifo')!;
    expect(over.count).toBeGreaterThan(0);
    expect(fifo.count).toBeGreaterThan(0);
    // Over-admission is the more severe: it headlines every run it is in; fifo hides behind it in these runs.
    expect(over.primary).toBe(over.count);
    expect(fifo.primary).toBe(0);
    // Kinds that did not occur are not listed; every listed kind occurred.
    expect(r.outcomes.every((o) => o.count > 0)).toBe(true);
    expect(r.outcomes.some((o) => o.kind === 'ok')).toBe(false);
    for (const o of [over, fifo]) {
      const m = o.minimal!;
      expect(m.kinds).toContain(o.kind);
      expect(m.violations.some((v) => v.outcome === o.kind)).toBe(true);
      const again = await replayToken(decodeToken(m.replay), { target });
      expect(again.kinds).toContain(o.kind);
      expect(JSON.stringify(again.run.history)).toBe(JSON.stringify(m.history));
    }
    expect(fifo.minimal!.replay).not.toBe(over.minimal!.replay);
    expect(fifo.minimal!.violations.find((v) => v.property === 'fifo')!.message).toMatch(/got in without waiting \(barging\)|began waiting/);
  });
});
