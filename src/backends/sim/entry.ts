/**
 * The simulated backend as the registry sees it (src/backends/registry.ts). Its code (the
 * runtime and the ports) is imported only when a runner is opened.
 */
import { PREEMPTION_MODELS } from '../../contract/names.ts';
import type { Backend } from '../runner.ts';

export const sim: Backend = {
  name: 'sim',
  capabilities: {
    executes: 'port',
    // Synchronous and deterministic: a prefix of choices replays exactly, so depth-first search is exact.
    enumerates: true,
    // The runtime records what every step reads and writes: equivalent schedules can be recognised.
    prunes: true,
    confirmsOn: 'interpreter-of-port',
    preemptionModels: PREEMPTION_MODELS,
    // The ports are CPython's code: a user's Python class has nothing to run on here.
    runsTargets: false,
    // Nor a user's program: it runs on a real interpreter only.
    runsPrograms: false,
  },
  async open(scenario, options) {
    const { simRunner } = await import('./runner.ts');
    return simRunner(scenario, options.model, options.maxSteps);
  },
};
