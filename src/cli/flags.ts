/**
 * Command-line flag values, validated here rather than by commander so that every bad value
 * becomes an InputError naming the flag. Pure: raw strings in, typed options out (only
 * --pythonpath reads the working directory, to make its entries absolute).
 */
import { SEARCH_MODES, type SearchMode } from '../explore/search/strategy.ts';
import { delimiter, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { InputError } from '../contract/input-error.ts';
import { describeValue } from '../scenario/field-reader.ts';
import { targetShapeProblem } from '../contract/target.ts';
import { PREEMPTION_MODELS, type BackendName, type PreemptionModel } from '../contract/names.ts';
import { backendNames, backendsThat, capabilitiesOf, DEFAULT_BACKEND, orList } from '../backends/registry.ts';
import type { ExpectFlags } from '../program/load.ts';
import type { PropertyVerdict } from '../scenario/types.ts';
import { NAME } from '../scenario/field-reader.ts';
import { SIMULATED_IMPLEMENTATIONS, type SimulatedImplementation } from '../contract/implementations.ts';

/** What commander hands over: strings as typed, booleans for switches; absent when not given. */
export interface RawFlags {
  readonly seed?: string;
  readonly runs?: string;
  readonly backend?: string;
  readonly model?: string;
  readonly python?: string;
  readonly impl?: string;
  readonly maxSteps?: string;
  readonly timeLimit?: string;
  readonly search?: string;
  readonly bound?: string;
  readonly target?: string;
  /** Every --pythonpath given, in order (commander collects them). */
  readonly pythonpath?: readonly string[];
  readonly json?: boolean;
  readonly progress?: boolean;
  readonly confirm?: boolean;
  readonly workers?: string;
  readonly shard?: string;
  /** A Python program to check (or, for replay, the program a token names). */
  readonly program?: string;
  /** Every --expect given (`property=verdict`), for a program. */
  readonly expect?: readonly string[];
  /** --reachable: outcome kinds a program's exploration must reach, comma-separated. */
  readonly reachable?: string;
  /** The config file to read (--config); else one is looked for from the working directory up (src/project/config.ts). */
  readonly config?: string;
  /** false with --no-save: no saved failures read or written (.semverify/failures/). */
  readonly save?: boolean;
  /** --html FILE: a self-contained HTML report. */
  readonly html?: string;
  /** --reporter junit FILE (read as `junit=FILE`, see program.ts). */
  readonly reporter?: string;
}

export interface OutputFlags {
  readonly json: boolean;
  readonly progress: boolean;
}

export interface CheckFlags extends OutputFlags {
  readonly seed: number;
  readonly runs?: number;
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  readonly python?: string;
  /** The simulated port to run (`cpython-3.9`), in place of the scenario's `impl`. */
  readonly impl?: SimulatedImplementation;
  /** Step budget of one run. */
  readonly maxSteps?: number;
  /** Wall-clock budget of one scenario's exploration, in seconds. */
  readonly timeLimit?: number;
  /** How schedules are explored (src/explore/search/strategy.ts). */
  readonly search: SearchMode;
  /** --search bounded: the preemption bound. */
  readonly bound?: number;
  /** `module.path:ClassName` checked in place of the standard library's semaphores (cpython only). */
  readonly target?: string;
  /** Absolute directories to import the target from. */
  readonly pythonpath?: readonly string[];
  /** Simulated backend: confirm counterexamples on the real interpreter (default true; --no-confirm). */
  readonly confirm: boolean;
  /** Threads to explore on (default: the cores available); the report does not depend on it. */
  readonly workers: number;
  /** Run only this part of the exploration and print a shard file for `merge`. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** --program: the Python program to check (the same as naming a .py file). */
  readonly program?: string;
  /** A program's expectations from the command line (src/program/load.ts): they override its sidecar file's. */
  readonly expect?: ExpectFlags;
  /** Replay and write saved failures (.semverify/failures/; default true, --no-save). */
  readonly save: boolean;
  /** Write a self-contained HTML report here (--html). */
  readonly html?: string;
  /** Write a JUnit XML report here (--reporter junit FILE). */
  readonly junit?: string;
}

/** For replay the token decides backend and model; flags given here override it. */
export interface ReplayFlags extends OutputFlags {
  readonly backend?: BackendName;
  readonly model?: PreemptionModel;
  readonly python?: string;
  /** Consent to run the token's --target class (it must be the same); a token alone never imports code. */
  readonly target?: string;
  /** Where to import that class from: the command line's directories, never the token's. */
  readonly pythonpath?: readonly string[];
  /** Consent to run the token's program: its path here (its content must be the token's). */
  readonly program?: string;
}

export const DEFAULT_SEED = 1;
export const DEFAULT_MODEL: PreemptionModel = 'gil';
/** fast-check seeds are 32-bit: larger values would silently alias smaller ones. */
const SEED_MIN = -(2 ** 31);
const SEED_MAX = 2 ** 31 - 1;
const RUNS_MAX = 10_000_000;
/** Beyond a handful of preemptions a bounded search never completes: the bound is for the few that matter. */
const MAX_BOUND = 10;
const MAX_WORKERS = 256;
const MAX_SHARDS = 10_000;

/** The default of --workers: every core this process may use. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
}

/** --shard i/n: the i-th of n (1-based). */
function shardFlag(raw: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new InputError('--shard', `expected i/n with 1 <= i <= n <= ${MAX_SHARDS} (e.g. 1/4), got ${describeValue(raw)}`);
  }
  return { index, count };
}

