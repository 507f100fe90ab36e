/**
 * `check --shard i/n`: this shard's part of every scenario's exploration, printed as one shard
 * file (JSON) for `merge` (src/explore/shard.ts). No verdict is printed: one shard cannot judge.
 */
import type { Scenario } from '../scenario/types.ts';
import type { Property } from '../../properties/api.ts';
import { SHARD_FORMAT, type ShardCheck, shardText } from '../explore/shard-document.ts';
import { checkOptionsOf } from './check-options.ts';
import type { Engine } from './engine.ts';
import { EXIT } from './errors-out.ts';
import type { CheckFlags } from './flags.ts';
import type { CliIo } from './io.ts';
import { EXIT_ON_SIGNAL } from './interrupts.ts';
import { startProgress, wantsProgress } from './progress.ts';

export async function shardCommand(
  scenarios: readonly Scenario[],
  flags: CheckFlags,
  shard: { readonly index: number; readonly count: number },
  io: CliIo,
  engine: Engine,
  version: string,
  properties: readonly Property[] | undefined,
): Promise<number> {
  const checks: ShardCheck[] = [];
  const pool = flags.workers > 1 ? await engine.openPool(flags.workers) : undefined;
  try {
    for (const scenario of scenarios) {
      // The file goes to stdout: a bar on stderr is still welcome on a terminal.
      const progress = startProgress(io, wantsProgress(io, { ...flags, json: false }), `${scenario.id} ${shard.index}/${shard.count}`);
      try {
        const opts = {
          ...checkOptionsOf(flags),
          ...(properties !== undefined && { properties }),
          ...(pool !== undefined && { pool }),
          ...(progress.onProgress !== undefined && { onProgress: progress.onProgress }),
          ...(io.interrupts !== undefined && { signal: io.interrupts.signal }),
        };
        checks.push(await engine.exploreShard(scenario, opts, shard));
      } finally {
        progress.stop();
      }
      if (io.interrupts?.signal.aborted === true) break;
    }
  } finally {
    await pool?.close();
  }
  const stopped = io.interrupts?.received() ?? null;
  io.stdout(shardText({ format: SHARD_FORMAT, semverify: version, shard, ...(stopped !== null && { interrupted: stopped }), checks }));
  return stopped !== null ? EXIT_ON_SIGNAL[stopped] : EXIT.ok;
}
