/**
 * The project's config file: `semverify.config.ts` (or .mts, .js, .mjs, .json), found from the
 * working directory upward, or named with `--config`. It adds properties (checked on every
 * scenario beside the built-ins), scenario files (globs, relative to the file), implementations
 * written in TypeScript (ports/user-registry.ts) and default options. The CLI, replay and the
 * library read it the same way (docs/api.md, "Config file").
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Property } from '../../properties/api.ts';
import { builtinProperties } from '../../properties/builtin.ts';
import { InputError } from '../contract/input-error.ts';
import { FieldReader, indexPath, childPath, describeValue } from '../scenario/field-reader.ts';
import { registerImplementation, type UserImplementation } from '../ports/user-registry.ts';
import type { BackendName, PreemptionModel } from '../contract/names.ts';
import type { SearchMode } from '../explore/search/strategy.ts';

export const CONFIG_NAMES = ['semverify.config.ts', 'semverify.config.mts', 'semverify.config.js', 'semverify.config.mjs', 'semverify.config.json'] as const;

/** Options a config may set for every command; command-line flags and library options override them. */
export interface ConfigDefaults {
  readonly backend?: BackendName;
  readonly model?: PreemptionModel;
  readonly seed?: number;
  readonly runs?: number;
  readonly search?: SearchMode;
  readonly bound?: number;
  readonly python?: string;
  readonly maxSteps?: number;
  readonly timeLimit?: number;
  readonly confirm?: boolean;
  /** Write new counterexamples to .semverify/failures/ (default true). */
  readonly save?: boolean;
}

/** What a config file exports (default export). */
export interface SemverifyConfig {
  /** Checked on every run of every scenario, after the built-in properties. */
  readonly properties?: readonly Property[];
  /** Scenario files, as globs relative to the config file: `semverify` alone checks these, `check <id>` finds them by id. */
  readonly scenarios?: readonly string[];
  /** TypeScript implementations scenarios may name with `impl`. */
  readonly implementations?: readonly UserImplementation[];
  readonly defaults?: ConfigDefaults;
}

export interface LoadedConfig {
  /** The file read, or null when none was found. */
  readonly file: string | null;
  /** Where globs and `.semverify/` are relative to: the file's directory, else the working directory. */
  readonly root: string;
  /** The user's properties (not the built-ins). */
  readonly properties: readonly Property[];
  readonly scenarios: readonly string[];
  readonly implementations: readonly UserImplementation[];
  readonly defaults: ConfigDefaults;
}

/** The config file governing `cwd`: the nearest one in it or a directory above; undefined when none. */
export function findConfig(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function emptyConfig(cwd: string): LoadedConfig {
  return { file: null, root: resolve(cwd), properties: [], scenarios: [], implementations: [], defaults: {} };
}

/**
 * Read the config: `file` when given (it must exist), else the one found from `cwd` upward;
 * `false` reads none. Its implementations are registered for this process.
 */
export async function loadConfig(opts: { readonly cwd?: string; readonly file?: string | false; readonly register?: boolean } = {}): Promise<LoadedConfig> {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.file === false) return emptyConfig(cwd);
  const file = opts.file !== undefined ? resolve(cwd, opts.file) : findConfig(cwd);
  if (file === undefined) return emptyConfig(cwd);
  if (!existsSync(file)) throw new InputError('--config', `file not found: ${opts.file}`);
  const loaded = readConfig(await importConfig(file), file);
  if (opts.register !== false) for (const impl of loaded.implementations) registerImplementation(impl, file);
  return loaded;
}

/** Validate what a config module exports; every problem names the file and the field. */
export function readConfig(value: unknown, file: string): LoadedConfig {
  const r = new FieldReader(file);
  const o = r.object(value, '', ['properties', 'scenarios', 'implementations', 'defaults']);
  const properties = o.properties === undefined ? [] : r.array(o.properties, 'properties').map((p, i) => readProperty(r, p, indexPath('properties', i)));
  const taken = new Set(builtinProperties.map((p) => p.name));
  for (const [i, p] of properties.entries()) {
    if (taken.has(p.name)) r.fail(childPath(indexPath('properties', i), 'name'), `"${p.name}" is already a property (built-in or earlier in the list)`);
    taken.add(p.name);
  }
  const scenarios =
    o.scenarios === undefined ? [] : r.array(o.scenarios, 'scenarios').map((g, i) => r.string(g, indexPath('scenarios', i), { nonEmpty: true }));
  const implementations = o.implementations === undefined ? [] : (r.array(o.implementations, 'implementations') as UserImplementation[]);
  const defaults = o.defaults === undefined ? {} : readDefaults(r, o.defaults);
  return { file, root: dirname(file), properties, scenarios, implementations, defaults };
}

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

