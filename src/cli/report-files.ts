/** The report files a check writes besides its output: --html FILE and --reporter junit FILE. */
import { writeFileSync } from 'node:fs';
import type { ScenarioReport } from '../explore/report-types.ts';
import type { Scenario } from '../scenario/types.ts';
import { InputError } from '../contract/input-error.ts';
import type { CheckFlags } from './flags.ts';

export async function writeReportFiles(reports: readonly ScenarioReport[], scenarios: readonly Scenario[], flags: CheckFlags, version: string): Promise<void> {
  if (flags.html !== undefined) {
    const { htmlReport } = await import('../report/html.ts');
    write('--html', flags.html, htmlReport(reports, scenarios, version));
  }
  if (flags.junit !== undefined) {
    const { junitReport } = await import('../report/junit.ts');
    write('--reporter', flags.junit, junitReport(reports, version));
  }
}

function write(flag: string, file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new InputError(flag, `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
