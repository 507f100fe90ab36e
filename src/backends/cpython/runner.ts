/** The CPython backend's runner: an installed interpreter's harness, started once and reused for every run. */
import { relative } from 'node:path';
import type { Scenario } from '../../scenario/types.ts';
import { DEFAULT_IMPLEMENTATION } from '../../contract/implementations.ts';
import { InputError } from '../../contract/input-error.ts';
import type { ProgramSpec } from '../../contract/program.ts';
import { cpythonRunRequest } from '../run-request.ts';
import type { OpenOptions, Runner } from '../runner.ts';
import { CPythonBackend } from './backend.ts';
import { InterpreterNotFoundError, resolveInterpreter } from './interpreters.ts';
import { ProgramError, TargetError } from './target.ts';

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
  const program = opts.program;
  // Once, before exploring: an unusable class or program is bad input (exit 2), not a run that failed.
  try {
    if (target) await backend.checkTarget(scenario, target);
    if (program) await backend.checkProgram(program);
  } catch (e) {
    await backend.close();
    if (e instanceof TargetError) throw new InputError('--target', e.message);
    if (e instanceof ProgramError && program) throw new InputError(shown(program), e.message);
    throw e;
  }
  return {
    describe: `cpython ${backend.info.version}${target ? ` (target ${target.spec})` : ''}${program ? ` (program ${shown(program)})` : ''}`,
    // A target is judged by the current asyncio model (binds lazily, >= 3.10), not by the quirks of
    // this version's standard library (<= 3.9 binds at construction): those are not the user's class.
    impl: target ? DEFAULT_IMPLEMENTATION : `cpython-${backend.info.short}`,
    version: backend.info.version,
    run: async (req) => {
      const result = await backend.run(cpythonRunRequest(scenario, req, { maxSteps: opts.maxSteps, wallTimeMs: opts.wallTimeMs, target, program }));
      // What the program reached cannot be checked at all: the same one line as a refusal before the runs.
      if (program && result.failure?.kind === 'uncontrolled') throw new InputError(shown(program), result.detail ?? `uses ${result.failure.what}`);
      return result;
    },
    close: () => backend.close(),
  };
}

/** The program as the user named it: relative to the working directory when inside it. */
function shown(program: ProgramSpec): string {
  const rel = relative(process.cwd(), program.path);
  return rel !== '' && !rel.startsWith('..') ? rel : program.path;
}
