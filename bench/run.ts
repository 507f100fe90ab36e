/**
 * `npm run bench`: the figures the README quotes, each measured so that it can be trusted on a
 * shared, loaded machine (docs/bench.md): A/B ratios from interleaved pairs, every figure a median
 * with its spread, the load average beside each. Prints and asserts nothing about speed.
 *
 *   npm run bench                      the table (a few minutes)
 *   npm run bench -- --quick           a short smoke run (BENCH_QUICK=1 too)
 *   npm run -s bench -- --json         one JSON document on stdout (-s: without npm's banner)
 *   npm run bench -- --out file.json   the table, and the JSON document written to a file
 *   npm run bench -- --only 1,3        some figures only
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { builtinScenarios } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { defaultInterpreter, findInterpreter, type Interpreter } from '../src/backends/cpython/interpreters.ts';
import { benchSim, formatSim, type SimFigure } from './sim.ts';
import { benchCPython, type CPythonFigure, formatCPython } from './cpython.ts';
import { benchWorkers, formatWorkers, type WorkersFigure } from './workers.ts';
import { benchSearch, formatSearch, type SearchFigure } from './search.ts';
import { benchStartup, formatStartup, type StartupFigure } from './startup.ts';
import { type BaselineFigure, benchBaseline, formatBaseline } from './baseline.ts';
import { load, note } from './stats.ts';

interface Args {
  readonly json: boolean;
  readonly quick: boolean;
  readonly out: string | null;
  readonly only: ReadonlySet<number>;
}

function parseArgs(argv: readonly string[]): Args {
  let json = false;
  let quick = process.env.BENCH_QUICK === '1';
  let out: string | null = null;
  let only = new Set([1, 2, 3, 4, 5, 6]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--quick') quick = true;
    else if (a === '--out') out = argv[++i] ?? '';
    else if (a === '--only') only = new Set((argv[++i] ?? '').split(',').map(Number));
    else throw new Error(`bench: unknown argument ${a} (--json, --quick, --out FILE, --only 1,2,...)`);
  }
  if (out === '') throw new Error('bench: --out needs a file');
  return { json, quick, out, only };
}

function scenario(id: string): Scenario {
  const s = builtinScenarios().find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
}

/** The interpreter of the real-backend figures: the newest 3.11 installed, else python3. */
function interpreter(): Interpreter | null {
  return findInterpreter('3.11') ?? defaultInterpreter();
}

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${load().join(', ')}`;
  }
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

export interface BenchDocument {
  readonly bench: 'semverify';
  readonly date: string;
  readonly commit: string;
  readonly quick: boolean;
  readonly node: string;
  readonly cpus: number;
  readonly uptimeStart: string;
  readonly uptimeEnd: string;
  readonly seconds: number;
  readonly python: { readonly version: string; readonly path: string } | null;
  readonly figures: {
    readonly simProperties?: SimFigure;
    readonly cpython?: CPythonFigure;
    readonly workers?: WorkersFigure;
    readonly search?: SearchFigure;
    readonly startup?: StartupFigure;
    readonly baseline?: BaselineFigure;
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now(); // wall-clock: bench only
  const interp = interpreter();
  const uptimeStart = uptime();
  const print = (lines: readonly string[]) => {
    if (!args.json) console.log(`${lines.join('\n')}\n`);
  };
  print([
    `semverify bench${args.quick ? ' (quick: a smoke run, small samples)' : ''}, commit ${commit()}, node ${process.version}, ${cpus().length} CPUs`,
    `${uptimeStart}`,
    `real backend: ${interp === null ? 'no python3 found: not measured' : `CPython ${interp.version} (${interp.path})`}`,
    'Every figure: median (IQR; min–max; n). Ratios: median of per-pair ratios, A and B interleaved. Nothing is asserted.',
  ]);
  const shared2 = scenario('asyncio-shared-2-threads');
  const shared3 = scenario('asyncio-shared-3-threads');
  const threading = scenario('threading-shared');
  /** Figure `n`, when asked for: measured, then printed at once (a full run takes minutes). */
  const figure = async <T>(n: number, run: () => Promise<T>, format: (f: T) => string[]): Promise<T | undefined> => {
    if (!args.only.has(n)) return undefined;
    const f = await run();
    print(format(f));
    return f;
  };
  const searchCases = args.quick
    ? [1, 2].flatMap((bound) => [shared2, shared3].map((s) => ({ scenario: s, bound })))
    : [
        ...[1, 2, 3].map((bound) => ({ scenario: shared2, bound })),
        ...[1, 2, 3].map((bound) => ({ scenario: shared3, bound })),
        // Bound 2 of threading-shared is cut at the limit either way and costs a minute: bound 1 says as much.
        { scenario: threading, bound: 1 },
      ];
  const searchBudget = args.quick ? { seconds: 0.5, min: 1, max: 3 } : { seconds: 4, min: 3, max: 15 };

  const simProperties = await figure(1, () => benchSim(shared3, args.quick), formatSim);
  if (interp === null && args.only.has(2)) print(['2. Real backend: no python3 found, not measured']);
  const cpython = interp === null ? undefined : await figure(2, () => benchCPython([shared2, shared3], interp, args.quick), formatCPython);
  const workers = await figure(3, () => benchWorkers(shared3, interp, args.quick), formatWorkers);
  const search = await figure(4, () => benchSearch(searchCases, args.quick ? 2000 : 12_000, searchBudget), formatSearch);
  const startup = await figure(5, () => benchStartup(args.quick), formatStartup);
  const baseline = await figure(6, () => benchBaseline(shared3, interp, args.quick), formatBaseline);
  const figures: BenchDocument['figures'] = {
    ...(simProperties && { simProperties }),
    ...(cpython && { cpython }),
    ...(workers && { workers }),
    ...(search && { search }),
    ...(startup && { startup }),
    ...(baseline && { baseline }),
  };

  const seconds = (performance.now() - t0) / 1000;
  const uptimeEnd = uptime();
  print([`done in ${seconds.toFixed(0)} s; ${uptimeEnd}`]);
  const doc: BenchDocument = {
    bench: 'semverify',
    date: new Date().toISOString(),
    commit: commit(),
    quick: args.quick,
    node: process.version,
    cpus: cpus().length,
    uptimeStart,
    uptimeEnd,
    seconds,
    python: interp === null ? null : { version: interp.version, path: interp.path },
    figures,
  };
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (args.out !== null) {
    writeFileSync(args.out, text);
    note(`bench: JSON written to ${args.out}`);
  }
  if (args.json) process.stdout.write(text);
}

await main();
