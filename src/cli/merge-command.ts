/**
 * `semverify merge <shard files...>`: the report of a sharded exploration, as `check` would have
 * printed it on one machine (same text, same --json, same exit code).
 */
import { readFileSync } from 'node:fs';
import type { Property } from '../../properties/api.ts';
import type { ScenarioReport } from '../explore/report-types.ts';
import { jsonDocument, toJsonText } from '../report/json.ts';
import { renderScenarioReport, renderSummary } from '../report/text.ts';
import { InputError } from '../contract/input-error.ts';
import { parseJsonText } from '../scenario/json-text.ts';
import { checkShardSet, parseShardDocument, type ShardDocument } from '../explore/shard-document.ts';
import { checkExpectations } from './check-command.ts';
import type { Engine } from './engine.ts';
import { EXIT } from './errors-out.ts';
import type { MergeFlags } from './flags.ts';
import { outputWidth, useColor, type CliIo } from './io.ts';
import { EXIT_ON_SIGNAL } from './interrupts.ts';
import { startProgress, wantsProgress } from './progress.ts';

/** Shard files are JSON of a few MiB at most per million runs; refuse what cannot be one. */
const MAX_SHARD_BYTES = 512 * 1024 * 1024;

export function readShardFile(path: string): ShardDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      path,
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a shard file' : `cannot read (${code ?? 'error'})`,
    );
  }
  if (text.length > MAX_SHARD_BYTES) throw new InputError(path, 'too large to be a shard file');
  return parseShardDocument(parseJsonText(text, path), path);
}

export async function mergeCommand(
  paths: readonly string[],
  flags: MergeFlags,
  io: CliIo,
  engine: Engine,
  version: string,
  properties?: readonly Property[],
): Promise<number> {
  const docs = paths.map((path) => ({ doc: readShardFile(path), display: path }));
  checkShardSet(docs);
  const first = docs[0]!.doc;
  await checkExpectations(
    first.checks.map((c) => c.scenario),
    properties,
  );
  const color = useColor(io);
  const reports: ScenarioReport[] = [];
  for (let i = 0; i < first.checks.length; i++) {
    const checks = docs.map((d) => d.doc.checks[i]!);
    const scenario = checks[0]!.scenario;
    const progress = startProgress(io, wantsProgress(io, flags), `${scenario.id} (merge)`);
    let report: ScenarioReport;
    try {
      report = await engine.mergeShards(checks, {
        confirm: flags.confirm,
        ...(properties !== undefined && { properties }),
        ...(flags.target !== undefined && { target: flags.target, pythonpath: flags.pythonpath ?? [] }),
        ...(io.interrupts !== undefined && { signal: io.interrupts.signal }),
        ...(progress.onProgress !== undefined && { onProgress: progress.onProgress }),
      });
    } finally {
      progress.stop();
    }
    reports.push(report);
    if (!flags.json) {
      const lines = renderScenarioReport(report, { color, width: outputWidth(io), threads: scenario.threads.map((t) => t.name) });
      io.stdout(`${reports.length > 1 ? '\n' : ''}${lines.join('\n')}\n`);
    }
    if (io.interrupts?.signal.aborted === true) break;
  }
  if (flags.json) io.stdout(toJsonText(jsonDocument(reports, version)));
  else if (reports.length > 1) io.stdout(`\n${renderSummary(reports, color).join('\n')}\n`);
  const stopped = io.interrupts?.received() ?? null;
  if (stopped !== null) return EXIT_ON_SIGNAL[stopped];
  return reports.every((r) => r.expectationsMet) ? EXIT.ok : EXIT.expectationsNotMet;
}
