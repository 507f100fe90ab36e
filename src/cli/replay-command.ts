/**
 * `semverify replay <token>`: rerun the one schedule a token carries and show it whole.
 * --backend/--model/--python override the token's, which is how a schedule found in the
 * simulation is replayed on real CPython. A token made with --target replays only with the same
 * --target (and --pythonpath) on the command line: src/explore/token-use.ts.
 * Exit 0 when the run shows nothing wrong, 1 when it shows any outcome but ok: a counterexample
 * that replays must not look like a success to a script.
 */
import type { ReplayToken } from '../explore/token.ts';
import type { Property } from '../../properties/api.ts';
import { toJsonText } from '../report/json.ts';
import { renderReplay, replayJson } from '../report/replay-text.ts';
import type { Engine } from './engine.ts';
import { EXIT } from './errors-out.ts';
import { checkCombination, type ReplayFlags } from './flags.ts';
import { InputError } from '../contract/input-error.ts';
import { outputWidth, useColor, type CliIo } from './io.ts';
import { programToRun, targetToRun } from '../explore/token-use.ts';
import { programOnCommandLine } from '../program/load.ts';
import { backendsThat, capabilitiesOf, orList } from '../backends/registry.ts';

/**
 * The token with the flags' overrides applied; --python is dropped when the backend runs no
 * installed interpreter, and the target is the command line's (checked to be the token's), never the token's own.
 */
export function effectiveToken(token: ReplayToken, flags: ReplayFlags): ReplayToken {
  const backend = flags.backend ?? token.backend;
  const model = flags.model ?? token.model;
  const target = targetToRun(token, flags.target === undefined ? undefined : { spec: flags.target, pythonpath: flags.pythonpath ?? [] });
  checkCombination(backend, model, flags.python, flags.target, flags.pythonpath);
  if (token.program !== undefined && !capabilitiesOf(backend).runsPrograms) {
    throw new InputError('--backend', `the token replays a program: it runs on ${orList(backendsThat((c) => c.runsPrograms))} only`);
  }
  if (token.target !== undefined && !capabilitiesOf(backend).runsTargets) {
    const on = orList(backendsThat((c) => c.runsTargets));
    throw new InputError('--backend', `the token checks ${token.target.spec} (a --target class): it replays on ${on} only`);
  }
  const python = capabilitiesOf(backend).executes === 'interpreter' ? (flags.python ?? token.python) : undefined;
  const { python: _python, target: _target, ...rest } = token;
  return { ...rest, backend, model, ...(python !== undefined && { python }), ...(target !== undefined && { target }) };
}

export async function replayCommand(
  token: ReplayToken,
  flags: ReplayFlags,
  io: CliIo,
  engine: Engine,
  version: string,
  properties?: readonly Property[],
): Promise<number> {
  const effective = effectiveToken(token, flags);
  // Read and held against the token here, before anything starts: a token never runs a program by itself.
  const given = flags.program === undefined ? undefined : programOnCommandLine(flags.program);
  const program = programToRun(effective, given);
  // The config's properties beside the built-ins, when it has any: a token found by one of them names it.
  const result = await engine.replayToken(effective, {
    ...(effective.target !== undefined && { target: effective.target }),
    ...(program !== undefined && { program }),
    ...(properties !== undefined && { properties }),
  });
  if (flags.json) io.stdout(toJsonText(replayJson(effective, result, version)));
  else io.stdout(`${renderReplay(effective, result, { color: useColor(io), width: outputWidth(io) }).join('\n')}\n`);
  return result.primary === 'ok' ? EXIT.ok : EXIT.expectationsNotMet;
}
