/**
 * The file one shard writes (`check --shard i/n`) and `merge` reads: per scenario, what the shard
 * was asked (scenario, options), the probe run every shard makes, and the results of its units.
 * A shard file is input to `merge`: read field by field with one-line errors naming the file and
 * field, and sealed with a SHA-256 digest of its content so that an edited or cut file is refused
 * rather than merged into a report it did not produce.
 */
import { createHash } from 'node:crypto';
import type { Scenario } from '../scenario/types.ts';
import type { BackendName, PreemptionModel } from '../contract/names.ts';
import { BACKENDS, PREEMPTION_MODELS } from '../contract/names.ts';
import { RUN_STATUSES, type RunFailureKind } from '../contract/run-result.ts';
import { InputError } from '../contract/input-error.ts';
import { childPath, FieldReader, indexPath } from '../scenario/field-reader.ts';
import { readScenario } from '../scenario/validate.ts';
import { readSchedule } from '../scenario/read-schedule.ts';
import type { RunSummary } from './run-summary.ts';
import type { Decision } from '../contract/schedule.ts';
import { SEARCH_MODES, type SearchMode } from './search/strategy.ts';
import type { UnitEntry, UnitResult, UnitStop } from './search/units.ts';

export const SHARD_FORMAT = 'semverify-shard/1';

/** The options of a check that decide its runs: every shard of one exploration must have the same. */
export interface ShardOptions {
  readonly seed: number;
  readonly runs: number;
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  readonly search: Exclude<SearchMode, 'auto'>;
  readonly bound?: number;
  readonly python?: string;
  /** --impl: the simulated port run in place of the scenario's. */
  readonly impl?: string;
  readonly maxSteps?: number;
  readonly target?: string;
  readonly pythonpath?: readonly string[];
}

export interface ShardCheck {
  readonly scenario: Scenario;
  readonly options: ShardOptions;
  /** The version of the code that ran (every shard must have run the same). */
  readonly version: string;
  /** The properties that judged the runs, by name, in order. */
  readonly properties: readonly string[];
  readonly probe: UnitResult;
  /** How many units the step has (all shards together). */
  readonly units: number;
  /** This shard's units: index i % count === index - 1. */
  readonly results: readonly { readonly unit: number; readonly result: UnitResult }[];
}

export interface ShardDocument {
  readonly format: typeof SHARD_FORMAT;
  readonly semverify: string;
  readonly shard: { readonly index: number; readonly count: number };
  /** Set when the shard was interrupted: its results are incomplete and merge refuses it. */
  readonly interrupted?: string;
  readonly checks: readonly ShardCheck[];
}

/** The units shard `index` of `count` runs (1-based index): every count-th, starting at index - 1. */
export function shardOwns(unit: number, shard: { readonly index: number; readonly count: number }): boolean {
  return unit % shard.count === shard.index - 1;
}

/**
 * The file's text. Runs are written as rows, `[kinds, status, preemptions, steps, endTime,
 * delayed, scheduleHash, applicable, violated, concurrency, extra?]`, with the lists and objects
 * that repeat from run to run (kinds, properties, concurrency) as indices into the check's
 * `values`: about 50 bytes a run instead of 400.
 */
export function shardText(doc: ShardDocument): string {
  const wire = { ...doc, checks: doc.checks.map(encodeCheck) };
  return `${JSON.stringify({ digest: digestOf(JSON.stringify(wire)), ...wire })}\n`;
}

type Row = [number, string, number, number, number, 0 | 1, string, number, number, number, RowExtra?];
interface RowExtra {
  readonly schedule?: RunSummary['schedule'];
  readonly detail?: string;
  readonly failure?: RunFailureKind;
}

function encodeCheck(c: ShardCheck): unknown {
  const values: unknown[] = [];
  const index = new Map<string, number>();
  const ref = (v: unknown): number => {
    const key = JSON.stringify(v);
    let i = index.get(key);
    if (i === undefined) {
      i = values.length;
      values.push(v);
      index.set(key, i);
    }
    return i;
  };
  const encodeResult = (r: UnitResult) => ({
    ...r,
    entries: r.entries.map((e): Row | 'pruned' => {
      if (e === 'pruned') return e;
      const extra: RowExtra = {
        ...(e.schedule !== undefined && { schedule: e.schedule }),
        ...(e.detail !== undefined && { detail: e.detail }),
        ...(e.failure !== undefined && { failure: e.failure }),
      };
      const row: Row = [
        ref(e.kinds),
        e.status,
        e.preemptions,
        e.steps,
        e.endTime,
        e.delayed ? 1 : 0,
        e.scheduleHash,
        ref(e.applicable),
        ref(e.violated),
        ref(e.concurrency),
      ];
      if (Object.keys(extra).length > 0) row.push(extra);
      return row;
    }),
  });
  const probe = encodeResult(c.probe);
  const results = c.results.map(({ unit, result }) => ({ unit, result: encodeResult(result) }));
  return { scenario: c.scenario, options: c.options, version: c.version, properties: c.properties, units: c.units, values, probe, results };
}

