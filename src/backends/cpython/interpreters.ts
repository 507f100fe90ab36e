/**
 * Finding the CPython interpreters installed on this machine.
 *
 * Scans `$PYENV_ROOT/versions/* /bin/python3.X` (default `/root/.pyenv/versions`) and `python3`
 * on PATH. Versions come from the pyenv directory name (`3.11.7`) or, for PATH and explicit
 * paths, from asking the interpreter itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Interpreter {
  /** Full version, e.g. "3.11.7". */
  readonly version: string;
  /** Major.minor, e.g. "3.11". */
  readonly short: string;
  /** Executable path. */
  readonly path: string;
}

/** The requested interpreter does not exist. `field` names the CLI option at fault. */
export class InterpreterNotFoundError extends Error {
  readonly field = 'python';
  constructor(message: string) {
    super(message);
    this.name = 'InterpreterNotFoundError';
  }
}

const MIN_MINOR = 6;

function pyenvRoots(): string[] {
  const roots = new Set<string>();
  if (process.env.PYENV_ROOT) roots.add(join(process.env.PYENV_ROOT, 'versions'));
  roots.add('/root/.pyenv/versions');
  return [...roots];
}

function isExecutable(p: string): boolean {
  try {
    const st = statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function shortOf(version: string): string {
  const [a, b] = version.split('.');
  return `${a}.${b}`;
}

function supported(version: string): boolean {
  const [a, b] = version.split('.').map((x) => Number.parseInt(x, 10));
  return a === 3 && (b ?? 0) >= MIN_MINOR;
}

/** Ask an interpreter for its version and real executable (null when it does not run). */
export function probeInterpreter(path: string): Interpreter | null {
  try {
    const out = execFileSync(path, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [version, exe] = out.trim().split('\n');
    if (!version || !/^\d+\.\d+\.\d+$/.test(version)) return null;
    return { version, short: shortOf(version), path: exe && existsSync(exe) ? exe : path };
  } catch {
    return null;
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

let cache: Interpreter[] | null = null;
let defaultCache: Interpreter | null | undefined;

/** `python3` on PATH (the default interpreter), or null. */
export function defaultInterpreter(): Interpreter | null {
  if (defaultCache !== undefined) return defaultCache;
  defaultCache = null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'python3');
    if (isExecutable(p)) {
      const it = probeInterpreter(p);
      if (it && supported(it.version)) defaultCache = it;
      break;
    }
  }
  return defaultCache;
}

/** Every supported (3.6+) interpreter found, oldest first, one per version. */
export function findInterpreters(): Interpreter[] {
  if (cache) return cache;
  const byVersion = new Map<string, Interpreter>();
  for (const root of pyenvRoots()) {
    let entries: string[] = [];
    try {
      entries = readdirSync(root);
    } catch {
      continue;
    }
    for (const dir of entries) {
      const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(dir);
      if (!m || !supported(dir)) continue;
      const p = join(root, dir, 'bin', `python${m[1]}.${m[2]}`);
      if (!isExecutable(p) || byVersion.has(dir)) continue;
      byVersion.set(dir, { version: dir, short: shortOf(dir), path: p });
    }
  }
  const def = defaultInterpreter();
  if (def && !byVersion.has(def.version)) byVersion.set(def.version, def);
  cache = [...byVersion.values()].sort((a, b) => compareVersions(a.version, b.version));
  return cache;
}

/**
 * Resolve `--python`: undefined (python3 on PATH), "3.9" (newest 3.9.x found), "3.11.7"
 * (exact), or a path to an executable. Throws InterpreterNotFoundError with a one-line message.
 */
export function resolveInterpreter(spec: string | undefined): Interpreter {
  const all = findInterpreters();
  const available = all.map((i) => i.version).join(', ') || 'none';
  if (spec === undefined || spec === '' || spec === 'python3' || spec === 'default') {
    const def = defaultInterpreter();
    if (def) return def;
    if (all.length > 0) return all[all.length - 1]!;
    throw new InterpreterNotFoundError('no python3 (3.6 or newer) found on PATH or under ~/.pyenv/versions');
  }
  if (/^\d+\.\d+$/.test(spec)) {
    const hits = all.filter((i) => i.short === spec);
    if (hits.length > 0) return hits[hits.length - 1]!;
    throw new InterpreterNotFoundError(`python ${spec} not found (available: ${available})`);
  }
  if (/^\d+\.\d+\.\d+$/.test(spec)) {
    const hit = all.find((i) => i.version === spec);
    if (hit) return hit;
    throw new InterpreterNotFoundError(`python ${spec} not found (available: ${available})`);
  }
  if (!existsSync(spec)) throw new InterpreterNotFoundError(`python interpreter ${spec} does not exist`);
  const it = probeInterpreter(spec);
  if (!it) throw new InterpreterNotFoundError(`${spec} is not a working python interpreter`);
  if (!supported(it.version)) throw new InterpreterNotFoundError(`${spec} is python ${it.version}; semverify needs 3.6 or newer`);
  try {
    return { ...it, path: realpathSync(spec) === realpathSync(it.path) ? it.path : spec };
  } catch {
    return it;
  }
}

/** Find an interpreter by major.minor without throwing (tests use it to skip). */
export function findInterpreter(short: string): Interpreter | undefined {
  const hits = findInterpreters().filter((i) => i.short === short);
  return hits[hits.length - 1];
}
