/**
 * `semverify check <scenarios...>` (or a Python program and its arguments) and `semverify` alone
 * (the config's scenarios, or every built-in): replay saved failures, explore, print each report
 * as soon as it is ready, save new failures, write the --html and --reporter files, and exit 0
 * only if every scenario met its expectations. With --shard, explore one part (shard-command.ts).
 */
import type { ScenarioReport } from '../explore/report-types.ts';
import { jsonDocument, toJsonText } from '../report/json.ts';
import { renderScenarioReport, renderSummary } from '../report/text.ts';
import { InputError } from '../contract/input-error.ts';
import { checkExpectationsAgainst } from '../scenario/expectation-names.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Engine } from './engine.ts';
import type { CheckOptions } from '../explore/check.ts';
import type { Property } from '../../properties/api.ts';
import type { ProgramSpec } from '../contract/program.ts';
import { isProgramPath, loadProgram, type LoadedProgram } from '../program/load.ts';
import { checkInProject, type ProjectContext } from '../project/check-in-project.ts';
import { selectScenarios } from '../project/scenarios.ts';
import type { LoadedConfig } from '../project/config.ts';
import { writeReportFiles } from './report-files.ts';
import { EXIT } from './errors-out.ts';
import type { CheckFlags, RawFlags } from './flags.ts';
import { outputWidth, useColor, type CliIo } from './io.ts';
import { startProgress, wantsProgress } from './progress.ts';
import { EXIT_ON_SIGNAL } from './interrupts.ts';
import { shardCommand } from './shard-command.ts';
import { checkOptionsOf } from './check-options.ts';

/** What `check` was asked to check, read once its flags are known: scenarios, or a program and its description. */
export interface CheckInput {
  readonly scenarios: (flags: CheckFlags) => Scenario[];
  /** Present for a program (`check x.py`, `--program x.py`). */
  readonly program?: (flags: CheckFlags) => ProgramSpec;
}

/**
 * A program when the first word is a .py file (or --program), else scenarios: ids, files,
 * directories, globs (none: the config's, or every built-in). Words after the program's name (all
 * of them, with --program) are its own arguments.
 */
export function checkInput(words: readonly string[], raw: RawFlags, config: LoadedConfig): CheckInput {
  const first = words[0];
  const path = raw.program ?? (first !== undefined && isProgramPath(first) ? first : undefined);
  if (path === undefined) {
    const programWord = words.find(isProgramPath);
    if (programWord !== undefined) throw new InputError(programWord, 'a program is checked alone: check <file.py> [its arguments]');
    return { scenarios: () => selectScenarios(words, config) };
  }
  // With --program, every word after `check` is the program's own.
  const programArgs = raw.program !== undefined ? [...words] : words.slice(1);
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
export async function checkExpectations(scenarios: readonly Scenario[], properties?: readonly Property[]): Promise<void> {
  // Loaded here, not at the top: `list`, `--help` and flag errors never load the properties.
  const checked = properties ?? (await import('../../properties/index.ts')).builtinProperties;
  for (const s of scenarios) checkExpectationsAgainst(s, checked);
}

/** What the project adds to a check: its properties (the config's beside the built-ins) and where saved failures live. */
export interface CheckContext extends ProjectContext {
  readonly properties?: readonly Property[];
}

export async function checkCommand(
  scenarios: readonly Scenario[],
  flags: CheckFlags,
  io: CliIo,
  engine: Engine,
  version: string,
  project: CheckContext = { root: process.cwd(), save: false },
  program?: ProgramSpec,
): Promise<number> {
  await checkExpectations(scenarios, project.properties);
  if (flags.shard !== undefined) {
    if (program !== undefined) throw new InputError('--shard', 'does not apply to a program yet (shard a scenario)');
    return shardCommand(scenarios, flags, flags.shard, io, engine, version, project.properties);
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
        const opts: CheckOptions = {
          ...checkOptionsOf(flags),
          ...(project.properties !== undefined && { properties: project.properties }),
          ...(program !== undefined && { program }),
          ...(pool !== undefined && { pool }),
          ...(progress.onProgress !== undefined && { onProgress: progress.onProgress }),
          ...(io.interrupts !== undefined && { signal: io.interrupts.signal }),
        };
        report = await checkInProject(scenario, opts, { root: project.root, save: flags.save && project.save }, (s, o) => engine.checkScenario(s, o));
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
  await writeReportFiles(reports, scenarios, flags, version, engine);
  if (flags.json) io.stdout(toJsonText(jsonDocument(reports, version)));
  else if (reports.length > 1) io.stdout(`\n${renderSummary(reports, color).join('\n')}\n`);
  const stopped = io.interrupts?.received() ?? null;
  if (stopped !== null) return EXIT_ON_SIGNAL[stopped];
  return reports.every((r) => r.expectationsMet) ? EXIT.ok : EXIT.expectationsNotMet;
}
