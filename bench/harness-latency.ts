/**
 * Real-backend latency (issue 11): runs per second through one harness process (CPythonBackend,
 * as bench/cpython.ts drives it), the 2- and 3-thread shared asyncio scenarios, with the sources an
 * exploration sends (src/explore/search/plan.ts), after a warm-up; and the CPU each side spent per
 * run (this Node process, the harness from /proc), which tells a latency-bound pair (both well
 * under one core) from a CPU-bound one. Printed, never asserted.
 *
 *   npx tsx bench/harness-latency.ts            BENCH_PYTHON=3.8 BENCH_RUNS=2000 BENCH_TRACED=1
 *   BENCH_BASELINE=main npx tsx bench/harness-latency.ts      this checkout against a revision
 *   BENCH_SCENARIOS=threading-shared,asyncio-4-tasks           other built-in scenarios
 *
 * BENCH_TRACED=1 also measures traced runs (what a report's counterexamples replay with: the
 * history and trace streamed while the run is in flight).
 *
 * BENCH_BASELINE=<rev> compares this checkout with git revision <rev> (its harness and driver,
 * exported to a temporary directory) side by side: BENCH_ROUNDS rounds (default 3) of one
 * measuring process per side, in A B B A ... order so that a drifting machine load favours
 * neither, then the median runs/s per side and the median of the per-round ratios.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { CPythonBackend } from '../src/backends/cpython/backend.ts';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { sourceFor } from '../src/explore/search/plan.ts';
import { builtinScenarios } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/types.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 2000);
const WARMUP = Math.min(200, RUNS);
const PYTHON = process.env.BENCH_PYTHON ?? '3.11';
const TRACED = process.env.BENCH_TRACED === '1';
const BASELINE = process.env.BENCH_BASELINE;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Set in a measuring child of a comparison: print one JSON line per figure instead of prose. */
const JSON_OUT = process.env.BENCH_JSON === '1';
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'asyncio-shared-2-threads,asyncio-shared-3-threads').split(',');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Figure {
  readonly label: string;
  readonly perSecond: number;
}

/** User + system CPU seconds of process `pid` so far (Linux /proc), or NaN elsewhere. */
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

async function measure(backend: CPythonBackend, s: Scenario, traced: boolean): Promise<Figure & { readonly text: string }> {
  const run = (i: number) => backend.run({ scenario: s, source: sourceFor(1, i, 80, false), trace: traced, tellAll: traced });
  for (let i = 0; i < WARMUP; i++) await run(i);
  const pid = backend.pid!;
  const node0 = process.cpuUsage();
  const py0 = cpuOf(pid);
  const t0 = performance.now(); // wall-clock: bench only
  for (let i = 0; i < RUNS; i++) await run(WARMUP + i);
  const seconds = (performance.now() - t0) / 1000;
  const node = process.cpuUsage(node0);
  const nodeMs = ((node.user + node.system) / 1000 / RUNS).toFixed(3);
  const pyMs = backend.pid === pid ? (((cpuOf(pid) - py0) * 1000) / RUNS).toFixed(3) : '?';
  const label = `${s.id}${traced ? ' (traced)' : ''}`;
  const perSecond = RUNS / seconds;
  const text = `${label.padEnd(36)} ${RUNS} runs in ${seconds.toFixed(2)} s = ${perSecond.toFixed(0).padStart(5)} runs/s; CPU per run: node ${nodeMs} ms, harness ${pyMs} ms`;
  return { label, perSecond, text };
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

async function measureHere(): Promise<void> {
  const interp = findInterpreter(PYTHON);
  if (!interp) {
    console.log(`harness latency: no CPython ${PYTHON} found, not measured`);
    return;
  }
  const backend = await CPythonBackend.start(interp);
  if (!JSON_OUT) {
    console.log(
      `harness latency: CPython ${backend.info.version} (${backend.info.model}), ${RUNS} runs after ${WARMUP} warm-up runs; load average ${loadAverage()}`,
    );
  }
  try {
    for (const id of SCENARIOS) {
      const s = builtinScenarios().find((x) => x.id === id)!;
      for (const traced of TRACED ? [false, true] : [false]) {
        const f = await measure(backend, s, traced);
        console.log(JSON_OUT ? JSON.stringify({ label: f.label, perSecond: f.perSecond }) : f.text);
      }
    }
  } finally {
    await backend.close();
  }
}

/** One measuring process in checkout `root`: its figures. */
function measureIn(root: string): Figure[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'harness-latency.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, BENCH_JSON: '1', BENCH_BASELINE: '' },
  });
  if (r.status !== 0) throw new Error(`the bench failed in ${root}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Figure);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** This checkout against revision `rev`, in alternating rounds. */
function compare(rev: string): void {
  const base = mkdtempSync(join(tmpdir(), 'semverify-bench-baseline-'));
  try {
    const archive = execFileSync('git', ['archive', rev], { cwd: ROOT, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', base], { input: archive });
    cpSync(fileURLToPath(import.meta.url), join(base, 'bench', 'harness-latency.ts')); // the same measurement on both sides
    symlinkSync(join(ROOT, 'node_modules'), join(base, 'node_modules'));
    const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: ROOT, encoding: 'utf8' }).trim();
    console.log(
      `harness latency, A = ${rev} (${sha}), B = this checkout: CPython ${PYTHON}, ${ROUNDS} rounds of ${RUNS} runs after ${WARMUP} warm-up runs per scenario and side`,
    );
    const a = new Map<string, number[]>();
    const b = new Map<string, number[]>();
    const add = (m: Map<string, number[]>, fs: Figure[]) => {
      for (const f of fs) m.set(f.label, [...(m.get(f.label) ?? []), f.perSecond]);
    };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
      for (const side of order) add(side === 'A' ? a : b, measureIn(side === 'A' ? base : ROOT));
      console.log(`  round ${round + 1} (${order.join(' then ')}) done; load average ${loadAverage()}`);
    }
    for (const [label, as] of a) {
      const bs = b.get(label) ?? [];
      const ratios = as.map((x, i) => bs[i]! / x);
      const fmt = (xs: readonly number[]) => xs.map((x) => x.toFixed(0)).join(', ');
      console.log(
        `${label.padEnd(36)} A ${median(as).toFixed(0).padStart(5)} runs/s [${fmt(as)}]   B ${median(bs).toFixed(0).padStart(5)} runs/s [${fmt(bs)}]   B/A ${median(ratios).toFixed(2)}x [${ratios.map((x) => x.toFixed(2)).join(', ')}]`,
      );
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (BASELINE) compare(BASELINE);
else await measureHere();
