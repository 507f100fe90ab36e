/**
 * How failures leave the CLI: exactly one line on stderr and a distinct exit code, so
 * scripts can tell "your input is wrong" (2) from "the verifier broke" (3) without
 * parsing text. Stack traces only with SEMVERIFY_DEBUG=1.
 */
import { CommanderError } from 'commander';
import { InputError } from '../contract/input-error.ts';
import { clip } from '../scenario/field-reader.ts';
import type { CliIo } from './io.ts';

export const EXIT = { ok: 0, expectationsNotMet: 1, badInput: 2, internal: 3 } as const;

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** Commander's own parse errors, restated as InputErrors naming the offending argument. */
export function fromCommanderError(e: CommanderError, commands: readonly string[]): InputError {
  const text = oneLine(e.message.replace(/^error:\s*/, ''));
  // The argument as typed: a pasted token or path can be kilobytes long.
  const typed = /'([^']+)'/.exec(text)?.[1];
  const quoted = typed === undefined ? undefined : clip(typed);
  const suggestion = /\(Did you mean ([^)]+)\?\)/.exec(text)?.[1];
  const hint = suggestion !== undefined ? ` (did you mean ${suggestion}?)` : '';
  switch (e.code) {
    case 'commander.unknownOption':
      return new InputError(quoted ?? 'options', `unknown option${hint}`);
    case 'commander.optionMissingArgument':
      return new InputError(quoted?.split(/[ ,]/)[0] ?? 'options', 'missing value');
    case 'commander.missingArgument':
      return new InputError(quoted ?? 'arguments', 'missing (required argument)');
    case 'commander.unknownCommand':
      return new InputError(quoted ?? 'command', `unknown command${hint} (commands: ${commands.join(', ')})`);
    default:
      return new InputError('arguments', text);
  }
}

/** Print the one-line diagnosis of `e` and return the exit code. */
export function reportFailure(e: unknown, io: CliIo, commands: readonly string[]): number {
  const input = e instanceof CommanderError ? fromCommanderError(e, commands) : e instanceof InputError ? e : undefined;
  if (input !== undefined) {
    io.stderr(`semverify: ${oneLine(input.message)}\n`);
    return EXIT.badInput;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.stderr(`semverify: internal error: ${oneLine(message)}\n`);
  if (io.env.SEMVERIFY_DEBUG === '1' && e instanceof Error && e.stack !== undefined) io.stderr(`${e.stack}\n`);
  return EXIT.internal;
}
