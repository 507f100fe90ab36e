/** The simulated backend's runner: runs on the TypeScript ports, answered synchronously. */
import type { Scenario } from '../../scenario/types.ts';
import type { PreemptionModel } from '../../contract/names.ts';
import { DEFAULT_IMPLEMENTATION } from '../../contract/implementations.ts';
import { InputError } from '../../contract/input-error.ts';
import { findImplementation, implementationIds } from '../../ports/registry.ts';
import { PrefixSource } from '../../scheduler/prefix-source.ts';
import { SparseSource } from '../../scheduler/sparse-source.ts';
import { buildSource } from '../run-request.ts';
import type { Runner } from '../runner.ts';
import { runSim } from './run.ts';

export function simRunner(scenario: Scenario, model: PreemptionModel, maxSteps?: number): Runner {
  const impl = scenario.impl ?? DEFAULT_IMPLEMENTATION;
  const port = findImplementation(impl);
  // A valid impl may name a CPython only the real backend runs: the scenario asked for what the simulation lacks.
  if (port === undefined) {
    throw new InputError(
      'impl',
      `"${impl}" has no simulated port (simulated: ${implementationIds().join(', ')}); run it on the real interpreter with --backend cpython`,
      scenario.id,
    );
  }
  return {
    describe: 'sim',
    impl,
    version: port.follows,
    run: async (req) => {
      const source = req.source ? buildSource(req.source) : new SparseSource(req.schedule ?? []);
      const run = runSim(scenario, {
        source,
        model,
        ...(maxSteps !== undefined ? { maxSteps } : {}),
        recordTrace: req.recordTrace ?? false,
      });
      // An enumeration reads its next prefix from the decisions this run met.
      return source instanceof PrefixSource ? { ...run, decisions: source.log } : run;
    },
    close: async () => {},
  };
}
