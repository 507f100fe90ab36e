/**
 * Records: the scenario's result list (its `record` ops, in the order they ran) is exactly
 * `expect.records`. It is how a scenario states an order a test asserts (CPython's
 * test_acquire_fifo_order_4 appends 1, 2, 3, 4 from four tasks and checks the list).
 *
 * A run that did not complete (a hang, the step budget) is judged on what it recorded so far: a
 * wrong tag is a violation, a missing tail is not (the hang is no-lost-wakeup's to report).
 */
import type { ScenarioEvent } from '../src/contract/events.ts';
import type { Scenario } from '../src/scenario/types.ts';
import type { Property, RunView, Violation } from './api.ts';
import { at, who } from './format.ts';

export const RECORDS_OUTCOME = 'records';

export const records: Property = {
  name: 'records',
  description: "the scenario's recorded results (record ops) come in exactly the order expect.records gives",
  appliesTo: (scenario: Scenario) => scenario.expect?.records !== undefined,
  outcomes: [RECORDS_OUTCOME],
  check: (view: RunView): readonly Violation[] => {
    const expected = view.scenario.expect?.records ?? [];
    const got = view.history.filter((e): e is ScenarioEvent => e.kind === 'record');
    const complete = view.run.status === 'completed';
    const n = Math.max(got.length, complete ? expected.length : 0);
    for (let i = 0; i < n; i++) {
      const e = got[i];
      if (e !== undefined && e.tag === expected[i]) continue;
      const list = `[${got.map((g) => JSON.stringify(g.tag)).join(', ')}]`;
      const want = `[${expected.map((t) => JSON.stringify(t)).join(', ')}]`;
      const where =
        e === undefined
          ? `the run ended (step ${view.run.steps}, t=${view.run.endTime}s) before ${JSON.stringify(expected[i])} was recorded`
          : `${who(e)} recorded ${JSON.stringify(e.tag)} at ${at(e)} where ${expected[i] === undefined ? 'nothing more' : JSON.stringify(expected[i])} was expected`;
      return [
        {
          property: 'records',
          outcome: RECORDS_OUTCOME,
          step: e?.step ?? view.run.steps,
          message: `records ${list} differ from the expected ${want} at position ${i + 1}: ${where}`,
        },
      ];
    }
    return [];
  },
};
