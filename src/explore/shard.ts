/**
 * `check --shard i/n` and `merge`: one exploration split across machines. Every shard runs the
 * probe (one run: it decides the units), then the units it owns (every n-th); `merge` puts the
 * units' results back in order and finishes the check as one machine would have (census,
 * shrinking, confirmation, expectations), so the report equals the unsharded one.
 *
 * Only static plans shard (src/explore/search/static-plan.ts): `auto` decides each next bound
 * from the size of the last search, which one shard does not see.
 */
import type { Scenario } from '../scenario/types.ts';
import type { ScenarioReport } from './report-types.ts';
import { InputError } from '../contract/input-error.ts';
import type { Property } from '../../properties/api.ts';
import { builtinProperties } from '../../properties/index.ts';
import { addToCensus, newCensus } from './census.ts';
import { type CheckOptions, exploreOptions, reportCheck, withCheck } from './check.ts';
import { staticPlanFor } from './search/strategy.ts';
import type { UnitResult } from './search/units.ts';
import { type ShardCheck, type ShardOptions, shardOwns } from './shard-document.ts';

export interface ShardSpec {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** Run shard `shard` of the exploration `opts` describes for one scenario. */
export async function exploreShard(scenario: Scenario, opts: CheckOptions, shard: ShardSpec): Promise<ShardCheck> {
  return withCheck(scenario, { ...opts, confirm: false }, async (session) => {
    const plan = staticPlanFor(session.capabilities, session.judged, exploreOptions(opts, session.total));
    if (plan === null)
      throw new InputError(
        '--shard',
        'needs --search bounded, random or pct (auto picks each bound from the size of the last search, which one shard cannot see)',
      );
    const [probe] = await session.exec.execute({ units: [plan.probe], needMore: () => false });
    const units = plan.units(probe!);
    const mine = units.map((_, u) => u).filter((u) => shardOwns(u, shard));
    const results = mine.length === 0 ? [] : await session.exec.execute({ units: mine.map((u) => units[u]!), needMore: () => true });
    return {
      scenario,
      options: shardOptions(opts, session.total),
      version: session.runner.version,
      properties: session.properties.map((p) => p.name),
      probe: probe!,
      units: units.length,
      results: results.map((result, k) => ({ unit: mine[k]!, result })),
    };
  });
}

/** The check options a shard was run with, as merge must repeat them. */
function shardOptions(opts: CheckOptions, runs: number): ShardOptions {
  const search = opts.search ?? 'auto';
  if (search === 'auto') throw new InputError('--shard', 'needs --search bounded, random or pct');
  return {
    seed: opts.seed,
    runs,
    backend: opts.backend,
    model: opts.model,
    search,
    ...(opts.bound !== undefined && { bound: opts.bound }),
    ...(opts.python !== undefined && { python: opts.python }),
    ...(opts.impl !== undefined && { impl: opts.impl }),
    ...(opts.maxSteps !== undefined && { maxSteps: opts.maxSteps }),
    ...(opts.target !== undefined && { target: opts.target, pythonpath: opts.pythonpath ?? [] }),
  };
}

/** What `merge` adds to the shards' options: output-side choices that do not change a run. */
export interface MergeOptions {
  readonly confirm?: boolean;
  /** What judges the runs (default: the built-ins): the properties the shards were judged by, by name. */
  readonly properties?: readonly Property[];
  /** Consent to import the shards' --target, as with replay tokens: it must name the same class. */
  readonly target?: string;
  readonly pythonpath?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** The report of one scenario from all its shards (checked by checkShardSet: same options, every unit once). */
export async function mergeShardChecks(checks: readonly ShardCheck[], opts: MergeOptions): Promise<ScenarioReport> {
  const first = checks[0]!;
  const o = first.options;
  if (o.target !== undefined && opts.target !== o.target) {
    throw new InputError(
      '--target',
      `the shards checked ${o.target}: pass --target ${o.target} (and its --pythonpath) to merge them; a shard file alone never imports code`,
    );
  }
  const check: CheckOptions = {
    seed: o.seed,
    runs: o.runs,
    backend: o.backend,
    model: o.model,
    search: o.search,
    ...(o.bound !== undefined && { bound: o.bound }),
    ...(o.python !== undefined && { python: o.python }),
    ...(o.impl !== undefined && { impl: o.impl }),
    ...(o.maxSteps !== undefined && { maxSteps: o.maxSteps }),
    ...(o.target !== undefined && { target: o.target, pythonpath: opts.pythonpath ?? o.pythonpath ?? [] }),
    ...(opts.confirm !== undefined && { confirm: opts.confirm }),
    ...(opts.properties !== undefined && { properties: opts.properties }),
    ...(opts.signal !== undefined && { signal: opts.signal }),
  };
  const names = (opts.properties ?? builtinProperties).map((p) => p.name);
  if (JSON.stringify(names) !== JSON.stringify(first.properties)) {
    throw new InputError(
      'properties',
      `the shards were judged by ${first.properties.join(', ')}; here the properties are ${names.join(', ')} (merge with the shards' config)`,
    );
  }
  return withCheck(first.scenario, check, async (session) => {
    if (session.runner.version !== first.version) {
      throw new InputError(
        'shards',
        `the shards ran ${first.version}, this machine runs ${session.runner.version}: merge where the shards' interpreter is installed`,
      );
    }
    const plan = staticPlanFor(session.capabilities, session.judged, exploreOptions(check, session.total))!;
    const units = plan.units(first.probe);
    if (units.length !== first.units) throw new InputError('shards', `the probe run gives ${units.length} units here, the shards had ${first.units}`);
    const results: UnitResult[] = new Array(units.length);
    for (const c of checks) for (const { unit, result } of c.results) results[unit] = result;
    const outcome = plan.finish(first.probe, units, results);
    const census = newCensus();
    for (const r of outcome.runs) addToCensus(census, r);
    return reportCheck(session, census, outcome.exploration);
  });
}
