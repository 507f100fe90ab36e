/**
 * Zero false alarms: on single-loop programs that use the semaphore correctly (every acquire
 * released, cancellations of tasks of the same loop), the implementations CPython considers
 * correct (3.10.8+: the 3.11 port, real 3.10, 3.12 and 3.13) must never be flagged, whatever the
 * program. fast-check generates the programs; each is checked exhaustively on the sim, once
 * (its only schedule) on a real interpreter.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkScenario, type CheckOptions } from '../src/explore/check.ts';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import type { Op, Scenario } from '../src/scenario/types.ts';

const SEED = Number(process.env.FC_SEED ?? 20261130);

function programs(): fc.Arbitrary<Scenario> {
  return fc.integer({ min: 1, max: 4 }).chain((n) => {
    const names = Array.from({ length: n }, (_, i) => `t${i}`);
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.constantFrom<Op>({ op: 'hold', seconds: 0 }, { op: 'hold', seconds: 0.01 }, { op: 'sleep', seconds: 0 }, { op: 'with', body: [] }),
      fc.constant<Op>({
        op: 'with',
        body: [
          { op: 'sleep', seconds: 0 },
          { op: 'sleep', seconds: 0 },
        ],
      }),
      fc.constantFrom(...names).map((task): Op => ({ op: 'cancel', task })),
    );
    return fc
      .record({ value: fc.integer({ min: 1, max: 2 }), extra: fc.boolean(), tasks: fc.tuple(...names.map(() => fc.array(op, { minLength: 1, maxLength: 4 }))) })
      .map(({ value, extra, tasks }) => ({
        id: 'calibration',
        title: 'a correct single-loop program',
        semaphores: { sem: { kind: 'asyncio' as const, value, scope: 'per-thread' as const } },
        threads: [
          {
            name: 'T0',
            loop: true,
            tasks: tasks.map((ops, i) => ({
              name: names[i]!,
              // A release without acquire only adds a permit: still a correct use.
              ops: [...(extra && i === 0 ? [{ op: 'release' } as Op] : []), ...ops.filter((o) => o.op !== 'cancel' || o.task !== names[i])],
            })),
          },
        ],
      }));
  });
}

/** `impl`: check against this simulated port instead of the default one. */
async function flagged(numRuns: number, opts: CheckOptions, impl?: string): Promise<{ checked: number; flagged: string[] }> {
  const out: string[] = [];
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(programs(), async (s) => {
      checked++;
      const r = await checkScenario(impl === undefined ? s : { ...s, impl }, opts);
      const bad = r.properties.filter((p) => p.status === 'violated').map((p) => p.name);
      if (bad.length > 0) out.push(`${bad.join(', ')}: ${JSON.stringify(s.threads[0]!.tasks)} value ${s.semaphores.sem!.value}`);
      return true;
    }),
    { numRuns, seed: SEED },
  );
  return { checked, flagged: out };
}

describe('no false alarms on correct single-loop programs', () => {
  it('the 3.11 port: 400 generated programs, every schedule of each, nothing flagged', async () => {
    const r = await flagged(400, { seed: 1, backend: 'sim', model: 'gil', confirm: false });
    console.log(`calibration (sim, port of 3.11.7): ${r.checked} programs, ${r.flagged.length} flagged`);
    expect(r.flagged).toEqual([]);
    expect(r.checked).toBe(400);
  });

  for (const v of ['3.10', '3.12', '3.13']) {
    const interp = findInterpreter(v);
    it.skipIf(!interp)(`real CPython ${interp?.version ?? `${v} (skipped: not installed)`}: 40 generated programs, nothing flagged`, async () => {
      const r = await flagged(40, { seed: 1, backend: 'cpython', model: 'gil', python: interp!.path, runs: 1 });
      console.log(`calibration (CPython ${interp!.version}): ${r.checked} programs, ${r.flagged.length} flagged`);
      expect(r.flagged).toEqual([]);
    });
  }

  it('the same generator does flag a semaphore CPython fixed: the 3.9 port (3.9.18) barges and loses wake-ups', async () => {
    const on39 = await flagged(400, { seed: 1, backend: 'sim', model: 'gil', confirm: false }, 'cpython-3.9');
    console.log(`calibration control (sim, port of 3.9.18): ${on39.checked} programs, ${on39.flagged.length} flagged, e.g. ${on39.flagged[0]}`);
    expect(on39.flagged.length).toBeGreaterThan(0);
    expect(on39.flagged.some((f) => f.startsWith('fifo') || f.includes('no-lost-wakeup'))).toBe(true);
  });
});
