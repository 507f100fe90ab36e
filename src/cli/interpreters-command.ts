/** `semverify interpreters`: the CPython interpreters found here, their point model, and which supported versions are missing. */
import { toJsonText } from '../report/json.ts';
import { EXIT } from './errors-out.ts';
import type { OutputFlags } from './flags.ts';
import type { CliIo } from './io.ts';

import { SUPPORTED_VERSIONS } from '../contract/implementations.ts';

export async function interpretersCommand(flags: OutputFlags, io: CliIo, version: string): Promise<number> {
  const { findInterpreters } = await import('../backends/cpython/interpreters.ts');
  const { CPythonBackend } = await import('../backends/cpython/backend.ts');
  const rows: { version: string; short: string; path: string; model: string }[] = [];
  for (const interp of findInterpreters()) {
    let model = '?';
    try {
      const b = await CPythonBackend.start(interp);
      model = b.info.model;
      await b.close();
    } catch (e) {
      model = `harness does not start: ${(e as Error).message}`;
    }
    rows.push({ version: interp.version, short: interp.short, path: interp.path, model });
  }
  const missing = SUPPORTED_VERSIONS.filter((v) => !rows.some((r) => r.short === v));
  if (flags.json) {
    io.stdout(toJsonText({ tool: 'semverify', version, interpreters: rows, missing }));
    return EXIT.ok;
  }
  const w = Math.max(7, ...rows.map((r) => r.version.length));
  const lines = rows.map((r) => `${r.version.padEnd(w)}  ${r.model.padEnd(10)}  ${r.path}`);
  io.stdout(`${[`${'version'.padEnd(w)}  point model  path`, ...lines].join('\n')}\n`);
  io.stdout(missing.length ? `missing (no interpreter found): ${missing.join(', ')}\n` : 'every supported version (3.6 to 3.13) is installed\n');
  return EXIT.ok;
}
