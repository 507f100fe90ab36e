/**
 * The package's root directory (where package.json and scenarios/ are), found by walking up
 * from this module: it runs from src/contract/ under tsx in a checkout and from
 * dist/src/contract/ when built or installed, so no fixed number of `../` fits both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && packageName(pkg) === 'semverify') {
      cached = dir;
      return dir;
    }
    const up = dirname(dir);
    // Not inside the package: the layout was broken by hand; say so rather than read someone else's files.
    if (up === dir) throw new Error(`semverify: no package.json of semverify above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

function packageName(path: string): unknown {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

/** The package's own version, from its package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
