/**
 * The CPython backend as the registry sees it (src/backends/registry.ts). Its code is imported
 * only when a runner is opened, so that the simulated path never touches Python.
 */
import type { Backend } from '../runner.ts';

export const cpython: Backend = {
  name: 'cpython',
  capabilities: {
    executes: 'interpreter',
    // Until the harness follows `prefix` sources (src/backends/run-request.ts), its one-thread scenarios are sampled.
    // The harness follows prefix sources and reports the decisions it met (semverify_harness/sources.py).
    enumerates: true,
    // The harness does not see which shared objects a step touches: no partial-order reduction.
    prunes: false,
    confirmsOn: null,
    // Real interpreters have a GIL (no free-threaded build is driven here: docs/execution-model.md).
    preemptionModels: ['gil'],
    runsTargets: true,
    // A program runs as __main__ in the harness, its threads and semaphores controlled as they appear (docs/programs.md).
    runsPrograms: true,
  },
  async open(scenario, options) {
    const { cpythonRunner } = await import('./runner.ts');
    return cpythonRunner(scenario, options);
  },
};
