/**
 * `semverify check <scenario>` and `semverify` alone (every built-in): explore, print each
 * report as soon as it is ready, and exit 0 only if every scenario met its expectations.
 */
import type { ScenarioReport } from '../explore/report-types.ts';
import { jsonDocument, toJsonText } from '../report/json.ts';
import { renderScenarioReport, renderSummary } from '../report/text.ts';
import { InputError } from '../scenario/errors.ts';
import { BUILTIN_DIR, builtinScenarios, resolveScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Engine } from './engine.ts';
import { EXIT } from './errors-out.ts';
import type { CheckFlags } from './flags.ts';
import { outputWidth, useColor, type CliIo } from './io.ts';
import { startProgress, wantsProgress } from './progress.ts';

/** The scenarios to check: the one named, or every built-in. */
export function selectScenarios(idOrPath: string | undefined): Scenario[] {
  if (idOrPath !== undefined) return [resolveScenario(idOrPath)];
  const all = builtinScenarios();
  if (all.length === 0) throw new InputError('scenarios', `no built-in scenarios found in ${BUILTIN_DIR}`);
  return all;
}

export async function checkCommand(
  scenarios: readonly Scenario[],
  flags: CheckFlags,
  io: CliIo,
  engine: Engine,
  version: string,
): Promise<number> {
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
        ...(flags.maxSteps !== undefined && { maxSteps: flags.maxSteps }),
        confirm: flags.confirm,
        ...(flags.timeLimit !== undefined && { timeLimitSeconds: flags.timeLimit }),
        ...(flags.target !== undefined && { target: flags.target, pythonpath: flags.pythonpath ?? [] }),
        ...(progress.onProgress !== undefined && { onProgress: progress.onProgress }),
      });
    } finally {
      progress.stop();
    }
    reports.push(report);
    if (!flags.json) {
      const lines = renderScenarioReport(report, { color, width, threads: scenario.threads.map((t) => t.name) });
      io.stdout(`${reports.length > 1 ? '\n' : ''}${lines.join('\n')}\n`);
    }
  }
  if (flags.json) io.stdout(toJsonText(jsonDocument(reports, version)));
  else if (reports.length > 1) io.stdout(`\n${renderSummary(reports, color).join('\n')}\n`);
  return reports.every((r) => r.expectationsMet) ? EXIT.ok : EXIT.expectationsNotMet;
}
