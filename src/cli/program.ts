/**
 * The command-line interface: parses arguments with commander, validates them into typed
 * flags, runs one command and returns the exit code:
 *   0 every scenario met its expectations (or list/help succeeded, or a replayed run is ok)
 *   1 some scenario did not, or a replayed run shows a violation or any outcome but ok
 *   2 bad input (flags, scenario files, tokens): one line on stderr
 *   3 internal error: one line on stderr (stack with SEMVERIFY_DEBUG=1)
 */
import { Command, CommanderError } from 'commander';
import { decodeToken } from '../explore/token.ts';
import { InputError } from '../contract/input-error.ts';
import { builtinScenarios } from '../scenario/load.ts';
import { checkCommand, checkInput, selectScenarios } from './check-command.ts';
import { isProgramPath } from '../program/load.ts';
import { defaultEngine, type Engine } from './engine.ts';
import { EXIT, reportFailure } from './errors-out.ts';
import { DEFAULT_MODEL, parseCheckFlags, parseListFlags, parseMergeFlags, parseReplayFlags, type RawFlags } from './flags.ts';
import { mergeCommand } from './merge-command.ts';
import type { CliIo } from './io.ts';
import { listCommand } from './list-command.ts';
import { replayCommand } from './replay-command.ts';
import { interpretersCommand } from './interpreters-command.ts';
import { matrixCommand } from './matrix-command.ts';
import { packageVersion } from './version.ts';
import { backendNames, DEFAULT_BACKEND } from '../backends/registry.ts';
import { PREEMPTION_MODELS } from '../contract/names.ts';

const COMMANDS = ['check', 'replay', 'merge', 'list', 'interpreters', 'matrix', 'help'] as const;

