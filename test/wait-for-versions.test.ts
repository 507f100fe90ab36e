/**
 * `asyncio.wait_for` around an acquire (the `acquire` op with a `timeout` on an asyncio semaphore)
 * does on each simulated port what it does on the interpreter of the release the port follows:
 * 3.6 cancels without waiting and has no case for timeout <= 0, 3.7 raises at once for
 * timeout <= 0, 3.8 raises TimeoutError after a timeout whatever the cancelled acquire did, 3.12+
 * runs the acquire in the caller's task under asyncio.timeout() (src/runtime/wait.ts). The
 * scenarios of test/fixtures/wait-for/ each pin one of those differences, and the language tour
 * runs wait_for among every other operation. For every installed interpreter, each scenario shows:
 * - run for run, on the default schedule and two seeded random sources, the same points, the same
 *   history (semaphore events and records) and the same status on the port and the interpreter;
 * - over the same bounded search (every schedule with at most 1 preemption; the tour, whose three
 *   threads make that about 1,500 real runs a version, with none), the same outcome kinds and the
 *   same set of record lists.
 * Versions without an installed interpreter are skipped, and the skip says so.
 */
import { VERSIONS, portOf, simRun, points, events, recordsOf } from './agreement.ts';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '../properties/api.ts';
import { builtinProperties } from '../properties/index.ts';
import { CPythonBackend } from '../src/backends/cpython/backend.ts';
import { findInterpreters } from '../src/backends/cpython/interpreters.ts';
import type { SourceSpec } from '../src/contract/source-spec.ts';
import { checkScenario } from '../src/explore/check.ts';
import { scenarioFromFile } from '../src/scenario/scenario-file.ts';
import type { Scenario } from '../src/scenario/types.ts';

const interps = findInterpreters();

const FIXTURES = new URL('./fixtures/wait-for/', import.meta.url);
const SCENARIOS: readonly Scenario[] = [
  ...readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => scenarioFromFile(new URL(f, FIXTURES).pathname)),
  scenarioFromFile(new URL('../scenarios/extra/language-tour.json', import.meta.url).pathname),
];
/** The bound of the search each scenario is compared over (see the header). */
const boundOf = (s: Scenario) => (s.id === 'language-tour' ? 0 : 1);

const SPECS: readonly (SourceSpec | null)[] = [
  null, // the default schedule
  { kind: 'random', seed: 'wait-for:1', pSwitch: 0.2, pDelay: 0.05, pCancel: 0 },
  { kind: 'random', seed: 'wait-for:2', pSwitch: 0.35, pDelay: 0.05, pCancel: 0 },
];

/** A property that flags nothing and notes each run's record list: the set a search reached. */
function recordLists(seen: Set<string>): Property {
  return {
    name: 'seen-records',
    description: 'notes the record list of every run (flags nothing)',
    check: ({ history }) => {
      seen.add(JSON.stringify(history.flatMap((e) => (e.kind === 'record' ? [e.tag] : []))));
      return [];
    },
  };
}

for (const v of VERSIONS) {
  const interp = interps.find((i) => i.short === v);
  const ports = portOf(v);
  const skip = interp === undefined || interp.version !== ports.follows;
  const why = skip ? ` (skipped: CPython ${ports.follows} not installed)` : '';
  if (skip) console.warn(`[wait-for-versions] CPython ${v} parts skipped: CPython ${ports.follows} not installed`);

  describe.skipIf(skip)(`asyncio.wait_for on CPython ${ports.follows}: the port and the interpreter${why}`, () => {
    let real: CPythonBackend;
    beforeAll(async () => {
      real = await CPythonBackend.start(interp!);
    });
    afterAll(async () => {
      await real?.close();
    });

    it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s: the same points, history and status on the same source', async (id, base) => {
      const scenario = { ...base, impl: `cpython-${v}` };
      for (const spec of SPECS) {
        const r = await real.run({ scenario, ...(spec ? { source: spec } : {}), trace: true });
        const s = simRun(scenario, ports, spec);
        const what = `${id} ${spec !== null && 'seed' in spec ? spec.seed : 'default'} on ${ports.follows}`;
        expect(events(s), what).toEqual(events(r));
        expect(recordsOf(s), what).toEqual(recordsOf(r));
        expect(s.status, what).toBe(r.status);
        expect(points(s.trace), what).toEqual(points(r.trace));
      }
    });

    it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s: the same outcome kinds and record lists over the same bounded search', async (id, base) => {
      const scenario = { ...base, impl: `cpython-${v}` };
      const opts = { seed: 1, model: 'gil', search: 'bounded', bound: boundOf(base), runs: 5000, confirm: false } as const;
      const simSeen = new Set<string>();
      const realSeen = new Set<string>();
      const sim = await checkScenario(scenario, { ...opts, backend: 'sim', properties: [...builtinProperties, recordLists(simSeen)] });
      const onReal = await checkScenario(scenario, {
        ...opts,
        backend: 'cpython',
        python: interp!.path,
        properties: [...builtinProperties, recordLists(realSeen)],
      });
      expect(sim.coverage.complete && onReal.coverage.complete, `${id} on ${v}: both searches complete`).toBe(true);
      const kinds = (r: typeof sim) => r.outcomes.map((o) => o.kind).sort();
      expect(kinds(sim), `${id} on ${v}: outcome kinds`).toEqual(kinds(onReal));
      expect([...simSeen].sort(), `${id} on ${v}: record lists`).toEqual([...realSeen].sort());
    });
  });
}