function digestOf(content: string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

const FAILURE_KINDS: readonly RunFailureKind[] = ['code-raised', 'code-exited', 'harness-error', 'harness-exited', 'wall-time', 'protocol'];
const STOPS: readonly UnitStop[] = ['deadline', 'interrupted', 'blocked', 'failed', 'limit'];
const MAX = Number.MAX_SAFE_INTEGER;

/** Parse and check one shard file's JSON value; `display` names the file in errors. */
export function parseShardDocument(value: unknown, display: string): ShardDocument {
  const r = new FieldReader(display);
  const o = r.object(value, '', ['digest', 'format', 'semverify', 'shard', 'interrupted', 'checks'], ['digest', 'format', 'semverify', 'shard', 'checks']);
  if (o.format !== SHARD_FORMAT) r.fail('format', `expected "${SHARD_FORMAT}" (a file written by semverify check --shard), got ${JSON.stringify(o.format)}`);
  const { digest, ...content } = o;
  if (digest !== digestOf(JSON.stringify(content))) r.fail('digest', 'does not match the content: the file was edited or cut');
  const semverify = r.string(o.semverify, 'semverify', { nonEmpty: true });
  const s = r.object(o.shard, 'shard', ['index', 'count'], ['index', 'count']);
  const count = r.integer(s.count, 'shard.count', 1, 10_000);
  const index = r.integer(s.index, 'shard.index', 1, count);
  const interrupted = o.interrupted === undefined ? undefined : r.string(o.interrupted, 'interrupted');
  const checks = r.array(o.checks, 'checks', { nonEmpty: true }).map((c, i) => readCheck(r, c, indexPath('checks', i)));
  return {
    format: SHARD_FORMAT,
    semverify,
    shard: { index, count },
    ...(interrupted !== undefined && { interrupted }),
    checks,
  };
}

function readCheck(r: FieldReader, value: unknown, path: string): ShardCheck {
  const keys = ['scenario', 'options', 'version', 'properties', 'units', 'values', 'probe', 'results'];
  const o = r.object(value, path, keys, keys);
  const scenario = readScenario(r, o.scenario, childPath(path, 'scenario'));
  const options = readOptions(r, o.options, childPath(path, 'options'));
  const version = r.string(o.version, childPath(path, 'version'), { nonEmpty: true });
  const properties = r.array(o.properties, childPath(path, 'properties')).map((n, i) => r.name(n, indexPath(childPath(path, 'properties'), i)));
  const values = r.array(o.values, childPath(path, 'values'));
  const rows = new RowReader(r, scenario, values, childPath(path, 'values'));
  const probe = readUnitResult(rows, o.probe, childPath(path, 'probe'));
  const units = r.integer(o.units, childPath(path, 'units'), 0, MAX);
  const results = r.array(o.results, childPath(path, 'results')).map((x, i) => {
    const p = indexPath(childPath(path, 'results'), i);
    const e = r.object(x, p, ['unit', 'result'], ['unit', 'result']);
    return { unit: r.integer(e.unit, childPath(p, 'unit'), 0, Math.max(0, units - 1)), result: readUnitResult(rows, e.result, childPath(p, 'result')) };
  });
  return { scenario, options, version, properties, probe, units, results };
}

function readOptions(r: FieldReader, value: unknown, path: string): ShardOptions {
  const o = r.object(
    value,
    path,
    ['seed', 'runs', 'backend', 'model', 'search', 'bound', 'python', 'impl', 'maxSteps', 'target', 'pythonpath'],
    ['seed', 'runs', 'backend', 'model', 'search'],
  );
  const at = (k: string) => childPath(path, k);
  const search = r.oneOf(
    o.search,
    at('search'),
    SEARCH_MODES.filter((m): m is Exclude<SearchMode, 'auto'> => m !== 'auto'),
  );
  return {
    seed: r.integer(o.seed, at('seed'), -(2 ** 31), 2 ** 31 - 1),
    runs: r.integer(o.runs, at('runs'), 1, MAX),
    backend: r.oneOf(o.backend, at('backend'), BACKENDS),
    model: r.oneOf(o.model, at('model'), PREEMPTION_MODELS),
    search,
    ...(o.bound !== undefined && { bound: r.integer(o.bound, at('bound'), 0, 100) }),
    ...(o.python !== undefined && { python: r.string(o.python, at('python'), { nonEmpty: true }) }),
    ...(o.impl !== undefined && { impl: r.string(o.impl, at('impl'), { nonEmpty: true, maxLength: 64 }) }),
    ...(o.maxSteps !== undefined && { maxSteps: r.integer(o.maxSteps, at('maxSteps'), 1, MAX) }),
    ...(o.target !== undefined && { target: r.string(o.target, at('target'), { nonEmpty: true }) }),
    ...(o.pythonpath !== undefined && {
      pythonpath: r.array(o.pythonpath, at('pythonpath')).map((d, i) => r.string(d, indexPath(at('pythonpath'), i), { nonEmpty: true })),
    }),
  };
}

function readUnitResult(rows: RowReader, value: unknown, path: string): UnitResult {
  const r = rows.r;
  const o = r.object(value, path, ['entries', 'stopped', 'decisions'], ['entries']);
  const entries = r.array(o.entries, childPath(path, 'entries')).map((e, i) => rows.entry(e, indexPath(childPath(path, 'entries'), i)));
  const stopped = o.stopped === undefined ? undefined : r.oneOf(o.stopped, childPath(path, 'stopped'), STOPS);
  const decisions = o.decisions === undefined ? undefined : readDecisions(r, o.decisions, childPath(path, 'decisions'));
  return { entries, ...(stopped !== undefined && { stopped }), ...(decisions !== undefined && { decisions }) };
}

function readDecisions(r: FieldReader, value: unknown, path: string): Decision[] {
  return r.array(value, path).map((d, i) => {
    const p = indexPath(path, i);
    const o = r.object(d, p, ['arity', 'chosen', 'preempts'], ['arity', 'chosen', 'preempts']);
    const arity = r.integer(o.arity, childPath(p, 'arity'), 2, MAX);
    return { arity, chosen: r.integer(o.chosen, childPath(p, 'chosen'), 0, arity - 1), preempts: r.boolean(o.preempts, childPath(p, 'preempts')) };
  });
}

/** Reads rows against one check's table of shared values (each value is checked once, when first used). */
class RowReader {
  private readonly names = new Map<number, string[]>();
  private readonly concurrency = new Map<number, RunSummary['concurrency']>();

  constructor(
    readonly r: FieldReader,
    private readonly scenario: Scenario,
    private readonly values: readonly unknown[],
    private readonly valuesPath: string,
  ) {}

  private ref(v: unknown, p: string): number {
    return this.r.integer(v, p, 0, Math.max(0, this.values.length - 1));
  }

  private nameList(v: unknown, p: string): string[] {
    const i = this.ref(v, p);
    let list = this.names.get(i);
    if (list === undefined) {
      const at = indexPath(this.valuesPath, i);
      list = this.r.array(this.values[i], at).map((x, k) => this.r.string(x, indexPath(at, k), { nonEmpty: true }));
      this.names.set(i, list);
    }
    return list;
  }

  private concurrencyOf(v: unknown, p: string): RunSummary['concurrency'] {
    const i = this.ref(v, p);
    let c = this.concurrency.get(i);
    if (c === undefined) {
      const at = indexPath(this.valuesPath, i);
      const o = this.r.object(this.values[i], at, ['perSemaphore', 'overall'], ['perSemaphore', 'overall']);
      const per = this.r.record(o.perSemaphore, childPath(at, 'perSemaphore'));
      const perSemaphore: Record<string, number> = {};
      for (const [sem, n] of Object.entries(per)) perSemaphore[sem] = this.r.integer(n, childPath(childPath(at, 'perSemaphore'), sem), 0, MAX);
      c = { perSemaphore, overall: this.r.integer(o.overall, childPath(at, 'overall'), 0, MAX) };
      this.concurrency.set(i, c);
    }
    return c;
  }

  entry(value: unknown, path: string): UnitEntry {
    const r = this.r;
    if (value === 'pruned') return 'pruned';
    const row = r.array(value, path);
    if (row.length !== 10 && row.length !== 11) r.fail(path, `expected a run row of 10 or 11 fields, got ${row.length}`);
    const at = (i: number) => indexPath(path, i);
    const kinds = this.nameList(row[0], at(0));
    if (kinds.length === 0) r.fail(at(0), 'expected at least one outcome kind');
    const extra = row[10] === undefined ? {} : r.object(row[10], at(10), ['schedule', 'detail', 'failure']);
    const x = (k: string) => childPath(at(10), k);
    return {
      kinds,
      primary: kinds[0]!,
      status: r.oneOf(row[1], at(1), RUN_STATUSES),
      preemptions: r.integer(row[2], at(2), 0, MAX),
      steps: r.integer(row[3], at(3), 0, MAX),
      endTime: r.number(row[4], at(4), 0, Number.MAX_VALUE),
      delayed: r.integer(row[5], at(5), 0, 1) === 1,
      scheduleHash: r.string(row[6], at(6), { nonEmpty: true, maxLength: 64 }),
      applicable: this.nameList(row[7], at(7)),
      violated: this.nameList(row[8], at(8)),
      concurrency: this.concurrencyOf(row[9], at(9)),
      ...(extra.schedule !== undefined && { schedule: readSchedule(r, extra.schedule, x('schedule'), this.scenario) }),
      ...(extra.detail !== undefined && { detail: r.string(extra.detail, x('detail')) }),
      ...(extra.failure !== undefined && { failure: r.oneOf(extra.failure, x('failure'), FAILURE_KINDS) }),
    };
  }
}

/** Shard files of one exploration: the same scenarios, options, version and probe, and each shard once. */
export function checkShardSet(docs: readonly { readonly doc: ShardDocument; readonly display: string }[]): void {
  const first = docs[0]!;
  const count = first.doc.shard.count;
  const seen = new Map<number, string>();
  for (const { doc, display } of docs) {
    const fail = (field: string, problem: string): never => {
      throw new InputError(field, problem, display);
    };
    if (doc.interrupted !== undefined) fail('interrupted', `this shard was interrupted (${doc.interrupted}): run it again`);
    if (doc.semverify !== first.doc.semverify)
      fail('semverify', `written by semverify ${doc.semverify}, ${first.display} by ${first.doc.semverify}: shards must come from one version`);
    if (doc.shard.count !== count) fail('shard.count', `${doc.shard.count} shards, ${first.display} says ${count}`);
    const twice = seen.get(doc.shard.index);
    if (twice !== undefined) fail('shard.index', `shard ${doc.shard.index} of ${count} again (also ${twice})`);
    seen.set(doc.shard.index, display);
    if (doc.checks.length !== first.doc.checks.length) fail('checks', `${doc.checks.length} scenarios, ${first.display} has ${first.doc.checks.length}`);
    doc.checks.forEach((c, i) => {
      const f = first.doc.checks[i]!;
      const p = indexPath('checks', i);
      if (JSON.stringify(c.scenario) !== JSON.stringify(f.scenario))
        fail(childPath(p, 'scenario'), `differs from ${first.display}'s: shards of different scenarios`);
      if (JSON.stringify(c.options) !== JSON.stringify(f.options))
        fail(childPath(p, 'options'), `differ from ${first.display}'s: shards of different explorations`);
      if (c.version !== f.version) fail(childPath(p, 'version'), `ran ${c.version}, ${first.display} ran ${f.version}`);
      if (JSON.stringify(c.properties) !== JSON.stringify(f.properties)) fail(childPath(p, 'properties'), `differ from ${first.display}'s`);
      if (c.units !== f.units || JSON.stringify(c.probe) !== JSON.stringify(f.probe))
        fail(childPath(p, 'probe'), `differs from ${first.display}'s: the same exploration must start the same (a different machine or interpreter?)`);
      for (const { unit } of c.results) if (!shardOwns(unit, doc.shard)) fail(childPath(p, 'results'), `unit ${unit} is not shard ${doc.shard.index}'s`);
      const mine = c.results.length;
      const owed = Array.from({ length: c.units }, (_, u) => u).filter((u) => shardOwns(u, doc.shard)).length;
      if (mine !== owed) fail(childPath(p, 'results'), `${mine} units, shard ${doc.shard.index} of ${count} owes ${owed}`);
    });
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new InputError('shards', `missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count}`);
}
