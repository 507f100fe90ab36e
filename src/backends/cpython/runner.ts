/** The CPython backend's runner: an installed interpreter's harness, started once and reused for every run. */
import type { Scenario } from '../../scenario/types.ts';
import { DEFAULT_IMPLEMENTATION } from '../../contract/implementations.ts';
import { InputError } from '../../contract/input-error.ts';
import { cpythonRunRequest } from '../run-request.ts';
import type { OpenOptions, Runner } from '../runner.ts';
import { CPythonBackend } from './backend.ts';
import { InterpreterNotFoundError, resolveInterpreter } from './interpreters.ts';
import { TargetError } from './target.ts';

export async function cpythonRunner(scenario: Scenario, opts: OpenOptions): Promise<Runner> {
  let interp: ReturnType<typeof resolveInterpreter>;
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
    impl: target ? DEFAULT_IMPLEMENTATION : `cpython-${backend.info.short}`,
    version: backend.info.version,
    run: async (req) => backend.run(cpythonRunRequest(scenario, req, { maxSteps: opts.maxSteps, wallTimeMs: opts.wallTimeMs, target })),
    close: () => backend.close(),
  };
}
