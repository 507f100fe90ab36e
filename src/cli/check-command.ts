/**
 * `semverify check <scenarios...>` and `semverify` alone (the config's scenarios, or every
 * built-in): replay saved failures, explore, print each report as soon as it is ready, save new
 * failures, write the --html and --reporter files, and exit 0 only if every scenario met its expectations.
 */
import type { ScenarioReport } from '../explore/report-types.ts';
import { jsonDocument, toJsonText } from '../report/json.ts';
import { renderScenarioReport, renderSummary } from '../report/text.ts';
import { checkExpectationsAgainst } from '../scenario/expectation-names.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Engine } from './engine.ts';
import type { CheckOptions } from '../explore/check.ts';
import type { Property } from '../../properties/api.ts';
import { checkInProject, type ProjectContext } from '../project/check-in-project.ts';
import { writeReportFiles } from './report-files.ts';
import { EXIT } from './errors-out.ts';
import type { CheckFlags } from './flags.ts';
import { outputWidth, useColor, type CliIo } from './io.ts';
import { startProgress, wantsProgress } from './progress.ts';
import { EXIT_ON_SIGNAL } from './interrupts.ts';

/**
 * Before anything runs: every name in the scenarios' expectations must be one the check can
 * produce. The CLI checks the built-in properties, whose outcome kinds are the built-in ones.
 */
export async function checkExpectations(scenarios: readonly Scenario[], properties?: readonly Property[]): Promise<void> {
  // Loaded here, not at the top: `list`, `--help` and flag errors never load the properties.
  const checked = properties ?? (await import('../../properties/index.ts')).builtinProperties;
  for (const s of scenarios) checkExpectationsAgainst(s, checked);
}

/** The exploration options the flags ask for (the run's own hooks, progress and interrupts, are added by the caller). */
export function checkOptionsOf(flags: CheckFlags): CheckOptions {
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
  };
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
): Promise<number> {
  await checkExpectations(scenarios, project.properties);
  const color = useColor(io);
  const width = outputWidth(io);
  const showProgress = wantsProgress(io, flags);
  const reports: ScenarioReport[] = [];
  for (const scenario of scenarios) {
    const progress = startProgress(io, showProgress, scenario.id);
    let report: ScenarioReport;
    try {
      const opts: CheckOptions = {
        ...checkOptionsOf(flags),
        ...(project.properties !== undefined && { properties: project.properties }),
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
  await writeReportFiles(reports, scenarios, flags, version, engine);
  if (flags.json) io.stdout(toJsonText(jsonDocument(reports, version)));
  else if (reports.length > 1) io.stdout(`\n${renderSummary(reports, color).join('\n')}\n`);
  const stopped = io.interrupts?.received() ?? null;
  if (stopped !== null) return EXIT_ON_SIGNAL[stopped];
  return reports.every((r) => r.expectationsMet) ? EXIT.ok : EXIT.expectationsNotMet;
}
