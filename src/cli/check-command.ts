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
import type { CheckFlags } from './flags.ts';
import { outputWidth, useColor, type CliIo } from './io.ts';
import { startProgress, wantsProgress } from './progress.ts';
import { EXIT_ON_SIGNAL } from './interrupts.ts';

/** The scenarios to check: the one named, or every built-in. */
export function selectScenarios(idOrPath: string | undefined): Scenario[] {
  if (idOrPath !== undefined) return [resolveScenario(idOrPath)];
  const all = builtinScenarios();
  if (all.length === 0) throw new InputError('scenarios', `no built-in scenarios found in ${BUILTIN_DIR}`);
  return all;
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

export async function checkCommand(scenarios: readonly Scenario[], flags: CheckFlags, io: CliIo, engine: Engine, version: string): Promise<number> {
  await checkExpectations(scenarios);
  const color = useColor(io);
  const width = outputWidth(io);
  const showProgress = wantsProgress(io, flags);
  const reports: ScenarioReport[] = [];
  for (const scenario of scenarios) {
    const progress = startProgress(io, showProgress, scenario.id);
    let report: ScenarioReport;
    try {
      report = await engine.checkScenario(scenario, {
        seed: flags.seed,
        ...(flags.runs !== undefined && { runs: flags.runs }),
        backend: flags.backend,
        model: flags.model,
        ...(flags.python !== undefined && { python: flags.python }),
        ...(flags.impl !== undefined && { impl: flags.impl }),
        ...(flags.maxSteps !== undefined && { maxSteps: flags.maxSteps }),
        confirm: flags.confirm,
        ...(flags.timeLimit !== undefined && { timeLimitSeconds: flags.timeLimit }),
        search: flags.search,
        ...(flags.bound !== undefined && { bound: flags.bound }),
        ...(flags.target !== undefined && { target: flags.target, pythonpath: flags.pythonpath ?? [] }),
        ...(progress.onProgress !== undefined && { onProgress: progress.onProgress }),
        ...(io.interrupts !== undefined && { signal: io.interrupts.signal }),
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
  if (flags.json) io.stdout(toJsonText(jsonDocument(reports, version)));
  else if (reports.length > 1) io.stdout(`\n${renderSummary(reports, color).join('\n')}\n`);
  const stopped = io.interrupts?.received() ?? null;
  if (stopped !== null) return EXIT_ON_SIGNAL[stopped];
  return reports.every((r) => r.expectationsMet) ? EXIT.ok : EXIT.expectationsNotMet;
}
