/**
 * Built-in scenarios (`scenarios/*.json` at the repository top) and resolution of what the
 * user names on the command line: a built-in id or a scenario file.
 *
 * The directory is found from the package's root (src/contract/package-root.ts), not the working directory, so
 * `npx semverify` works from anywhere.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, join, relative, sep } from 'node:path';
import { InputError } from '../contract/input-error.ts';
import type { Scenario } from './types.ts';
import { scenarioFromFile } from './scenario-file.ts';
import { clip } from './field-reader.ts';
import { packageRoot } from '../contract/package-root.ts';

const REPO_ROOT = packageRoot();
export const BUILTIN_DIR = join(REPO_ROOT, 'scenarios');

/**
 * The order in which `semverify` (no command) checks and `list` shows the built-ins, when
 * file names carry no numeric prefix: the seed's claims in the order it makes them.
 */
export const BUILTIN_ORDER: readonly string[] = [
  'asyncio-4-tasks',
  'asyncio-5-tasks',
  'asyncio-per-thread',
  'threading-shared',
  'asyncio-shared-3-threads',
  'asyncio-shared-2-threads',
];

const SCENARIO_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

/** The built-in scenarios, validated, in presentation order. */
export function builtinScenarios(): Scenario[] {
  return scenariosIn(BUILTIN_DIR);
}

/**
 * Every scenario file of `dir`, validated, ordered by numeric file-name prefix ("01-..."),
 * then by BUILTIN_ORDER, then by file name. Duplicate ids are an error: ids are how users
 * name scenarios. A missing directory holds no scenarios.
 */
export function scenariosIn(dir: string): Scenario[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => SCENARIO_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort();
  const loaded = files.map((file) => {
    const path = join(dir, file);
    return { file, scenario: scenarioFromFile(path, displayPath(path)) };
  });
  const byId = new Map<string, string>();
  for (const { file, scenario } of loaded) {
    const other = byId.get(scenario.id);
    if (other !== undefined) throw new InputError('id', `duplicate scenario id "${scenario.id}" (also in ${other})`, displayPath(join(dir, file)));
    byId.set(scenario.id, file);
  }
  return loaded.sort((a, b) => compareKeys(sortKey(a.file, a.scenario.id), sortKey(b.file, b.scenario.id))).map((x) => x.scenario);
}

type SortKey = readonly [number, number, string];

function sortKey(file: string, id: string): SortKey {
  const prefix = /^(\d+)[-_.]/.exec(file);
  const order = BUILTIN_ORDER.indexOf(id);
  return [prefix ? Number(prefix[1]) : Infinity, order === -1 ? Infinity : order, file];
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0;
}

/** Paths inside the repository are shown relative to it (`scenarios/x.json`), others as they are. */
function displayPath(path: string): string {
  const rel = relative(REPO_ROOT, path);
  return rel.startsWith('..') || rel === '' ? path : rel.split(sep).join('/');
}

/**
 * A built-in id, else an existing scenario file. `scenarios` defaults to the built-ins
 * (tests pass their own).
 */
export function resolveScenario(idOrPath: string, scenarios: readonly Scenario[] = builtinScenarios()): Scenario {
  const builtin = scenarios.find((s) => s.id === idOrPath);
  if (builtin) return builtin;
  // Whatever exists is read as a file: a directory or a device is then named as such.
  if (existsSync(idOrPath)) return scenarioFromFile(idOrPath);
  if (looksLikePath(idOrPath)) throw new InputError(clip(idOrPath, 200), 'file not found');
  const known = scenarios.map((s) => s.id).join(', ') || 'none';
  throw new InputError('scenario', `unknown scenario id '${clip(idOrPath)}' (known: ${known})`);
}

/** A name with a directory part or a scenario extension was meant as a file, so say the file is missing. */
function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes(sep) || SCENARIO_EXTENSIONS.has(extname(basename(s)).toLowerCase());
}
