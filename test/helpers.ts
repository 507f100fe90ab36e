/** Test helpers: built-in scenarios by id, straight from scenarios/; a CLI io that captures its output. */
import type { CliIo } from '../src/cli/io.ts';
import { builtinScenarios } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/types.ts';

export function builtin(id: string): Scenario {
  const s = builtinScenarios().find((x) => x.id === id);
  if (!s) throw new Error(`no built-in scenario ${id}`);
  return s;
}

export interface Captured {
  io: CliIo;
  out: () => string;
  err: () => string;
}

/** An io for runCli in-process: not a terminal, output kept for the test to read. */
export function captureIo(env: Record<string, string> = {}): Captured {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env, stdoutIsTTY: false, stderrIsTTY: false },
    out: () => out,
    err: () => err,
  };
}
