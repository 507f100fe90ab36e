/**
 * Figure 5: startup. CPU seconds (user + system, /usr/bin/time) of `semverify list` through the
 * bin on the build against the sources through tsx, in interleaved pairs; and `npx semverify
 * --no-confirm --no-save` (every built-in scenario, as the README's first command) wall and CPU
 * seconds, repeated. Also `npm run bench:startup` on its own (after `npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Chunk, interleave, type Loads, note, num, pairRatios, show, showLoad, showRatio, type Spread, spread, withLoad } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';

interface Timing {
  readonly wallS: number;
  readonly cpuS: number;
  readonly status: number | null;
}

/** `command` under /usr/bin/time in the checkout; its output is dropped (not a terminal either way). */
function time(command: string, args: readonly string[]): Timing {
  const r = spawnSync(TIME, ['-f', '%e %U %S', command, ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const [wall, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wallS: wall!, cpuS: user! + sys!, status: r.status };
}

/** Whether the bin runs the build: it runs the sources through tsx when any is newer than dist/.built (bin/semverify.js). */
function binRunsBuild(): boolean {
  const stamp = join(ROOT, 'dist', '.built');
  if (!existsSync(stamp)) return false;
  const builtAt = statSync(stamp).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = join(dir, e.name);
      return e.isDirectory() ? e.name !== '__pycache__' && newer(p) : statSync(p).mtimeMs > builtAt;
    });
  return !['src', 'properties', 'models'].some((d) => existsSync(join(ROOT, d)) && newer(join(ROOT, d)));
}

export interface StartupFigure {
  /** False: /usr/bin/time is missing, nothing measured. */
  readonly measured: boolean;
  readonly binRunsBuild: boolean;
  readonly listPairs: number;
  readonly listBinCpuS: Spread;
  readonly listTsxCpuS: Spread;
  /** Per pair: tsx CPU over the bin's. */
  readonly tsxOverBin: Spread;
  /** The arguments after `npx semverify`: the quick run checks fewer runs per scenario. */
  readonly npxArgs: readonly string[];
  readonly npxRepeats: number;
  readonly npxWallS: Spread;
  readonly npxCpuS: Spread;
  /** Exit statuses of the `npx semverify` runs (0: every expectation met). */
  readonly npxStatus: readonly (number | null)[];
  readonly load: Loads;
}

export async function benchStartup(quick: boolean): Promise<StartupFigure> {
  const listPairs = quick ? 3 : 7;
  const npxRepeats = quick ? 1 : 3;
  return withLoad(async () => {
    const empty = spread([]);
    if (!existsSync(TIME)) {
      note(`${TIME} not found (apt-get install time): startup not measured`);
      return {
        measured: false,
        binRunsBuild: binRunsBuild(),
        listPairs: 0,
        listBinCpuS: empty,
        listTsxCpuS: empty,
        tsxOverBin: empty,
        npxArgs: [],
        npxRepeats: 0,
        npxWallS: empty,
        npxCpuS: empty,
        npxStatus: [],
      };
    }
    note(`figure 5: semverify list, ${listPairs} pairs bin vs tsx; npx semverify x${npxRepeats}`);
    const list = (args: string[]) => async (): Promise<Chunk> => {
      const t = time(process.execPath, [...args, 'list']);
      return { work: 1, wallS: t.wallS, cpuS: t.cpuS };
    };
    // The warm-up pair fills the file cache and tsx's compile cache.
    const p = await interleave(1, listPairs, list([join(ROOT, 'bin', 'semverify.js')]), list(['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')]));
    const npxArgs = ['--no-confirm', '--no-save', ...(quick ? ['--runs', '200'] : [])];
    const npx: Timing[] = [];
    for (let i = 0; i < npxRepeats; i++) npx.push(time('npx', ['semverify', ...npxArgs]));
    return {
      measured: true,
      binRunsBuild: binRunsBuild(),
      listPairs,
      listBinCpuS: spread(p.a.map((c) => c.cpuS)),
      listTsxCpuS: spread(p.b.map((c) => c.cpuS)),
      tsxOverBin: pairRatios(p, (a, b) => b.cpuS / a.cpuS),
      npxArgs,
      npxRepeats,
      npxWallS: spread(npx.map((t) => t.wallS)),
      npxCpuS: spread(npx.map((t) => t.cpuS)),
      npxStatus: npx.map((t) => t.status),
    };
  });
}

export function formatStartup(f: StartupFigure): string[] {
  if (!f.measured) return [`5. Startup: not measured (${TIME} missing: apt-get install time)`];
  const bin = f.binRunsBuild ? 'the build (dist/)' : 'the SOURCES through tsx: the build is stale, run `npm run build`';
  return [
    `5. Startup (${showLoad(f.load)}); the bin runs ${bin}`,
    `   semverify list, bin/semverify.js       ${show(f.listBinCpuS, 2, 'CPU-s')}`,
    `   semverify list, sources through tsx    ${show(f.listTsxCpuS, 2, 'CPU-s')}`,
    `   tsx / bin                              ${showRatio(f.tsxOverBin)} (${f.listPairs} interleaved pairs)`,
    `${`   npx semverify ${f.npxArgs.join(' ')}`.padEnd(41)} wall ${show(f.npxWallS, 2, 's')}`,
    `   ${''.padEnd(38)} CPU  ${show(f.npxCpuS, 2, 's')}`,
    `   ${''.padEnd(38)} (every built-in scenario, default --workers; ${num(f.npxRepeats)} run${f.npxRepeats === 1 ? '' : 's'}, exit ${f.npxStatus.join(', ')})`,
  ];
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const quick = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick');
  for (const l of formatStartup(await benchStartup(quick))) console.log(l);
}
