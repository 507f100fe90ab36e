/** `--html FILE`: placeholder until the timeline renderer lands. */
import type { ScenarioReport } from '../explore/report-types.ts';
import type { Scenario } from '../scenario/types.ts';

export function htmlReport(reports: readonly ScenarioReport[], _scenarios: readonly Scenario[], version: string): string {
  return `<!doctype html><meta charset="utf-8"><title>semverify ${version}</title><p>${reports.length} scenarios</p>`;
}
