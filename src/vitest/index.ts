/**
 * `semverify/vitest`: checks of scenarios as vitest tests, in the style of @fast-check/vitest.
 *
 *   import { itHolds, test } from 'semverify/vitest';
 *   itHolds('asyncio-4-tasks', 'at-most-n');                        // a property over every explored schedule
 *   test.schedules('asyncio-4-tasks', { runs: 200 })('ends by 2 s', (run) => {
 *     expect(run.run.endTime).toBeLessThanOrEqual(2);              // assertions on each run
 *   });
 *
 * A failure prints the minimal counterexample's column trace, its token and the one command that
 * replays it: `SEMVERIFY_REPLAY=<token> npx vitest run <file> -t '<name>'` (like FC_SEED/FC_PATH),
 * or `npx semverify replay <token>` for a property semverify knows. vitest is a peer dependency:
 * only this entry imports it.
 */
import { expect, test as vitestTest } from 'vitest';
import {
  check,
  decodeToken,
  formatCounterexample,
  loadScenario,
  replay,
  type CheckApiOptions,
  type JsonCounterexample,
  type Property,
  type RunView,
  type ScenarioSource,
} from '../api/index.ts';

const ASSERTION_OUTCOME = 'assertion';

/** Options of a scenario check from a test: the library's, with confirmation and saved failures off by default (tests stay fast and leave no files). */
export type SchedulesOptions = CheckApiOptions;

function scenarioId(s: ScenarioSource): string {
  return typeof s === 'string' ? s : s.id;
}

function threadsOf(s: ScenarioSource): readonly string[] | undefined {
  try {
    return (typeof s === 'string' ? loadScenario(s) : s).threads.map((t) => t.name);
  } catch {
    return undefined;
  }
}

function failure(title: string, m: JsonCounterexample, command: string, threads: readonly string[] | undefined): Error {
  const text = [title, '', formatCounterexample(m, { ...(threads !== undefined && { threads }) }), '', `token: ${m.replay}`, `replay: ${command}`].join('\n');
  const e = new Error(text);
  // The trace is the point of the message: no stack of the helper's own frames after it.
  e.stack = text;
  return e;
}

/** The property a test body becomes: a run whose assertions throw is a violation. */
function bodyProperty(name: string, body: (view: RunView) => void): Property {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'test';
  const propertyName = `vitest-${slug}`.slice(0, 64).replace(/-+$/, '');
  return {
    name: propertyName,
    description: name,
    outcomes: [ASSERTION_OUTCOME],
    check: (view) => {
      try {
        body(view);
        return [];
      } catch (e) {
        const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
        return [{ property: propertyName, outcome: ASSERTION_OUTCOME, step: view.run.steps, message }];
      }
    },
  };
}

/** `test.schedules(scenario, options)(name, body)`: `body` runs on every explored run; the test fails with the minimal run where it throws. */
function schedules(scenario: ScenarioSource, options: SchedulesOptions = {}) {
  return (name: string, body: (view: RunView) => void, timeout?: number): void => {
    vitestTest(
      name,
      async () => {
        const property = bodyProperty(name, body);
        const pinned = process.env.SEMVERIFY_REPLAY;
        // The token names the properties that judged it: only this test's token pins this test.
        if (pinned !== undefined && pinned !== '' && decodeToken(pinned).properties?.includes(property.name) === true) {
          // Re-run exactly the schedule a failure printed.
          const { replay: run } = await replay(pinned, { properties: [property], ...(options.config !== undefined && { config: options.config }) });
          const own = run.violations.filter((v) => v.property === property.name);
          expect(
            own.map((v) => `step ${v.step}: ${v.message}`),
            `SEMVERIFY_REPLAY of ${scenarioId(scenario)}`,
          ).toEqual([]);
          return;
        }
        const doc = await check(scenario, { confirm: false, save: false, ...options, properties: [...(options.properties ?? []), property] });
        const s = doc.scenarios[0]!;
        const found = s.outcomes.find((o) => o.kind === ASSERTION_OUTCOME && o.minimal !== null);
        if (found !== undefined) {
          const file = expect.getState().testPath ?? '<test file>';
          const command = `SEMVERIFY_REPLAY=${found.minimal!.replay} npx vitest run ${file} -t ${JSON.stringify(name)}`;
          throw failure(`${s.id}: "${name}" fails in ${found.count} of ${s.runs} runs; the minimal one:`, found.minimal!, command, threadsOf(scenario));
        }
      },
      timeout,
    );
  };
}

/** `itHolds(scenario, property)`: a test that the property holds on every explored schedule (a built-in's name, or a Property). */
export function itHolds(scenario: ScenarioSource, property: Property | string, options: SchedulesOptions = {}, timeout?: number): void {
  const name = typeof property === 'string' ? property : property.name;
  vitestTest(
    `${scenarioId(scenario)}: ${name} holds`,
    async () => {
      const extra = typeof property === 'string' ? [] : [property];
      const doc = await check(scenario, { confirm: false, save: false, ...options, properties: [...(options.properties ?? []), ...extra] });
      const s = doc.scenarios[0]!;
      const verdict = s.properties.find((p) => p.name === name);
      if (verdict === undefined) throw new Error(`no property "${name}" (checked: ${s.properties.map((p) => p.name).join(', ')})`);
      if (verdict.status !== 'violated') return;
      const o = s.outcomes.find((x) => x.minimal?.violations.some((v) => v.property === name));
      if (o === undefined) throw new Error(`${s.id}: ${name} violated in ${verdict.violatedRuns} runs`);
      throw failure(
        `${s.id}: ${name} violated in ${verdict.violatedRuns} of ${s.runs} runs; the minimal run:`,
        o.minimal!,
        `npx semverify replay ${o.minimal!.replay}`,
        threadsOf(scenario),
      );
    },
    timeout,
  );
}

/** vitest's `test`, with `test.schedules(scenario, options)(name, body)`. */
export const test: typeof vitestTest & { readonly schedules: typeof schedules } = new Proxy(vitestTest, {
  get: (target, key, receiver) => (key === 'schedules' ? schedules : Reflect.get(target, key, receiver)),
}) as typeof vitestTest & { readonly schedules: typeof schedules };

export { schedules };
