/** Confirmation of a simulated exploration's counterexamples on the interpreter whose code the port follows. */
import type { Scenario } from '../scenario/types.ts';
import type { Property } from '../../properties/api.ts';
import type { Runner } from '../backends/runner.ts';
import { interpreterBackend } from '../backends/registry.ts';
import { InputError } from '../contract/input-error.ts';
import type { PreemptionModel } from '../contract/names.ts';
import type { OutcomeReport } from './report-types.ts';
import { confirmOnInterpreter } from './confirm.ts';
import { isUserImplementation } from '../contract/user-implementations.ts';

export interface ConfirmOptions {
  readonly model: PreemptionModel;
  readonly maxSteps?: number;
}

/** Replays every simulated minimal counterexample on the interpreter whose code the port follows. */
export async function confirmAll(
  scenario: Scenario,
  outcomes: readonly OutcomeReport[],
  properties: readonly Property[],
  opts: ConfirmOptions,
): Promise<OutcomeReport[]> {
  if (!outcomes.some((o) => o.minimal)) return [...outcomes];
  // A user's TypeScript implementation: stdlib CPython is not its reference, and comparing would call every bug "not reproduced".
  if (isUserImplementation(scenario.impl)) {
    const detail = `no reference interpreter: ${scenario.impl} is a TypeScript implementation that only the simulation runs`;
    return outcomes.map((o) => (o.minimal ? { ...o, minimal: { ...o.minimal, confirmation: { interpreter: 'none', status: 'no-reference', detail } } } : o));
  }
  const short = /(\d+\.\d+)/.exec(scenario.impl ?? '')?.[1] ?? '3.11';
  const unavailable = (detail: string): OutcomeReport[] =>
    outcomes.map((o) => (o.minimal ? { ...o, minimal: { ...o.minimal, confirmation: { interpreter: short, status: 'unavailable', detail } } } : o));
  const interpreter = interpreterBackend();
  if (interpreter === undefined) return unavailable('no backend runs an installed interpreter');
  if (!interpreter.capabilities.preemptionModels.includes(opts.model)) return unavailable(`the ${opts.model} model is simulated only`);
  let real: Runner;
  try {
    real = await interpreter.open(scenario, {
      model: opts.model,
      python: short,
      ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
    });
  } catch (e) {
    // The backend says a missing interpreter as bad input on --python.
    if (e instanceof InputError && e.field === '--python') return unavailable(`CPython ${short} is not installed here`);
    return unavailable(`cannot start CPython ${short}: ${(e as Error).message}`);
  }
  try {
    const out: OutcomeReport[] = [];
    for (const o of outcomes) {
      if (!o.minimal) {
        out.push(o);
        continue;
      }
      const confirmation = await confirmOnInterpreter(scenario, o.kind, o.minimal, properties, real, real.version);
      out.push({ ...o, minimal: { ...o.minimal, confirmation } });
    }
    return out;
  } finally {
    await real.close();
  }
}
