/**
 * Measuring on a shared, loaded machine. Other processes take the cores for seconds at a time, so
 * two loops run one after the other can see different machines: a ratio of A to B is only
 * trustworthy when A and B alternate in short chunks (A, B, A, B, ...), each pair sees about the
 * same load, and the figure is the median of the per-pair ratios with its spread. Nothing here is
 * ever asserted: speed is not a pass/fail test.
 */
import { loadavg } from 'node:os';

/** A figure over repeats: its median and how far the repeats spread. */
export interface Spread {
  readonly median: number;
  /** Quartiles (linear interpolation); with fewer than 4 samples they say little: see min/max. */
  readonly q1: number;
  readonly q3: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
  readonly samples: readonly number[];
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function spread(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: round(quantile(sorted, 0.5)),
    q1: round(quantile(sorted, 0.25)),
    q3: round(quantile(sorted, 0.75)),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted.at(-1) ?? Number.NaN),
    n: sorted.length,
    samples: samples.map(round),
  };
}

/** Four significant digits are more than any figure here is worth; keeps the JSON readable. */
function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

/** One timed chunk: how much work it did, and the wall and CPU seconds (this process, all its threads) it took. */
export interface Chunk {
  readonly work: number;
  readonly wallS: number;
  readonly cpuS: number;
}

export async function timed(body: () => Promise<number>): Promise<Chunk> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now(); // wall-clock: bench only
  const work = await body();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { work, wallS, cpuS: (cpu.user + cpu.system) / 1e6 };
}

export const perWallS = (c: Chunk): number => c.work / c.wallS;
export const perCpuS = (c: Chunk): number => c.work / c.cpuS;

export interface Pairs {
  readonly a: readonly Chunk[];
  readonly b: readonly Chunk[];
}

/**
 * `warmup` discarded pairs, then `pairs` measured ones, A then B each time. `i` is the pair's
 * index (warm-up pairs count from -warmup), for bodies that give every pair its own work.
 */
export async function interleave(
  warmup: number,
  pairs: number,
  a: (i: number) => Promise<Chunk>,
  b: (i: number) => Promise<Chunk>,
  onPair?: (done: number, of: number) => void,
): Promise<Pairs> {
  for (let i = -warmup; i < 0; i++) {
    await a(i);
    await b(i);
  }
  const as: Chunk[] = [];
  const bs: Chunk[] = [];
  for (let i = 0; i < pairs; i++) {
    as.push(await a(i));
    bs.push(await b(i));
    onPair?.(i + 1, pairs);
  }
  return { a: as, b: bs };
}

/** Per pair: f(a_i, b_i). */
export function pairRatios(p: Pairs, f: (a: Chunk, b: Chunk) => number): Spread {
  return spread(p.a.map((a, i) => f(a, p.b[i]!)));
}

/** The 1, 5 and 15 minute load averages, rounded. */
export function load(): readonly number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

/** A figure's load at its start and end: how busy the machine was while it was measured. */
export interface Loads {
  readonly start: readonly number[];
  readonly end: readonly number[];
}

export async function withLoad<T>(body: () => Promise<T>): Promise<T & { readonly load: Loads }> {
  const start = load();
  const result = await body();
  return { ...result, load: { start, end: load() } };
}

export function showLoad(l: Loads): string {
  return `load ${l.start.join(' ')} -> ${l.end.join(' ')}`;
}

/** Progress goes to stderr: stdout carries only the table, or only the JSON. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

export function num(x: number, digits = 0): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "7,812 (IQR 7,500–8,000; min–max 7,000–8,200; n=15)": the median first, then its spread. */
export function show(s: Spread, digits = 0, unit = ''): string {
  const u = unit === '' ? '' : ` ${unit}`;
  const f = (x: number) => num(x, digits);
  if (s.n === 0) return 'not measured';
  if (s.n === 1) return `${f(s.median)}${u} (1 sample: no spread)`;
  const iqr = s.n >= 4 ? `IQR ${f(s.q1)}–${f(s.q3)}; ` : '';
  return `${f(s.median)}${u} (${iqr}min–max ${f(s.min)}–${f(s.max)}; n=${s.n})`;
}

/** A ratio: "1.52x (IQR ...)". */
export function showRatio(s: Spread): string {
  return show(s, 2, '').replace(/^([\d.,]+)/, '$1x');
}