function integerFlag(flag: string, raw: string, min: number, max: number, what: string): number {
  const text = raw.trim();
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InputError(flag, `expected ${what}, got ${describeValue(raw)}`);
  return n;
}

function choiceFlag<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) {
    throw new InputError(flag, `expected one of ${choices.join(', ')}, got ${describeValue(raw)}`);
  }
  return raw as T;
}

function pythonFlag(raw: string): string {
  if (raw.trim() === '') throw new InputError('--python', 'expected a Python version (e.g. 3.11) or an interpreter path, got ""');
  return raw;
}

/** A simulated port's id; the list is the contract's, so a bad value never loads the ports. */
function implFlag(raw: string): SimulatedImplementation {
  return choiceFlag('--impl', raw.trim(), SIMULATED_IMPLEMENTATIONS);
}

function targetFlag(raw: string): string {
  // The shape check's own message echoes the whole value: restate it short.
  if (targetShapeProblem(raw.trim()) !== undefined) throw new InputError('--target', `expected module.path:ClassName, got ${describeValue(raw.trim())}`);
  return raw.trim();
}

/** Each --pythonpath may itself list directories (separated by the platform's path delimiter). */
function pythonpathFlag(raw: readonly string[]): string[] {
  const dirs = raw.flatMap((r) => r.split(delimiter)).filter((d) => d.trim() !== '');
  if (dirs.length === 0) throw new InputError('--pythonpath', `expected a directory, got ${describeValue(raw.join(delimiter))}`);
  // Absolute, so that a counterexample's replay token works from any directory.
  return dirs.map((d) => resolve(d));
}

/**
 * Flag combinations the backend cannot honour, by its capabilities (src/backends/registry.ts):
 * the preemption models it runs (free-threaded is simulated only: docs/execution-model.md);
 * --python picks an installed interpreter, for a backend that executes one; --target (imported
 * via --pythonpath) needs a backend that runs a user's class.
 */
