/**
 * File globs for scenario paths (`check 'scenarios/**\/*.json'`, a config's `scenarios`): `*`
 * and `?` within one path segment, `**` across segments. Node 20 has no fs.glob, and a glob
 * dependency for this much is not worth its weight. Shells expand most globs before semverify
 * sees them; this serves quoted ones and config files.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** The files under `cwd` matching `pattern` (relative to `cwd`, or absolute), sorted. */
export function expandGlob(pattern: string, cwd: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : join(cwd, pattern);
  const parts = abs.split(/[\\/]+/);
  const firstGlob = parts.findIndex(isGlob);
  if (firstGlob === -1) return existsSync(abs) ? [abs] : [];
  // Walk from the deepest directory the pattern names literally.
  const base = parts.slice(0, firstGlob).join(sep) || sep;
  if (!existsSync(base)) return [];
  const re = globRegExp(parts.slice(firstGlob).join('/'));
  const out: string[] = [];
  for (const file of walk(base)) if (re.test(relative(base, file).split(sep).join('/'))) out.push(file);
  return out.sort();
}

/** The regular expression of a glob over `/`-separated relative paths. */
export function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more whole segments; a trailing `**` anything below.
      if (glob[i + 2] === '/') {
        re += '(?:[^/]+/)*';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Dependencies and tool state hold no scenarios of the project's.
    if (entry.name === 'node_modules' || entry.name === '.git' || entry.name === '.semverify') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p);
    else if (entry.isFile() || statSync(p).isFile()) yield p;
  }
}

/** `p` as typed when relative to `cwd`, else absolute: for messages. */
export function shown(p: string, cwd: string): string {
  const rel = relative(cwd, resolve(p));
  return rel.startsWith('..') ? resolve(p) : rel;
}
