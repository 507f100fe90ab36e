/** `semverify replay <token>`: re-execute one schedule exactly and say what it shows. */
import type { ReplayToken } from './token.ts';
import type { ReplayResult } from './report-types.ts';
import type { Property } from '../../properties/api.ts';
import type { TargetSpec } from '../contract/target.ts';
import type { ProgramSpec } from '../contract/program.ts';
import { builtinProperties } from '../../properties/index.ts';
import { analyseRun } from './analyse.ts';
import { openRunner } from '../backends/registry.ts';
import { programToRun, propertiesToCheck, targetToRun } from './token-use.ts';

export interface ReplayOptions {
  /** Where the token's properties are taken from (it names them); default: the built-in registry. */
  readonly properties?: readonly Property[];
  /**
   * The caller's consent to run the token's `--target` class: the same spec, and the directories
   * to import it from. Without it a token that names a target is refused (see token-use.ts).
   */
  readonly target?: TargetSpec;
  /**
   * The caller's consent to run the token's program: the program the command line names, read and
   * digested there (src/program/load.ts). Without it a program token is refused.
   */
  readonly program?: ProgramSpec;
}

export async function replayToken(token: ReplayToken, opts: ReplayOptions = {}): Promise<ReplayResult> {
  // Both checks come before the runner starts: a refused token imports nothing.
  const properties = opts.properties === undefined ? propertiesToCheck(token, builtinProperties, 'built-in') : propertiesToCheck(token, opts.properties);
  const target = targetToRun(token, opts.target);
  const program = programToRun(token, opts.program);
  const runner = await openRunner(token.scenario, {
    backend: token.backend,
    model: token.model,
    ...(token.python !== undefined ? { python: token.python } : {}),
    ...(token.maxSteps !== undefined ? { maxSteps: token.maxSteps } : {}),
    ...(target !== undefined ? { target: target.spec, pythonpath: target.pythonpath } : {}),
    ...(program !== undefined ? { program } : {}),
  });
  try {
    const run = await runner.run({ schedule: token.schedule, recordTrace: true });
    const a = analyseRun({ ...token.scenario, impl: runner.impl }, run, properties);
    return { run, violations: a.violations, kinds: a.kinds, primary: a.primary };
  } finally {
    await runner.close();
  }
}
