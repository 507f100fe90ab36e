/**
 * One scenario's check inside a project: replay the failures saved for it first, check it, then
 * save what the check found (src/project/failures.ts). Shared by the CLI and the library.
 */
import type { CheckOptions } from '../explore/check.ts';
import type { ScenarioReport } from '../explore/report-types.ts';
import type { Scenario } from '../scenario/types.ts';
import { builtinProperties } from '../../properties/builtin.ts';
import { dropStale, replaySavedFailures, saveFailures } from './failures.ts';

export interface ProjectContext {
  /** Where `.semverify/` lives: the config file's directory, else the working directory. */
  readonly root: string;
  /** Replay and write saved failures. */
  readonly save: boolean;
}

export type ScenarioChecker = (scenario: Scenario, opts: CheckOptions) => Promise<ScenarioReport>;

export async function checkInProject(scenario: Scenario, opts: CheckOptions, project: ProjectContext, check: ScenarioChecker): Promise<ScenarioReport> {
  if (!project.save) return check(scenario, opts);
  const saved = await replaySavedFailures(project.root, scenario, opts.properties ?? builtinProperties);
  const report = await check(scenario, opts);
  const written = saveFailures(project.root, report);
  dropStale(project.root, saved, written);
  return saved.length > 0 ? { ...report, savedFailures: saved } : report;
}
