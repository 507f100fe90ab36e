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
import { checkCommand, checkInput } from './check-command.ts';
import { isProgramPath } from '../program/load.ts';
import { mergeCommand } from './merge-command.ts';
import { projectOf, withConfigDefaults } from './project.ts';
import { configScenarios, selectScenarios } from '../project/scenarios.ts';

import { defaultEngine, type Engine } from './engine.ts';
import { EXIT, reportFailure } from './errors-out.ts';
import { DEFAULT_MODEL, parseCheckFlags, parseListFlags, parseMergeFlags, parseReplayFlags, type RawFlags } from './flags.ts';
import type { CliIo } from './io.ts';
import { listCommand } from './list-command.ts';
import { replayCommand } from './replay-command.ts';
import { interpretersCommand } from './interpreters-command.ts';
import { matrixCommand } from './matrix-command.ts';
import { packageVersion } from './version.ts';
import { backendNames, DEFAULT_BACKEND } from '../backends/registry.ts';
import { SIMULATED_IMPLEMENTATIONS } from '../contract/implementations.ts';
import { PREEMPTION_MODELS } from '../contract/names.ts';

const COMMANDS = ['check', 'replay', 'merge', 'export', 'list', 'interpreters', 'matrix', 'help'] as const;

/** `--reporter junit FILE` takes two words; commander options take one: read it as `--reporter junit=FILE`. */
export function joinReporterFile(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 2];
    if (argv[i] === '--reporter' && argv[i + 1] === 'junit' && next !== undefined && !next.startsWith('-')) {
      out.push('--reporter', `junit=${next}`);
      i += 2;
    } else out.push(argv[i]!);
  }
  return out;
}

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
    // Our own `help [command]` below (exit 0, one line for an unknown command).
    .helpCommand(false)
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
    .option(
      '--workers <n>',
      'threads to explore on (default: the cores available; a simulated check uses them from 20,000 runs); the report does not depend on it',
    )
    .option('--shard <i/n>', 'run the i-th of n parts of the exploration and print a shard file for merge (needs --search bounded, random or pct)')
    .option('--config <file>', 'config file (default: semverify.config.{ts,mts,js,mjs,json} in the working directory or above)')
    .option('--json', 'print a JSON document instead of text')
    .option('--html <file>', 'check: also write a self-contained HTML report (timelines, census, counterexamples)')
    .option('--reporter <junit>', 'check: `--reporter junit FILE` also writes a JUnit XML report')
    .option('--no-save', 'check: neither replay nor write saved failures (.semverify/failures/)')
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
    .description('check scenarios (built-in or config ids, scenario files, directories, globs), or a Python program (.py) as it is')
    .argument('[inputs...]', "scenario ids, files, directories or globs; or file.py and the program's own arguments (after --, when they start with -)")
    .action(async (words: string[], _opts: unknown, cmd: Command) => {
      const raw = cmd.optsWithGlobals<RawFlags>();
      if (words.length === 0 && raw.program === undefined) throw new InputError('scenarios', 'missing (required argument)');
      const project = await projectOf(cmd, io.env);
      const input = checkInput(words, raw, project.config);
      const flags = parseCheckFlags(withConfigDefaults(cmd, project.config), input.program !== undefined);
      exitCode = await checkCommand(input.scenarios(flags), flags, io, engine, version, project.context, input.program?.(flags));
    });

  program
    .command('replay')
    .description('replay the run a token describes (tokens are printed with counterexamples)')
    .argument('<token>', 'replay token (sv2.…)')
    .action(async (text: string, _opts: unknown, cmd: Command) => {
      const flags = parseReplayFlags(cmd.optsWithGlobals<RawFlags>());
      const project = await projectOf(cmd, io.env);
      exitCode = await replayCommand(decodeToken(text), flags, io, engine, version, project.context.properties);
    });

  program
    .command('merge')
    .description('combine the shard files of check --shard 1/n ... n/n into the report one machine would print')
    .argument('<shards...>', 'shard files, one per shard')
    .action(async (paths: string[], _opts: unknown, cmd: Command) => {
      const flags = parseMergeFlags(cmd.optsWithGlobals<RawFlags>());
      const project = await projectOf(cmd, io.env);
      exitCode = await mergeCommand(paths, flags, io, engine, version, project.context.properties);
    });

  program
    .command('export')
    .description('write a regression test that replays a token: a standalone Python unittest, or a vitest file')
    .argument('<token>', 'replay token (sv2.…)')
    .requiredOption('--format <format>', 'python | vitest')
    .requiredOption('-o, --output <file>', 'the file to write')
    .action(async (text: string, opts: { format: string; output: string }, cmd: Command) => {
      const { exportCommand } = await import('./export-command.ts');
      const project = await projectOf(cmd, io.env);
      exitCode = await exportCommand(decodeToken(text), opts, io, engine, project.context.properties);
    });

  program
    .command('list')
    .description("list the scenarios: the config's, then the built-ins")
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = parseListFlags(cmd.optsWithGlobals<RawFlags>());
      const project = await projectOf(cmd, io.env);
      exitCode = listCommand([...configScenarios(project.config), ...builtinScenarios()], flags, io, version);
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
      const project = await projectOf(cmd, io.env);
      // The table is of installed interpreters unless the command line asks for the simulated ports (a config's backend is check's).
      const given = cmd.optsWithGlobals<RawFlags>().backend;
      const flags = parseCheckFlags({ ...withConfigDefaults(cmd, project.config), backend: given ?? 'cpython' });
      if (flags.target !== undefined) throw new InputError('--target', 'does not apply to matrix (use check --backend cpython --python <version>)');
      if (flags.impl !== undefined) throw new InputError('--impl', 'does not apply to matrix (it runs every version; use check --impl <id>)');
      if (flags.shard !== undefined)
        throw new InputError('--shard', 'does not apply to matrix (shard each interpreter with check --backend cpython --python <version>)');
      if (isProgramPath(idOrPath) || flags.program !== undefined)
        throw new InputError(
          flags.program ?? idOrPath,
          'matrix runs scenarios: check a program on one interpreter at a time, check <file.py> --python <version>',
        );
      exitCode = await matrixCommand(selectScenarios([idOrPath], project.config)[0]!, flags, io, engine, version);
    });

  program
    .command('help')
    .description('show help for semverify or one command')
    .argument('[command]', 'the command')
    .action((name: string | undefined) => {
      if (name === undefined) return void program.outputHelp();
      const sub = program.commands.find((c) => c.name() === name);
      if (sub === undefined) throw new InputError(name, `unknown command (commands: ${COMMANDS.join(', ')})`);
      sub.outputHelp();
    });

  // No command: check the config's scenarios, or every built-in. Stray words are then taken for a mistyped command.
  program.allowExcessArguments(true).action(async (_opts: unknown, cmd: Command) => {
    if (cmd.args.length > 0) throw new InputError(cmd.args[0]!, `unknown command (commands: ${COMMANDS.join(', ')})`);
    const project = await projectOf(cmd, io.env);
    const input = checkInput([], cmd.opts<RawFlags>(), project.config);
    const flags = parseCheckFlags(withConfigDefaults(cmd, project.config), input.program !== undefined);
    exitCode = await checkCommand(input.scenarios(flags), flags, io, engine, version, project.context, input.program?.(flags));
  });

  try {
    await program.parseAsync(joinReporterFile(argv), { from: 'user' });
    return exitCode;
  } catch (e) {
    // --help and --version end parsing through the same override, successfully.
    if (e instanceof CommanderError && e.exitCode === 0) return EXIT.ok;
    return reportFailure(e, io, COMMANDS);
  }
}
