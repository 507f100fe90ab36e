/**
 * The library's `check` and `replay`: the CLI's `check --json` and `replay --json` as functions,
 * honouring the same config file, returning the same documents.
 */
import type { Property } from '../../properties/api.ts';
import { InputError } from '../contract/input-error.ts';
import type { BackendName, PreemptionModel } from '../contract/names.ts';
import type { SearchMode } from '../explore/search/strategy.ts';
import type { Scenario } from '../scenario/types.ts';
import { jsonDocument, type JsonDocument, type JsonReplay } from '../report/json.ts';
import { replayJson } from '../report/replay-text.ts';
import { checkExpectations } from '../cli/check-command.ts';
import { checkOptionsOf } from '../cli/check-options.ts';
import { defaultsAsFlags } from '../cli/project.ts';
import { parseCheckFlags, type RawFlags } from '../cli/flags.ts';
import { effectiveToken } from '../cli/replay-command.ts';
import { loadConfig, propertiesOf, type LoadedConfig } from '../project/config.ts';
import { checkInProject } from '../project/check-in-project.ts';
import { selectScenarios } from '../project/scenarios.ts';
import { decodeToken, type ReplayToken } from '../explore/token.ts';
import { packageVersion } from '../contract/package-root.ts';
import { readScenarioObject } from './define.ts';

/** Options of `check`; each is the command-line flag of the same name, over the config file's `defaults`. */
export interface CheckApiOptions {
  readonly backend?: BackendName;
  readonly model?: PreemptionModel;
  /** cpython backend: a version (`"3.11"`) or an interpreter path. */
  readonly python?: string;
  /** cpython backend: `module.path:ClassName`, your class in place of the standard library's semaphores. */
  readonly target?: string;
  /** Directories to import `target` from. */
  readonly pythonpath?: readonly string[];
  /** Checked on every run beside the built-in properties (and the config's). */
  readonly properties?: readonly Property[];
  readonly search?: SearchMode;
  readonly bound?: number;
  readonly seed?: number;
  readonly runs?: number;
  readonly maxSteps?: number;
  /** Wall-clock seconds for one scenario's exploration. */
  readonly timeLimit?: number;
  /** Confirm simulated counterexamples on the real interpreter (default true). */
  readonly confirm?: boolean;
  /** Replay and write saved failures (.semverify/failures/); default: the config's `defaults.save`, else false. */
  readonly save?: boolean;
  /** The config file: a path, or false for none; default: the one found from `cwd` upward. */
  readonly config?: string | false;
  /** Where the config is looked for and relative paths are read from (default: process.cwd()). */
  readonly cwd?: string;
  /** Stop after the run in flight; the document is then marked partial. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** What `check` takes: a scenario object, a built-in or config id, a file, a directory, a glob, or several. */
export type ScenarioSource = Scenario | string;

/** Check scenarios; resolves to the `--json` document (format `semverify/1`). Bad input rejects with an `InputError`. */
export async function check(scenarios: ScenarioSource | readonly ScenarioSource[], options: CheckApiOptions = {}): Promise<JsonDocument> {
  const cwd = options.cwd ?? process.cwd();
  const config = await loadConfig({ cwd, ...(options.config !== undefined && { file: options.config }) });
  const flags = apiFlags(options, config);
  const list = (Array.isArray(scenarios) ? scenarios : [scenarios]) as readonly ScenarioSource[];
  const resolved = list.flatMap((s) => (typeof s === 'string' ? selectScenarios([s], config, cwd) : [readScenarioObject(s)]));
  if (resolved.length === 0) throw new InputError('scenarios', 'none given');
  const properties = [...propertiesOf(config), ...(options.properties ?? [])];
  await checkExpectations(resolved, properties);
  const { checkScenario } = await import('../explore/check.ts');
  const save = options.save ?? config.defaults.save ?? false;
  const reports = [];
  for (const scenario of resolved) {
    const opts = {
      ...checkOptionsOf(flags),
      properties,
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
    };
    reports.push(await checkInProject(scenario, opts, { root: config.root, save }, checkScenario));
    if (options.signal?.aborted === true) break;
  }
  return jsonDocument(reports, packageVersion());
}

export interface ReplayApiOptions {
  /** Properties beside the built-ins and the config's: a token names the ones that judged it, and each must be loaded. */
  readonly properties?: readonly Property[];
  readonly backend?: BackendName;
  readonly model?: PreemptionModel;
  readonly python?: string;
  /** Consent to run the token's `--target` class: the same spec. */
  readonly target?: string;
  readonly pythonpath?: readonly string[];
  readonly config?: string | false;
  readonly cwd?: string;
}

/** Replay a token (a string or decoded); resolves to the `replay --json` document. `replay.primary === 'ok'` when the run shows nothing wrong. */
export async function replay(token: string | ReplayToken, options: ReplayApiOptions = {}): Promise<JsonReplay> {
  const cwd = options.cwd ?? process.cwd();
  const config = await loadConfig({ cwd, ...(options.config !== undefined && { file: options.config }) });
  const decoded = typeof token === 'string' ? decodeToken(token) : token;
  const effective = effectiveToken(decoded, {
    json: true,
    progress: false,
    ...(options.backend !== undefined && { backend: options.backend }),
    ...(options.model !== undefined && { model: options.model }),
    ...(options.python !== undefined && { python: options.python }),
    ...(options.target !== undefined && { target: options.target }),
    ...(options.pythonpath !== undefined && { pythonpath: options.pythonpath }),
  });
  const { replayToken } = await import('../explore/replay.ts');
  const result = await replayToken(effective, {
    properties: [...propertiesOf(config), ...(options.properties ?? [])],
    ...(effective.target !== undefined && { target: effective.target }),
  });
  return replayJson(effective, result, packageVersion());
}

/** Options as flags, over the config's defaults, through the CLI's own parser; a bad value names the option. */
function apiFlags(o: CheckApiOptions, config: LoadedConfig) {
  const text = (v: number | undefined) => (v === undefined ? undefined : String(v));
  const given: Record<string, unknown> = {
    backend: o.backend,
    model: o.model,
    python: o.python,
    target: o.target,
    pythonpath: o.pythonpath,
    search: o.search,
    bound: text(o.bound),
    seed: text(o.seed),
    runs: text(o.runs),
    maxSteps: text(o.maxSteps),
    timeLimit: text(o.timeLimit),
    confirm: o.confirm,
  };
  const raw = { ...defaultsAsFlags(config.defaults), ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) } as RawFlags;
  try {
    return parseCheckFlags(raw);
  } catch (e) {
    if (!(e instanceof InputError) || !e.field.startsWith('--')) throw e;
    const name = e.field.slice(2).replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
    throw new InputError(`options.${name}`, e.problem);
  }
}
