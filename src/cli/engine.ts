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
import type { MergeOptions, ShardSpec } from '../explore/shard.ts';
import type { ShardCheck } from '../explore/shard-document.ts';
import type { WorkerPool } from '../explore/pool/worker-pool.ts';

export type { CheckOptions } from '../explore/check.ts';

export interface Engine {
  checkScenario(scenario: Scenario, opts: CheckOptions): Promise<ScenarioReport>;
  replayToken(token: ReplayToken, opts: ReplayOptions): Promise<ReplayResult>;
  /** One shard of a check's exploration (`check --shard i/n`). */
  exploreShard(scenario: Scenario, opts: CheckOptions, shard: ShardSpec): Promise<ShardCheck>;
  /** The report of one scenario from all its shards (`merge`). */
  mergeShards(checks: readonly ShardCheck[], opts: MergeOptions): Promise<ScenarioReport>;
  /** A pool of `size` worker threads for the checks of one command (threads start on first use). */
  openPool(size: number): Promise<WorkerPool>;
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
    async exploreShard(scenario, opts, shard) {
      const { exploreShard } = await import('../explore/shard.ts');
      return exploreShard(scenario, opts, shard);
    },
    async mergeShards(checks, opts) {
      const { mergeShardChecks } = await import('../explore/shard.ts');
      return mergeShardChecks(checks, opts);
    },
    async openPool(size) {
      const { WorkerPool } = await import('../explore/pool/worker-pool.ts');
      return new WorkerPool(size);
    },
  };
}
