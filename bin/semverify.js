#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx's loader: `npx semverify` works right after
// `npm ci`, with no build step.
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

// tsx caches compiled files in $TMPDIR/tsx-<uid>, and when it cannot write there (a read-only,
// missing or mistyped TMPDIR) it dies with a stack trace before the CLI even starts. Then compile
// without the cache: slower to start, same results. The variable is read when tsx loads, so tsx
// is imported only after it is set.
if (!process.env.TSX_DISABLE_CACHE && !canWriteTsxCache()) process.env.TSX_DISABLE_CACHE = '1';

const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/main.ts');

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
