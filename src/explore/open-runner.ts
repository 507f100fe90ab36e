/** The runner for the backend a check asks for. */
import type { Scenario } from '../scenario/types.ts';
import type { BackendName, PreemptionModel } from './report-types.ts';
import { type Runner, simRunner } from './backend-runner.ts';
import { InputError } from '../scenario/errors.ts';

export interface RunnerOptions {
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  readonly python?: string;
  readonly maxSteps?: number;
}

export async function openRunner(scenario: Scenario, opts: RunnerOptions): Promise<Runner> {
  if (opts.backend === 'sim') return simRunner(scenario, opts.model, opts.maxSteps);
  throw new InputError('backend', `backend '${opts.backend}' is not available in this build (use --backend sim)`);
}
