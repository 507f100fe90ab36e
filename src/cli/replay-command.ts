/**
 * `semverify replay <token>`: rerun the one schedule a token carries and show it whole.
 * --backend/--model/--python override the token's, which is how a schedule found in the
 * simulation is replayed on real CPython.
 */
import type { ReplayToken } from '../explore/token.ts';
import { toJsonText } from '../report/json.ts';
import { renderReplay, replayJson } from '../report/replay-text.ts';
import type { Engine } from './engine.ts';
import { EXIT } from './errors-out.ts';
import { checkCombination, type ReplayFlags } from './flags.ts';
import { InputError } from '../scenario/errors.ts';
import { outputWidth, useColor, type CliIo } from './io.ts';

/** The token with the flags' overrides applied; --python is dropped when the backend is not cpython. */
export function effectiveToken(token: ReplayToken, flags: ReplayFlags): ReplayToken {
  const backend = flags.backend ?? token.backend;
  const model = flags.model ?? token.model;
  checkCombination(backend, model, flags.python);
  if (token.target !== undefined && backend !== 'cpython') throw new InputError('--backend', `the token checks ${token.target.spec} (a --target class): it replays on cpython only`);
  const python = backend === 'cpython' ? (flags.python ?? token.python) : undefined;
  const { python: _ignored, ...rest } = token;
  return { ...rest, backend, model, ...(python !== undefined && { python }) };
}

export async function replayCommand(token: ReplayToken, flags: ReplayFlags, io: CliIo, engine: Engine, version: string): Promise<number> {
  const effective = effectiveToken(token, flags);
  const result = await engine.replayToken(effective);
  if (flags.json) io.stdout(toJsonText(replayJson(effective, result, version)));
  else io.stdout(`${renderReplay(effective, result, { color: useColor(io), width: outputWidth(io) }).join('\n')}\n`);
  return EXIT.ok;
}