export async function runCli(argv: readonly string[], io: CliIo, engine: Engine = defaultEngine()): Promise<number> {
  const version = packageVersion();
  let exitCode: number = EXIT.ok;

  const program = new Command('semverify')
    .description("Property-based correctness checks of Python's asyncio.Semaphore and threading.Semaphore")
    .version(version, '-V, --version')
    // Errors are reported by reportFailure as one line; help and --version still print normally.
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: () => {}, outputError: () => {} })
    .configureHelp({ showGlobalOptions: true })
    .option('--seed <n>', 'exploration seed (integer, default 1)')
    .option('--runs <n>', "runs per scenario (positive integer; default: the scenario's own)")
    .option('--backend <name>', `${backendNames().join(' | ')} (default ${DEFAULT_BACKEND})`)
    .option('--model <name>', `${PREEMPTION_MODELS.join(' | ')} (default ${DEFAULT_MODEL})`)
    .option('--python <version|path>', 'interpreter for the cpython backend')
    .option('--max-steps <n>', 'step budget of one run (default 20000); a run that exceeds it is reported as step-limit')
    .option('--time-limit <seconds>', "wall-clock budget of one scenario's exploration; reported when reached")
    .option('--search <mode>', 'auto (default: exhaustive up to the largest preemption bound that fits --runs, then sampling) | bounded | random | pct')
    .option('--bound <k>', 'with --search bounded: every schedule with at most k preemptions (default 2)')
    .option(
      '--target <module:Class>',
      "cpython: check your own semaphore class in place of the standard library's (replay: needed to run the class a token names)",
    )
    .option('--pythonpath <dir>', 'where to import --target from (repeatable, or path-separated)', (dir: string, prev: string[] | undefined) => [
      ...(prev ?? []),
      dir,
    ])
    .option('--workers <n>', 'threads to explore on (default: the cores available); the report does not depend on it')
    .option('--shard <i/n>', 'run the i-th of n parts of the exploration and print a shard file for merge (needs --search bounded, random or pct)')
    .option('--json', 'print a JSON document instead of text')
    .option('--no-progress', 'never draw a progress bar')
    .option('--no-confirm', 'do not replay simulated counterexamples on the real interpreter')
    .option('--program <file.py>', 'check this Python program as it is (the same as naming it); replay: the program a token names')
    .option(
      '--expect <property=verdict>',
      "a program's expected verdict for a property: holds | violated | any (repeatable)",
      (e: string, prev: string[] | undefined) => [...(prev ?? []), e],
    )
    .option('--reachable <kinds>', "outcome kinds a program's exploration must reach, comma-separated (e.g. over-admission,hang)");

  program
    .command('check')
    .description('check one scenario (a built-in id or a scenario file: .json, .yaml) or a Python program (.py) as it is')
    .argument('[scenario]', 'built-in scenario id, scenario file, or Python program (file.py)')
    .argument('[args...]', "a program's own command-line arguments (after --, when they start with -)")
    .action(async (idOrPath: string | undefined, args: string[], _opts: unknown, cmd: Command) => {
      const raw = cmd.optsWithGlobals<RawFlags>();
      const input = checkInput(idOrPath, args, raw);
      const flags = parseCheckFlags(raw, input.program !== undefined);
      exitCode = await checkCommand(input.scenarios(flags), flags, io, engine, version, input.program?.(flags));
    });

  program
    .command('replay')
    .description('replay the run a token describes (tokens are printed with counterexamples)')
    .argument('<token>', 'replay token (sv2.…)')
    .action(async (text: string, _opts: unknown, cmd: Command) => {
      const flags = parseReplayFlags(cmd.optsWithGlobals<RawFlags>());
      exitCode = await replayCommand(decodeToken(text), flags, io, engine, version);
    });

  program
    .command('merge')
    .description('combine the shard files of check --shard 1/n ... n/n into the report one machine would print')
    .argument('<shards...>', 'shard files, one per shard')
    .action(async (paths: string[], _opts: unknown, cmd: Command) => {
      const flags = parseMergeFlags(cmd.optsWithGlobals<RawFlags>());
      exitCode = await mergeCommand(paths, flags, io, engine, version);
    });

  program
    .command('list')
    .description('list the built-in scenarios')
    .action((_opts: unknown, cmd: Command) => {
      const flags = parseListFlags(cmd.optsWithGlobals<RawFlags>());
      exitCode = listCommand(builtinScenarios(), flags, io, version);
    });

  program
    .command('interpreters')
    .description('list the CPython interpreters found (for --backend cpython), their point model, and missing versions')
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = parseListFlags(cmd.optsWithGlobals<RawFlags>());
      exitCode = await interpretersCommand(flags, io, version);
    });

  program
    .command('matrix')
    .description('run one scenario on every CPython found: a version x outcome table')
    .argument('<scenario>', 'built-in scenario id or file path')
    .action(async (idOrPath: string, _opts: unknown, cmd: Command) => {
      const flags = parseCheckFlags(cmd.optsWithGlobals<RawFlags>());
      if (flags.target !== undefined) throw new InputError('--target', 'does not apply to matrix (use check --backend cpython --python <version>)');
      if (flags.shard !== undefined)
        throw new InputError('--shard', 'does not apply to matrix (shard each interpreter with check --backend cpython --python <version>)');
      if (isProgramPath(idOrPath) || flags.program !== undefined)
        throw new InputError(
          flags.program ?? idOrPath,
          'matrix runs scenarios: check a program on one interpreter at a time, check <file.py> --python <version>',
        );
      exitCode = await matrixCommand(selectScenarios(idOrPath)[0]!, flags, io, engine, version);
    });

  // No command: check every built-in. Stray words are then taken for a mistyped command.
  program.allowExcessArguments(true).action(async (_opts: unknown, cmd: Command) => {
    if (cmd.args.length > 0) throw new InputError(cmd.args[0]!, `unknown command (commands: ${COMMANDS.join(', ')})`);
    const raw = cmd.opts<RawFlags>();
    const input = checkInput(undefined, [], raw, true);
    const flags = parseCheckFlags(raw, input.program !== undefined);
    exitCode = await checkCommand(input.scenarios(flags), flags, io, engine, version, input.program?.(flags));
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    // --help and --version end parsing through the same override, successfully.
    if (e instanceof CommanderError && e.exitCode === 0) return EXIT.ok;
    return reportFailure(e, io, COMMANDS);
  }
}