export function checkCombination(
  backend: BackendName,
  model: PreemptionModel,
  python: string | undefined,
  target?: string,
  pythonpath?: readonly string[],
  impl?: string,
): void {
  const can = capabilitiesOf(backend);
  if (python !== undefined && can.executes !== 'interpreter')
    throw new InputError('--python', `only applies to --backend ${orList(backendsThat((c) => c.executes === 'interpreter'))}`);
  // A backend that runs an interpreter runs that interpreter's own semaphores: --python chooses them.
  if (impl !== undefined && can.executes !== 'port')
    throw new InputError('--impl', `only applies to --backend ${orList(backendsThat((c) => c.executes === 'port'))} (the real backend runs --python's own)`);
  if (target !== undefined && !can.runsTargets) throw new InputError('--target', `requires --backend ${orList(backendsThat((c) => c.runsTargets))}`);
  if (pythonpath !== undefined && target === undefined) throw new InputError('--pythonpath', 'only applies with --target');
  if (!can.preemptionModels.includes(model)) {
    const on = backendsThat((c) => c.preemptionModels.includes(model));
    const where = on.every((b) => capabilitiesOf(b).executes === 'port') ? 'simulated only' : `not run by ${backend}`;
    throw new InputError('--model', `${model} is ${where}: use it with --backend ${orList(on)}`);
  }
}

const VERDICTS: readonly PropertyVerdict[] = ['holds', 'violated', 'any'];

/** --expect name=verdict (repeatable) and --reachable kind,...: a program's expectations on the command line. */
function expectFlags(raw: RawFlags): ExpectFlags | undefined {
  if (raw.expect === undefined && raw.reachable === undefined) return undefined;
  const properties: Record<string, PropertyVerdict> = {};
  for (const e of raw.expect ?? []) {
    const [name, verdict, ...rest] = e.split('=');
    if (name === undefined || verdict === undefined || rest.length > 0 || !NAME.test(name.trim()))
      throw new InputError('--expect', `expected property=${VERDICTS.join('|')}, got ${describeValue(e)}`);
    properties[name.trim()] = choiceFlag('--expect', verdict.trim(), VERDICTS);
  }
  const reachable = raw.reachable?.split(',').map((k) => k.trim());
  if (reachable?.some((k) => !NAME.test(k)))
    throw new InputError('--reachable', `expected outcome kinds separated by commas, got ${describeValue(raw.reachable)}`);
  return { ...(raw.expect !== undefined && { properties }), ...(reachable !== undefined && { reachable }) };
}

/**
 * `check`'s flags. For a program (`isProgram`), the backend defaults to the one that runs programs
 * and --target does not apply; --expect and --reachable apply to programs only.
 */
