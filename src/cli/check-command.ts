/**
 * `semverify check <scenario>` and `semverify` alone (every built-in): explore, print each
 * report as soon as it is ready, and exit 0 only if every scenario met its expectations.
 */
import type { ScenarioReport } from '../explore/report-types.ts';
import { jsonDocument, toJsonText } from '../report/json.ts';
import { renderScenarioReport, renderSummary } from '../report/text.ts';
import { InputError } from '../contract/input-error.ts';
import { checkExpectationsAgainst } from '../scenario/expectation-names.ts';
import { BUILTIN_DIR, builtinScenarios, resolveScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Engine } from './engine.ts';
import { EXIT } from './errors-out.ts';
import type { CheckFlags, RawFlags } from './flags.ts';
import type { ProgramSpec } from '../contract/program.ts';
import { isProgramPath, loadProgram, type LoadedProgram } from '../program/load.ts';
import { outputWidth, useColor, type CliIo } from './io.ts';
import { startProgress, wantsProgress } from './progress.ts';
import { EXIT_ON_SIGNAL } from './interrupts.ts';
import type { CheckOptions } from './engine.ts';
import { SHARD_FORMAT, type ShardCheck, shardText } from '../explore/shard-document.ts';

/** The scenarios to check: the one named, or every built-in. */
export function selectScenarios(idOrPath: string | undefined): Scenario[] {
  if (idOrPath !== undefined) return [resolveScenario(idOrPath)];
  const all = builtinScenarios();
  if (all.length === 0) throw new InputError('scenarios', `no built-in scenarios found in ${BUILTIN_DIR}`);
  return all;
}

/** What `check` was asked to check, read once its flags are known: scenarios, or a program and its description. */
export interface CheckInput {
  readonly scenarios: (flags: CheckFlags) => Scenario[];
  /** Present for a program (`check x.py`, `--program x.py`). */
  readonly program?: (flags: CheckFlags) => ProgramSpec;
}

/**
 * A program when a .py file is named (or --program), else scenarios. Words after the program's name
 * (all of them, with --program) are its own arguments; `all`: no name given means every built-in scenario.
 */
export function checkInput(idOrPath: string | undefined, args: readonly string[], raw: RawFlags, all = false): CheckInput {
  const path = raw.program ?? (idOrPath !== undefined && isProgramPath(idOrPath) ? idOrPath : undefined);
  if (path === undefined) {
    if (args.length > 0) throw new InputError(args[0]!, 'unexpected argument: only a program (.py) takes arguments');
    if (idOrPath === undefined && !all) throw new InputError('scenario', 'missing (required argument)');
    return { scenarios: () => selectScenarios(idOrPath) };
  }
  // With --program, every word after `check` is the program's own.
  const programArgs = raw.program !== undefined && idOrPath !== undefined ? [idOrPath, ...args] : args;
  let loaded: LoadedProgram | undefined;
  const load = (flags: CheckFlags): LoadedProgram => {
    loaded ??= loadProgram(path, programArgs, flags.expect);
    return loaded;
  };
  return { scenarios: (flags) => [load(flags).scenario], program: (flags) => load(flags).spec };
}

/**
 * Before anything runs: every name in the scenarios' expectations must be one the check can
 * produce. The CLI checks the built-in properties, whose outcome kinds are the built-in ones.
 */
export async function checkExpectations(scenarios: readonly Scenario[]): Promise<void> {
  // Loaded here, not at the top: `list`, `--help` and flag errors never load the properties.
  const { builtinProperties } = await import('../../properties/index.ts');
  for (const s of scenarios) checkExpectationsAgainst(s, builtinProperties);
}

