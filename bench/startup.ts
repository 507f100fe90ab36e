/**
 * Startup cost of the CLI (issue 11): CPU seconds (user + system, /usr/bin/time) of
 * `semverify list` through the built bin, against the sources through tsx, median of 7 runs.
 * Printed, never asserted: `npm run bench:startup` after `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';

function cpuSeconds(args: string[]): number {
  const r = spawnSync(TIME, ['-f', '%U %S', process.execPath, ...args, 'list'], { cwd: ROOT, encoding: 'utf8' });
  const [user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return user! + sys!;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

if (!existsSync(TIME)) {
  console.log(`${TIME} not found (apt-get install time): nothing measured`);
} else {
  const cases: [string, string[]][] = [
    // The bin runs dist/ unless a source is newer than the build: run `npm run build` first.
    ['bin/semverify.js, built (what `npx semverify` runs)', [join(ROOT, 'bin', 'semverify.js')]],
    ['sources through tsx (development)', ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')]],
  ];
  for (const [name, args] of cases) {
    cpuSeconds(args); // warm the file cache (and tsx's compile cache)
    const runs = Array.from({ length: 7 }, () => cpuSeconds(args));
    console.log(
      `semverify list, ${name}: ${median(runs).toFixed(2)} CPU-s (median of 7; min ${Math.min(...runs).toFixed(2)}, max ${Math.max(...runs).toFixed(2)})`,
    );
  }
}