export function parseCheckFlags(raw: RawFlags, isProgram = false): CheckFlags {
  const seed = raw.seed === undefined ? DEFAULT_SEED : integerFlag('--seed', raw.seed, SEED_MIN, SEED_MAX, `an integer from ${SEED_MIN} to ${SEED_MAX}`);
  const runs = raw.runs === undefined ? undefined : integerFlag('--runs', raw.runs, 1, RUNS_MAX, `a positive integer (at most ${RUNS_MAX})`);
  const programBackend = backendsThat((c) => c.runsPrograms)[0] ?? DEFAULT_BACKEND;
  const backend = raw.backend === undefined ? (isProgram ? programBackend : DEFAULT_BACKEND) : choiceFlag('--backend', raw.backend, backendNames());
  if (isProgram && !capabilitiesOf(backend).runsPrograms)
    throw new InputError(
      '--backend',
      `a program runs on ${orList(backendsThat((c) => c.runsPrograms))} only: its threads and semaphores are found as it runs on a real interpreter`,
    );
  if (isProgram && raw.target !== undefined) throw new InputError('--target', "does not apply to a program: it checks the program's own semaphores");
  const expect = expectFlags(raw);
  if (!isProgram && expect !== undefined)
    throw new InputError(raw.expect !== undefined ? '--expect' : '--reachable', "applies to a program (.py) only: a scenario's expectations are in its file");
  const model = raw.model === undefined ? DEFAULT_MODEL : choiceFlag('--model', raw.model, PREEMPTION_MODELS);
  const python = raw.python === undefined ? undefined : pythonFlag(raw.python);
  const impl = raw.impl === undefined ? undefined : implFlag(raw.impl);
  const maxSteps = raw.maxSteps === undefined ? undefined : integerFlag('--max-steps', raw.maxSteps, 100, 10_000_000, 'an integer from 100 to 10000000');
  const timeLimit =
    raw.timeLimit === undefined ? undefined : integerFlag('--time-limit', raw.timeLimit, 1, 86_400, 'a whole number of seconds from 1 to 86400');
  const target = raw.target === undefined ? undefined : targetFlag(raw.target);
  const pythonpath = raw.pythonpath === undefined ? undefined : pythonpathFlag(raw.pythonpath);
  const search = raw.search === undefined ? 'auto' : choiceFlag('--search', raw.search, SEARCH_MODES);
  const bound = raw.bound === undefined ? undefined : integerFlag('--bound', raw.bound, 0, MAX_BOUND, `an integer from 0 to ${MAX_BOUND}`);
  if (bound !== undefined && search !== 'bounded' && raw.search !== undefined)
    throw new InputError('--bound', `only applies to --search bounded (got --search ${search})`);
  const workers = raw.workers === undefined ? defaultWorkers() : integerFlag('--workers', raw.workers, 1, MAX_WORKERS, `an integer from 1 to ${MAX_WORKERS}`);
  const shard = raw.shard === undefined ? undefined : shardFlag(raw.shard);
  if (shard !== undefined && search === 'auto' && bound === undefined) {
    throw new InputError(
      '--shard',
      'needs --search bounded (with --bound k), random or pct: auto picks each bound from the size of the last search, which one shard cannot see',
    );
  }
  checkCombination(backend, model, python, target, pythonpath, impl);
  const html = raw.html === undefined ? undefined : fileFlag('--html', raw.html);
  const junit = raw.reporter === undefined ? undefined : reporterFlag(raw.reporter);
  return {
    seed,
    save: raw.save !== false,
    ...(html !== undefined && { html }),
    ...(junit !== undefined && { junit }),
    // --bound alone means a bounded search.
    search: bound !== undefined ? 'bounded' : search,
    ...(bound !== undefined && { bound }),
    ...(maxSteps !== undefined && { maxSteps }),
    ...(timeLimit !== undefined && { timeLimit }),
    ...(runs !== undefined && { runs }),
    backend,
    model,
    ...(python !== undefined && { python }),
    ...(impl !== undefined && { impl }),
    ...(target !== undefined && { target }),
    ...(pythonpath !== undefined && { pythonpath }),
    confirm: raw.confirm !== false,
    workers,
    ...(shard !== undefined && { shard }),
    ...(raw.program !== undefined && { program: raw.program }),
    ...(expect !== undefined && { expect }),
    json: raw.json === true,
    progress: raw.progress !== false,
  };
}

function fileFlag(flag: string, raw: string): string {
  if (raw.trim() === '') throw new InputError(flag, 'expected a file name, got ""');
  return raw;
}

/** `junit=FILE`: program.ts joins `--reporter junit FILE` into one value before commander reads it. */
function reporterFlag(raw: string): string {
  const m = /^junit=(.+)$/.exec(raw);
  if (m === null) throw new InputError('--reporter', `expected "junit FILE", got ${describeValue(raw)}`);
  return fileFlag('--reporter', m[1]!);
}

