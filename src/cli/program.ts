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
import { checkCommand, selectScenarios } from './check-command.ts';
import { defaultEngine, type Engine } from './engine.ts';
import { EXIT, reportFailure } from './errors-out.ts';
import { DEFAULT_MODEL, parseCheckFlags, parseListFlags, parseReplayFlags, type RawFlags } from './flags.ts';
import type { CliIo } from './io.ts';
import { listCommand } from './list-command.ts';
import { replayCommand } from './replay-command.ts';
import { interpretersCommand } from './interpreters-command.ts';
import { matrixCommand } from './matrix-command.ts';
import { packageVersion } from './version.ts';
import { backendNames, DEFAULT_BACKEND } from '../backends/registry.ts';
import { SIMULATED_IMPLEMENTATIONS } from '../contract/implementations.ts';
import { PREEMPTION_MODELS } from '../contract/names.ts';

const COMMANDS = ['check', 'replay', 'list', 'interpreters', 'matrix', 'help'] as const;

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
    .option('--impl <id>', `simulated port to run, in place of the scenario's impl: ${SIMULATED_IMPLEMENTATIONS.join(' | ')}`)
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
    .option('--json', 'print a JSON document instead of text')
    .option('--no-progress', 'never draw a progress bar')
    .option('--no-confirm', 'do not replay simulated counterexamples on the real interpreter');

  program
    .command('check')
    .description('check one scenario: a built-in id or a scenario file (.json, .yaml)')
    .argument('<scenario>', 'built-in scenario id or file path')
    .action(async (idOrPath: string, _opts: unknown, cmd: Command) => {
      const flags = parseCheckFlags(cmd.optsWithGlobals<RawFlags>());
      exitCode = await checkCommand(selectScenarios(idOrPath), flags, io, engine, version);
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
    .description('run one scenario on every CPython found (--backend sim: on every simulated version): a version x outcome table')
    .argument('<scenario>', 'built-in scenario id or file path')
    .action(async (idOrPath: string, _opts: unknown, cmd: Command) => {
      const flags = parseCheckFlags(cmd.optsWithGlobals<RawFlags>());
      if (flags.target !== undefined) throw new InputError('--target', 'does not apply to matrix (use check --backend cpython --python <version>)');
      if (flags.impl !== undefined) throw new InputError('--impl', 'does not apply to matrix (it runs every version; use check --impl <id>)');
      exitCode = await matrixCommand(selectScenarios(idOrPath)[0]!, flags, io, engine, version);
    });

  // No command: check every built-in. Stray words are then taken for a mistyped command.
  program.allowExcessArguments(true).action(async (_opts: unknown, cmd: Command) => {
    if (cmd.args.length > 0) throw new InputError(cmd.args[0]!, `unknown command (commands: ${COMMANDS.join(', ')})`);
    const flags = parseCheckFlags(cmd.opts<RawFlags>());
    exitCode = await checkCommand(selectScenarios(undefined), flags, io, engine, version);
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
