/**
 * Saved failures, like Hypothesis's example database: every minimal counterexample a check finds
 * is written to `.semverify/failures/<scenario>/<kind>.json` under the project root (the config
 * file's directory, else the working directory), and the next check of that scenario replays the
 * saved ones first and says whether each still fails. One that no longer fails is removed; one
 * saved for a scenario that has changed since is replaced by whatever the new check finds.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Property } from '../../properties/api.ts';
import type { ScenarioReport } from '../explore/report-types.ts';
import type { Scenario } from '../scenario/types.ts';
import { decodeToken } from '../explore/token.ts';
import { replayToken } from '../explore/replay.ts';
import { InputError } from '../contract/input-error.ts';
import type { SavedReplay } from '../explore/report-types.ts';

export type { SavedReplay };

export const FAILURES_DIR = join('.semverify', 'failures');
const FORMAT = 'semverify-failure/1';

/** One saved file's content. */
export interface SavedFailure {
  readonly format: typeof FORMAT;
  readonly scenario: string;
  /** The outcome kind it was saved for. */
  readonly kind: string;
  /** `semverify replay <token>` re-runs it. */
  readonly token: string;
  readonly preemptions: number;
  readonly steps: number;
  /** Its violations' messages, for a reader of the file. */
  readonly violations: readonly string[];
}

function dirOf(root: string, scenarioId: string): string {
  return join(root, FAILURES_DIR, scenarioId);
}

/** The scenario as a token carries it, without the impl the runner filled in (a file may leave it out). */
function comparable(s: Scenario): string {
  const { impl: _impl, ...rest } = s;
  return JSON.stringify(rest);
}

/** Replay every failure saved for `scenario`, before its check; fixed ones are removed. */
export async function replaySavedFailures(root: string, scenario: Scenario, properties: readonly Property[]): Promise<SavedReplay[]> {
  const dir = dirOf(root, scenario.id);
  if (!existsSync(dir)) return [];
  const out: SavedReplay[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const path = join(dir, name);
    const file = join(FAILURES_DIR, scenario.id, name);
    const kind = name.slice(0, -'.json'.length);
    let saved: SavedFailure;
    let token: ReturnType<typeof decodeToken>;
    try {
      saved = JSON.parse(readFileSync(path, 'utf8')) as SavedFailure;
      token = decodeToken(saved.token);
    } catch (e) {
      out.push({ kind, file, status: 'unreadable', kinds: [], detail: `unreadable (${e instanceof InputError ? e.message : (e as Error).message})` });
      continue;
    }
    const sameImpl = scenario.impl === undefined || scenario.impl === token.scenario.impl;
    if (comparable(token.scenario) !== comparable(scenario) || !sameImpl) {
      out.push({ kind, file, status: 'changed', kinds: [], detail: 'the scenario changed since it was saved' });
      continue;
    }
    let kinds: readonly string[];
    try {
      kinds = (await replayToken(token, { properties })).kinds;
    } catch (e) {
      // A property it named is no longer loaded, or its interpreter is gone: it cannot be judged here.
      out.push({ kind, file, status: 'cannot-replay', kinds: [], detail: e instanceof InputError ? e.problem : (e as Error).message });
      continue;
    }
    if (kinds.includes(saved.kind)) out.push({ kind, file, status: 'still-fails', kinds });
    else {
      rmSync(path, { force: true });
      out.push({ kind, file, status: 'fixed', kinds });
    }
  }
  return out;
}

/** Write the report's minimal counterexamples (every kind but ok); returns the files written, relative to the root. */
export function saveFailures(root: string, report: ScenarioReport): string[] {
  const written: string[] = [];
  // A partial report's counterexamples are as found, not shrunk: not worth keeping over a minimal one.
  if (report.partial !== undefined) return written;
  for (const o of report.outcomes) {
    if (o.kind === 'ok' || o.minimal === undefined) continue;
    const dir = dirOf(root, report.id);
    mkdirSync(dir, { recursive: true });
    const m = o.minimal;
    const doc: SavedFailure = {
      format: FORMAT,
      scenario: report.id,
      kind: o.kind,
      token: m.replay,
      preemptions: m.preemptions,
      steps: m.steps,
      violations: m.violations.map((v) => v.message),
    };
    writeFileSync(join(dir, `${o.kind}.json`), `${JSON.stringify(doc, null, 2)}\n`);
    written.push(join(FAILURES_DIR, report.id, `${o.kind}.json`));
  }
  return written;
}

/** Remove saved files of a scenario that changed, or unreadable ones (after the check saved what it found). */
export function dropStale(root: string, replays: readonly SavedReplay[], written: readonly string[]): void {
  for (const r of replays) if ((r.status === 'changed' || r.status === 'unreadable') && !written.includes(r.file)) rmSync(join(root, r.file), { force: true });
}
