/**
 * The exploration engine as the CLI sees it. The real modules are imported lazily: `list`,
 * `--help` and every input error answer without loading the runtimes, and tests can hand
 * runCli a fake engine.
 */
import type { Scenario } from '../scenario/types.ts';
import type { ScenarioReport } from '../explore/report-types.ts';
import type { CheckOptions } from '../explore/check.ts';
import type { ReplayToken } from '../explore/token.ts';
import type { ReplayOptions } from '../explore/replay.ts';
import type { ReplayResult } from '../explore/report-types.ts';

export type { CheckOptions } from '../explore/check.ts';

export interface Engine {
  checkScenario(scenario: Scenario, opts: CheckOptions): Promise<ScenarioReport>;
  replayToken(token: ReplayToken, opts: ReplayOptions): Promise<ReplayResult>;
}

export function defaultEngine(): Engine {
  return {
    async checkScenario(scenario, opts) {
      const { checkScenario } = await import('../explore/check.ts');
      return checkScenario(scenario, opts);
    },
    async replayToken(token, opts) {
      const { replayToken } = await import('../explore/replay.ts');
      return replayToken(token, opts);
    },
  };
}
