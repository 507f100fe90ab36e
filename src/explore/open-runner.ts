/** The runner for the backend a check asks for. */
import type { Scenario } from '../scenario/types.ts';
import type { BackendName, PreemptionModel } from './report-types.ts';
import { type Runner, simRunner } from './backend-runner.ts';
import { InputError } from '../scenario/errors.ts';
import { DEFAULT_IMPL } from '../../models/select.ts';

export interface RunnerOptions {
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  readonly python?: string;
  readonly maxSteps?: number;
  /** cpython only: `module.path:ClassName` checked in place of the standard library's semaphores. */
  readonly target?: string;
  /** Directories the harness puts first on sys.path to import `target`. */
  readonly pythonpath?: readonly string[];
  /**
   * cpython only: the per-run wall-time guard (CPythonRunRequest.wallTimeMs; default 10 s). Internal,
   * for tests of blocking code: no flag sets it, and it is not the exploration's --time-limit.
   */
  readonly wallTimeMs?: number;
}

export async function openRunner(scenario: Scenario, opts: RunnerOptions): Promise<Runner> {
  // The simulation runs ports of the standard library: it has no way to run a user's class.
  if (opts.backend === 'sim' && opts.target !== undefined) throw new InputError('--target', 'requires --backend cpython');
  if (opts.backend === 'sim') return simRunner(scenario, opts.model, opts.maxSteps);
  return cpythonRunner(scenario, opts);
}

/** The real interpreter, loaded lazily so that the simulated path never touches Python. */
async function cpythonRunner(scenario: Scenario, opts: RunnerOptions): Promise<Runner> {
  const { resolveInterpreter, InterpreterNotFoundError } = await import('../backends/cpython/interpreters.ts');
  const { CPythonBackend } = await import('../backends/cpython/backend.ts');
  let interp: Awaited<ReturnType<typeof resolveInterpreter>>;
  try {
    interp = resolveInterpreter(opts.python);
  } catch (e) {
    if (e instanceof InterpreterNotFoundError) throw new InputError('--python', e.message);
    throw e;
  }
  const backend = await CPythonBackend.start(interp);
  const target = opts.target !== undefined ? { spec: opts.target, pythonpath: opts.pythonpath ?? [] } : undefined;
  if (target) {
    // Once, before exploring: an unusable class is bad input (exit 2), not a run that failed.
    const { TargetError } = await import('../backends/cpython/target.ts');
    try {
      await backend.checkTarget(scenario, target);
    } catch (e) {
      await backend.close();
      if (e instanceof TargetError) throw new InputError('--target', e.message);
      throw e;
    }
  }
  return {
    describe: `cpython ${backend.info.version}${target ? ` (target ${target.spec})` : ''}`,
    // A target is judged by the current asyncio model (binds lazily, >= 3.10), not by the quirks of
    // this version's standard library (<= 3.9 binds at construction): those are not the user's class.
    impl: target ? DEFAULT_IMPL : `cpython-${backend.info.short}`,
    version: backend.info.version,
    run: (req) =>
      backend.run({
        scenario,
        ...(req.schedule ? { schedule: req.schedule } : {}),
        ...(req.source ? { source: req.source } : {}),
        ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
        ...(opts.wallTimeMs !== undefined ? { wallTimeMs: opts.wallTimeMs } : {}),
        ...(target ? { target } : {}),
        trace: req.recordTrace ?? false,
        // A traced run is one a report shows: if it kills the harness, its trace must still show where.
        tellAll: req.recordTrace ?? false,
      }),
    close: () => backend.close(),
  };
}