function readProperty(r: FieldReader, v: unknown, path: string): Property {
  const o = r.object(v, path, ['name', 'description', 'appliesTo', 'appliesToRun', 'check', 'outcomes'], ['name', 'description', 'check']);
  const name = r.string(o.name, childPath(path, 'name'), { nonEmpty: true });
  if (!KEBAB.test(name)) r.fail(childPath(path, 'name'), `expected kebab-case (e.g. "my-invariant"), got ${describeValue(name)}`);
  r.string(o.description, childPath(path, 'description'), { nonEmpty: true });
  for (const f of ['check', 'appliesTo', 'appliesToRun']) {
    if (o[f] !== undefined && typeof o[f] !== 'function') r.fail(childPath(path, f), `expected a function, got ${describeValue(o[f])}`);
  }
  if (o.outcomes !== undefined) {
    for (const [i, k] of r.array(o.outcomes, childPath(path, 'outcomes')).entries()) r.name(k, indexPath(childPath(path, 'outcomes'), i));
  }
  return v as Property;
}

function readDefaults(r: FieldReader, v: unknown): ConfigDefaults {
  const o = r.object(v, 'defaults', ['backend', 'model', 'seed', 'runs', 'search', 'bound', 'python', 'maxSteps', 'timeLimit', 'confirm', 'save']);
  for (const k of ['backend', 'model', 'search', 'python'] as const) if (o[k] !== undefined) r.string(o[k], `defaults.${k}`, { nonEmpty: true });
  for (const k of ['seed', 'runs', 'bound', 'maxSteps', 'timeLimit'] as const) {
    if (o[k] !== undefined) r.integer(o[k], `defaults.${k}`, k === 'seed' ? -(2 ** 31) : 0, k === 'seed' ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER);
  }
  for (const k of ['confirm', 'save'] as const) if (o[k] !== undefined) r.boolean(o[k], `defaults.${k}`);
  // Values are checked again, like flags, where they are used (src/cli/flags.ts): one set of rules.
  return o as ConfigDefaults;
}

async function importConfig(file: string): Promise<unknown> {
  const ext = extname(file);
  if (ext === '.json') {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new InputError(file, `invalid JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const url = pathToFileURL(file).href;
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Node before 22.18 cannot load TypeScript by itself: then through tsx, where the project has it.
    if ((ext === '.ts' || ext === '.mts') && code === 'ERR_UNKNOWN_FILE_EXTENSION') mod = (await importWithTsx(file)) as { default?: unknown };
    else throw new InputError(file, `cannot load: ${(e as Error).message.split('\n')[0]}`);
  }
  if (mod.default === undefined) throw new InputError(file, 'no default export (export default { properties, scenarios, implementations, defaults })');
  return mod.default;
}

async function importWithTsx(file: string): Promise<unknown> {
  // The project's tsx first, else semverify's own (a development checkout has it).
  const api = [file, import.meta.url].map(tryResolve).find((p) => p !== undefined);
  if (api === undefined) {
    throw new InputError(file, 'this Node cannot load TypeScript by itself (Node 22.18+ can): install tsx in the project, or write semverify.config.js');
  }
  const { tsImport } = (await import(pathToFileURL(api).href)) as { tsImport: (spec: string, parent: string) => Promise<unknown> };
  try {
    return await tsImport(pathToFileURL(file).href, import.meta.url);
  } catch (e) {
    throw new InputError(file, `cannot load: ${(e as Error).message.split('\n')[0]}`);
  }
}

function tryResolve(from: string): string | undefined {
  try {
    return createRequire(from).resolve('tsx/esm/api');
  } catch {
    return undefined;
  }
}

/** Every property to check: the built-ins, then the config's. */
export function propertiesOf(config: LoadedConfig): readonly Property[] {
  return [...builtinProperties, ...config.properties];
}
