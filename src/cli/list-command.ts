/** `semverify list`: the built-in scenarios, one line each. */
import { toJsonText } from '../report/json.ts';
import type { Scenario } from '../scenario/types.ts';
import { EXIT } from './errors-out.ts';
import type { OutputFlags } from './flags.ts';
import type { CliIo } from './io.ts';

export function listLines(scenarios: readonly Scenario[]): string[] {
  const width = Math.max(0, ...scenarios.map((s) => s.id.length));
  return scenarios.map((s) => `${s.id.padEnd(width)}  ${s.title}`);
}

export function listCommand(scenarios: readonly Scenario[], flags: OutputFlags, io: CliIo, version: string): number {
  if (flags.json) {
    io.stdout(toJsonText({ tool: 'semverify', version, scenarios: scenarios.map((s) => ({ id: s.id, title: s.title })) }));
  } else if (scenarios.length > 0) {
    io.stdout(`${listLines(scenarios).join('\n')}\n`);
  }
  return EXIT.ok;
}
