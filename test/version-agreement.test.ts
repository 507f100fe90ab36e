/**
 * The version ports agree with the interpreters they follow, run for run: on the same decision
 * source a simulated run passes the same points (thread, label, occurrence), takes the same
 * decisions and records the same history as the real one (the label tables make the labels the
 * same by construction; this shows the walk is too). And the seed's 3-thread scenario reaches the
 * same outcome kinds on both backends, per version, over the same bounded space. Versions without
 * an installed interpreter are skipped, and the skip says so.
 */
import { VERSIONS, portOf, simRun, points, events } from './agreement.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CPythonBackend } from '../src/backends/cpython/backend.ts';
import { findInterpreters } from '../src/backends/cpython/interpreters.ts';
import { checkScenario } from '../src/explore/check.ts';
import type { SourceSpec } from '../src/contract/source-spec.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { builtin } from './helpers.ts';

const interps = findInterpreters();

/** Per-thread BoundedSemaphores built by their threads (the constructors' points), and a release past the bound inside `with self._cond`. */
const overRelease: Scenario = {
  id: 'threading-per-thread-over-release',
  title: 'per-thread threading.BoundedSemaphore(1): acquire, release, release again',
  semaphores: { sem: { kind: 'threading', value: 1, scope: 'per-thread', bounded: true } },
  threads: ['T0', 'T1'].map((name) => ({
    name,
    loop: false,
    tasks: [{ name: `${name}-use`, ops: [{ op: 'acquire' }, { op: 'release' }, { op: 'release' }] }],
  })),
};

/** A burst of releases while a woken waiter has not run: `locked()`'s any() stops at that waiter and drops its generator, which is closed. */
const earlyAny: Scenario = {
  id: 'asyncio-any-stops-early',
  title: 'Semaphore(0): A waits; B releases twice, then acquires behind the woken A',
  semaphores: { sem: { kind: 'asyncio', value: 0, scope: 'per-thread' } },
  threads: [
    {
      name: 'T0',
      loop: true,
      tasks: [
        { name: 'A', ops: [{ op: 'acquire' }] },
        { name: 'B', ops: [{ op: 'sleep', seconds: 0 }, { op: 'release' }, { op: 'release' }, { op: 'acquire' }] },
      ],
    },
  ],
};

const INLINE: readonly Scenario[] = [overRelease, earlyAny];
const scenarioOf = (id: string): Scenario => INLINE.find((s) => s.id === id) ?? builtin(id);

const SPECS: readonly (SourceSpec | null)[] = [
  null, // the default schedule
  { kind: 'random', seed: 'agree:1', pSwitch: 0.2, pDelay: 0.05, pCancel: 0 },
  { kind: 'random', seed: 'agree:2', pSwitch: 0.35, pDelay: 0.05, pCancel: 0 },
];

for (const v of VERSIONS) {
  const interp = interps.find((i) => i.short === v);
  const ports = portOf(v);
  const skip = interp === undefined || interp.version !== ports.follows;
  const why = skip ? ` (skipped: CPython ${ports.follows} not installed)` : '';

  describe.skipIf(skip)(`CPython ${ports.follows}: the port and the interpreter${why}`, () => {
    let real: CPythonBackend;
    beforeAll(async () => {
      real = await CPythonBackend.start(interp!);
    });
    afterAll(async () => {
      await real?.close();
    });

    it.each(['asyncio-shared-3-threads', 'threading-shared', 'asyncio-per-thread', overRelease.id, earlyAny.id])(
      '%s: same points, decisions and history on the same source',
      async (id) => {
        const scenario = scenarioOf(id);
        for (const spec of SPECS) {
          const r = await real.run({ scenario, ...(spec ? { source: spec } : {}), trace: true });
          const s = simRun(scenario, ports, spec);
          const what = `${id} ${spec !== null && 'seed' in spec ? spec.seed : 'default'} on ${ports.follows}`;
          expect(points(s.trace), what).toEqual(points(r.trace));
          expect(events(s), what).toEqual(events(r));
          expect(s.status, what).toBe(r.status);
        }
      },
    );
  });
}

describe.skipIf(interps.length === 0)(
  `asyncio-shared-3-threads: the same outcome kinds on both backends, per version, over every schedule with at most 1 preemption${interps.length ? '' : ' (skipped: no interpreter)'}`,
  () => {
    for (const v of VERSIONS) {
      const interp = interps.find((i) => i.short === v);
      it.skipIf(interp === undefined)(`CPython ${v}${interp ? '' : ' (skipped: not installed)'}`, async () => {
        const scenario = { ...builtin('asyncio-shared-3-threads'), impl: `cpython-${v}` };
        const opts = { seed: 1, model: 'gil', search: 'bounded', bound: 1, runs: 5000, confirm: false } as const;
        const sim = await checkScenario(scenario, { ...opts, backend: 'sim' });
        const real = await checkScenario(scenario, { ...opts, backend: 'cpython', python: interp!.path });
        expect(sim.coverage.complete && real.coverage.complete).toBe(true);
        const kinds = (r: typeof sim) => r.outcomes.map((o) => o.kind).sort();
        console.log(`${v}: sim ${sim.runs} runs (POR), real ${real.runs}: ${kinds(real).join(', ')}`);
        expect(kinds(sim)).toEqual(kinds(real));
      });
    }
  },
);
