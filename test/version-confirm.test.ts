/**
 * Simulated counterexamples proven on the interpreter of the port's release, for every version
 * port (3.11's is test/confirm.test.ts): each minimal counterexample of the seed's 3-thread
 * scenario, replayed on that interpreter, gives the same history and the same findings, deviation
 * for deviation. A version whose interpreter is not installed is skipped, and the skip says so.
 */
import { describe, expect, it } from 'vitest';
import { findInterpreters } from '../src/backends/cpython/interpreters.ts';
import { checkScenario } from '../src/explore/check.ts';
import { findImplementation } from '../src/ports/registry.ts';
import { builtin } from './helpers.ts';

const interps = findInterpreters();

describe('confirmation on the interpreter of each version port', () => {
  for (const v of ['3.6', '3.7', '3.8', '3.9', '3.10', '3.12', '3.13']) {
    const follows = findImplementation(`cpython-${v}`)!.follows;
    const installed = interps.some((i) => i.version === follows);
    it.skipIf(!installed)(
      `asyncio-shared-3-threads on the cpython-${v} port: every minimal counterexample confirmed on CPython ${follows}${installed ? '' : ' (skipped: not installed)'}`,
      async () => {
        const r = await checkScenario(builtin('asyncio-shared-3-threads'), { seed: 1, runs: 800, backend: 'sim', model: 'gil', impl: `cpython-${v}` });
        const minimal = r.outcomes.filter((o) => o.minimal);
        // Over-admission, wrong-loop and a third kind at least: confirmations of preempted schedules, not only the default one.
        expect(minimal.length).toBeGreaterThanOrEqual(3);
        for (const o of minimal) {
          const c = o.minimal!.confirmation;
          expect(c, `${v} ${o.kind}`).toMatchObject({ status: 'confirmed', interpreter: follows });
          expect(c!.detail, `${v} ${o.kind}`).toMatch(/^same schedule, same history; same findings: /);
          expect(c!.detail).toContain(o.kind);
        }
        expect(minimal.some((o) => o.kind === 'over-admission' && o.minimal!.preemptions === 1)).toBe(true);
      },
    );
  }
});
