#!/usr/bin/env node
// Runs the built CLI (dist/, made by `npm run build`, which `npm ci` runs as `prepare`): plain
// JavaScript, so starting costs no compiler. In a git checkout whose sources are newer than the
// build (edited since), or with no build at all, it runs the sources through tsx instead (a
// development dependency), so that what runs is what was edited, never a stale build.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'src', 'cli', 'main.js');

if (existsSync(built) && !(existsSync(join(root, '.git')) && sourcesNewerThanBuild())) {
  await import(built);
} else {
  // tsx caches compiled files in $TMPDIR/tsx-<uid>, and when it cannot write there it dies with a
  // stack trace before the CLI starts: then compile without the cache. Read when tsx loads.
  if (!process.env.TSX_DISABLE_CACHE && !canWriteTsxCache()) process.env.TSX_DISABLE_CACHE = '1';
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('semverify: no build (dist/) and no tsx to run the sources: run `npm run build`\n');
    process.exit(3);
  }
  register();
  await import('../src/cli/main.ts');
}

/** Whether any source file changed after the build's stamp (a checkout only: an installed package has no sources). */
function sourcesNewerThanBuild() {
  const stamp = join(root, 'dist', '.built');
  if (!existsSync(stamp)) return true;
  const builtAt = statSync(stamp).mtimeMs;
  const newer = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory() ? entry.name !== '__pycache__' && newer(p) : statSync(p).mtimeMs > builtAt) return true;
    }
    return false;
  };
  return ['src', 'properties', 'models'].some((d) => existsSync(join(root, d)) && newer(join(root, d)));
}

/** Whether tsx's cache directory exists or can be made, and takes a new entry. */
function canWriteTsxCache() {
  try {
    const dir = join(tmpdir(), `tsx-${process.geteuid ? process.geteuid() : userInfo().username}`);
    mkdirSync(dir, { recursive: true });
    rmdirSync(mkdtempSync(join(dir, '.probe-')));
    return true;
  } catch {
    return false;
  }
}