export function parseReplayFlags(raw: RawFlags): ReplayFlags {
  // A replay follows the token's schedule exactly: there is nothing to seed or count.
  if (raw.seed !== undefined) throw new InputError('--seed', 'does not apply to replay (the token fixes the schedule)');
  if (raw.runs !== undefined) throw new InputError('--runs', 'does not apply to replay (a replay is one run)');
  if (raw.timeLimit !== undefined) throw new InputError('--time-limit', "does not apply to replay (a replay is one run, bounded by the token's step limit)");
  if (raw.maxSteps !== undefined) throw new InputError('--max-steps', 'does not apply to replay (the token fixes the step limit)');
  if (raw.search !== undefined) throw new InputError('--search', 'does not apply to replay (a replay is one run)');
  if (raw.bound !== undefined) throw new InputError('--bound', 'does not apply to replay (a replay is one run)');
  if (raw.workers !== undefined) throw new InputError('--workers', 'does not apply to replay (a replay is one run)');
  if (raw.shard !== undefined) throw new InputError('--shard', 'does not apply to replay (a replay is one run)');
  if (raw.expect !== undefined) throw new InputError('--expect', 'does not apply to replay (a replay shows what its run shows)');
  if (raw.reachable !== undefined) throw new InputError('--reachable', 'does not apply to replay (a replay shows what its run shows)');
  if (raw.html !== undefined) throw new InputError('--html', 'applies to check only');
  if (raw.reporter !== undefined) throw new InputError('--reporter', 'applies to check only');
  if (raw.impl !== undefined) throw new InputError('--impl', 'does not apply to replay (the token fixes the implementation)');
  const backend = raw.backend === undefined ? undefined : choiceFlag('--backend', raw.backend, backendNames());
  const model = raw.model === undefined ? undefined : choiceFlag('--model', raw.model, PREEMPTION_MODELS);
  const python = raw.python === undefined ? undefined : pythonFlag(raw.python);
  const target = raw.target === undefined ? undefined : targetFlag(raw.target);
  const pythonpath = raw.pythonpath === undefined ? undefined : pythonpathFlag(raw.pythonpath);
  return {
    ...(backend !== undefined && { backend }),
    ...(model !== undefined && { model }),
    ...(python !== undefined && { python }),
    ...(target !== undefined && { target }),
    ...(pythonpath !== undefined && { pythonpath }),
    ...(raw.program !== undefined && { program: raw.program }),
    json: raw.json === true,
    progress: raw.progress !== false,
  };
}

/** What `merge` takes: where the report goes, confirmation, and consent to a --target the shards ran. */
export interface MergeFlags extends OutputFlags {
  readonly confirm: boolean;
  readonly target?: string;
  readonly pythonpath?: readonly string[];
}

/** How each exploration flag is spelled on the command line, for the commands that refuse it. */
const EXPLORATION_FLAGS = {
  seed: '--seed',
  runs: '--runs',
  backend: '--backend',
  model: '--model',
  python: '--python',
  impl: '--impl',
  maxSteps: '--max-steps',
  timeLimit: '--time-limit',
  target: '--target',
  pythonpath: '--pythonpath',
  search: '--search',
  bound: '--bound',
  workers: '--workers',
  shard: '--shard',
  program: '--program',
  expect: '--expect',
  reachable: '--reachable',
  html: '--html',
  reporter: '--reporter',
} as const satisfies Partial<Record<keyof RawFlags, string>>;

/** A command that takes none of `keys`: accepting one silently would suggest it did something. */
function refuseFlags(raw: RawFlags, keys: readonly (keyof typeof EXPLORATION_FLAGS)[], why: string): void {
  for (const key of keys) if (raw[key] !== undefined) throw new InputError(EXPLORATION_FLAGS[key], why);
}

/** The shards fix every option that decides a run: restating one on merge would suggest it could differ. */
export function parseMergeFlags(raw: RawFlags): MergeFlags {
  const fixedByShards = (Object.keys(EXPLORATION_FLAGS) as (keyof typeof EXPLORATION_FLAGS)[]).filter((k) => k !== 'target' && k !== 'pythonpath');
  refuseFlags(raw, fixedByShards, 'does not apply to merge (the shard files fix it)');
  const target = raw.target === undefined ? undefined : targetFlag(raw.target);
  const pythonpath = raw.pythonpath === undefined ? undefined : pythonpathFlag(raw.pythonpath);
  if (pythonpath !== undefined && target === undefined) throw new InputError('--pythonpath', 'only applies with --target');
  return {
    confirm: raw.confirm !== false,
    ...(target !== undefined && { target }),
    ...(pythonpath !== undefined && { pythonpath }),
    json: raw.json === true,
    progress: raw.progress !== false,
  };
}

/** `list` takes no exploration flags. */
export function parseListFlags(raw: RawFlags): OutputFlags {
  refuseFlags(raw, Object.keys(EXPLORATION_FLAGS) as (keyof typeof EXPLORATION_FLAGS)[], 'does not apply to list');
  return { json: raw.json === true, progress: false };
}
