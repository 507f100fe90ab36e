/** The report files a check writes besides its output: --html FILE and --reporter junit FILE. */
import { writeFileSync } from 'node:fs';
import type { ScenarioReport } from '../explore/report-types.ts';
import type { Scenario } from '../scenario/types.ts';
import { InputError } from '../contract/input-error.ts';
import type { CheckFlags } from './flags.ts';
import type { Engine } from './engine.ts';
import type { PictureRun } from '../report/html.ts';
import { capabilitiesOf } from '../backends/registry.ts';

export async function writeReportFiles(
  reports: readonly ScenarioReport[],
  scenarios: readonly Scenario[],
  flags: CheckFlags,
  version: string,
  engine: Engine,
): Promise<void> {
  if (flags.html !== undefined) {
    const { htmlReport } = await import('../report/html.ts');
    write('--html', flags.html, htmlReport(reports, scenarios, version, await defaultRuns(reports, scenarios, flags, engine)));
  }
  if (flags.junit !== undefined) {
    const { junitReport } = await import('../report/junit.ts');
    write('--reporter', flags.junit, junitReport(reports, version));
  }
}

/**
 * A scenario whose every run was clean keeps no run to draw: replay its default schedule, on the
 * backend and version the check ran, for its picture.
 */
async function defaultRuns(
  reports: readonly ScenarioReport[],
  scenarios: readonly Scenario[],
  flags: CheckFlags,
  engine: Engine,
): Promise<Map<string, PictureRun>> {
  const out = new Map<string, PictureRun>();
  for (const r of reports) {
    const scenario = scenarios.find((s) => s.id === r.id);
    // A --target class runs only where the command line consents per run: no extra run for a picture.
    if (scenario === undefined || flags.target !== undefined || r.outcomes.some((o) => o.minimal !== undefined)) continue;
    const python = capabilitiesOf(r.backend).executes === 'interpreter' ? (flags.python ?? r.version) : undefined;
    const result = await engine.replayToken(
      {
        v: 2,
        backend: r.backend,
        model: r.model,
        ...(python !== undefined && { python }),
        scenario: r.impl !== undefined ? { ...scenario, impl: r.impl } : scenario,
        schedule: [],
      },
      {},
    );
    out.set(r.id, { history: result.run.history, endTime: result.run.endTime, kinds: result.kinds });
  }
  return out;
}

function write(flag: string, file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new InputError(flag, `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
