/** `semverify export <token> --format python|vitest -o FILE`: a regression test that replays the token. */
import { writeFileSync } from 'node:fs';
import type { Property } from '../../properties/api.ts';
import { InputError } from '../contract/input-error.ts';
import type { ReplayToken } from '../explore/token.ts';
import type { Engine } from './engine.ts';
import { EXIT } from './errors-out.ts';
import type { CliIo } from './io.ts';

export const EXPORT_FORMATS = ['python', 'vitest'] as const;

export async function exportCommand(
  token: ReplayToken,
  opts: { readonly format: string; readonly output: string },
  io: CliIo,
  engine: Engine,
  properties?: readonly Property[],
): Promise<number> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format))
    throw new InputError('--format', `expected one of ${EXPORT_FORMATS.join(', ')}, got "${opts.format}"`);
  // What the token shows today decides what the test asserts: replayed once, here.
  const result = await engine.replayToken(token, properties !== undefined ? { properties } : {});
  const { pythonRegressionTest, vitestRegressionTest } = await import('../project/export.ts');
  const text = opts.format === 'python' ? pythonRegressionTest(token, result) : vitestRegressionTest(token, result);
  try {
    writeFileSync(opts.output, text);
  } catch (e) {
    throw new InputError('--output', `cannot write ${opts.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  io.stdout(`wrote ${opts.output}: a ${opts.format} test that fails while the run shows ${result.kinds.join(', ')}\n`);
  return EXIT.ok;
}