export async function checkCommand(
  scenarios: readonly Scenario[],
  flags: CheckFlags,
  io: CliIo,
  engine: Engine,
  version: string,
  program?: ProgramSpec,
): Promise<number> {
  await checkExpectations(scenarios);
  if (flags.shard !== undefined) {
    if (program !== undefined) throw new InputError('--shard', 'does not apply to a program yet (shard a scenario)');
    return shardCommand(scenarios, flags, flags.shard, io, engine, version);
  }
  const color = useColor(io);
  const width = outputWidth(io);
  const showProgress = wantsProgress(io, flags);
  const reports: ScenarioReport[] = [];
  const pool = flags.workers > 1 ? await engine.openPool(flags.workers) : undefined;
  try {
    for (const scenario of scenarios) {
      const progress = startProgress(io, showProgress, scenario.id);
      let report: ScenarioReport;
      try {
        report = await engine.checkScenario(scenario, {
          ...checkOptions(flags, io, progress.onProgress),
          ...(program !== undefined && { program }),
          ...(pool !== undefined && { pool }),
        });
      } finally {
        progress.stop();
      }
      reports.push(report);
      if (!flags.json) {
        const lines = renderScenarioReport(report, { color, width, threads: scenario.threads.map((t) => t.name) });
        io.stdout(`${reports.length > 1 ? '\n' : ''}${lines.join('\n')}\n`);
      }
      // Interrupted: what was found is printed; the scenarios not started are not.
      if (io.interrupts?.signal.aborted === true) break;
    }
  } finally {
    await pool?.close();
  }
  if (flags.json) io.stdout(toJsonText(jsonDocument(reports, version)));
  else if (reports.length > 1) io.stdout(`\n${renderSummary(reports, color).join('\n')}\n`);
  const stopped = io.interrupts?.received() ?? null;
  if (stopped !== null) return EXIT_ON_SIGNAL[stopped];
  return reports.every((r) => r.expectationsMet) ? EXIT.ok : EXIT.expectationsNotMet;
}

/** What a check is asked, from the command line. */
function checkOptions(flags: CheckFlags, io: CliIo, onProgress: ((done: number, total: number) => void) | undefined): CheckOptions {
  return {
    seed: flags.seed,
    ...(flags.runs !== undefined && { runs: flags.runs }),
    backend: flags.backend,
    model: flags.model,
    ...(flags.python !== undefined && { python: flags.python }),
    ...(flags.maxSteps !== undefined && { maxSteps: flags.maxSteps }),
    confirm: flags.confirm,
    ...(flags.timeLimit !== undefined && { timeLimitSeconds: flags.timeLimit }),
    search: flags.search,
    ...(flags.bound !== undefined && { bound: flags.bound }),
    ...(flags.target !== undefined && { target: flags.target, pythonpath: flags.pythonpath ?? [] }),
    ...(onProgress !== undefined && { onProgress }),
    ...(io.interrupts !== undefined && { signal: io.interrupts.signal }),
  };
}

/**
 * `check --shard i/n`: this shard's part of every scenario's exploration, printed as one shard
 * file (JSON) for `merge`. No verdict is printed: one shard cannot judge.
 */
async function shardCommand(
  scenarios: readonly Scenario[],
  flags: CheckFlags,
  shard: { readonly index: number; readonly count: number },
  io: CliIo,
  engine: Engine,
  version: string,
): Promise<number> {
  const checks: ShardCheck[] = [];
  const pool = flags.workers > 1 ? await engine.openPool(flags.workers) : undefined;
  try {
    for (const scenario of scenarios) {
      const progress = startProgress(io, wantsProgress(io, { ...flags, json: false }), `${scenario.id} ${shard.index}/${shard.count}`);
      try {
        checks.push(await engine.exploreShard(scenario, { ...checkOptions(flags, io, progress.onProgress), ...(pool !== undefined && { pool }) }, shard));
      } finally {
        progress.stop();
      }
      if (io.interrupts?.signal.aborted === true) break;
    }
  } finally {
    await pool?.close();
  }
  const stopped = io.interrupts?.received() ?? null;
  io.stdout(shardText({ format: SHARD_FORMAT, semverify: version, shard, ...(stopped !== null && { interrupted: stopped }), checks }));
  return stopped !== null ? EXIT_ON_SIGNAL[stopped] : EXIT.ok;
}
