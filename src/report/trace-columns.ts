/**
 * A run's trace as a table with one column per thread, so an interleaving reads top to
 * bottom and the hand-over between threads is visible at a glance:
 *
 *    step  time      │ T0                              │ T1
 *       0  t=0.000s  │ acquired sem · locks.py:Sem...  │
 *     1-6  t=0.000s  │ ×6 locks.py:Semaphore.acquire…  │
 *                    │ ⇢ switch to T1                  │
 *
 * Runs of plain points ("point") of one thread at one instant collapse into one row with a
 * step range; the deviations the schedule took get a marker row of their own, because they
 * are what the reader is looking for. Every row fills exactly one cell, so a long cell runs
 * on over the empty cells to its right; what is still too long for the line wraps onto
 * continuation lines under its cell, so no label or message is ever cut.
 * Pure: returns lines, no colour unless `mark` adds it.
 */
import { isSemaphoreState } from '../contract/run-result.ts';
import type { TraceEntry } from '../contract/run-result.ts';
import type { Deviation } from '../contract/schedule.ts';

export interface ColumnOptions {
  /** Total line width to fit; cells are truncated with "…". Default 120. */
  readonly width?: number;
  /** Column order (the scenario's thread order); threads not listed follow in order of appearance. */
  readonly threads?: readonly string[];
  /** Styles a deviation marker cell (already padded); identity by default. */
  readonly mark?: (cell: string) => string;
  /** Styles the step/time column; identity by default. */
  readonly dim?: (text: string) => string;
  /** Rows shown at most: a longer trace keeps its first and last rows around one elision line. Default 400. */
  readonly maxRows?: number;
}

/** Largest value of f over xs, at least `floor`; a loop, since spreading a huge array overflows the stack. */
function widest<T>(xs: readonly T[], f: (x: T) => number, floor: number): number {
  let m = floor;
  for (const x of xs) m = Math.max(m, f(x));
  return m;
}

const DEFAULT_WIDTH = 120;
const MIN_CELL = 10;
const SEP = ' │ ';
/** Trace `what` texts that say nothing beyond "a scheduling point was passed". */
const QUIET_WHAT = new Set(['', 'point']);

/** `asyncio/locks.py:Semaphore.acquire:373` → `locks.py:Semaphore.acquire:373`: the directory never disambiguates. */
export function shortLabel(label: string): string {
  const colon = label.indexOf(':');
  const file = colon === -1 ? label : label.slice(0, colon);
  const slash = file.lastIndexOf('/');
  return slash === -1 ? label : label.slice(slash + 1);
}

/** A deviation in words, as marked in traces and listed with schedules. */
export function describeDeviation(d: Deviation): string {
  switch (d.kind) {
    case 'switch':
      return d.to !== undefined ? `⇢ switch to ${d.to}` : '⇢ switch';
    case 'delay':
      return '⇢ delay until the clock advances';
    case 'cancel':
      return `⇢ cancel ${d.task}`;
    case 'wake':
      return `⇢ wake ${d.waiter}`;
    case 'tie':
      return `⇢ timers in order ${d.order.join(',')}`;
  }
}

export function formatTime(seconds: number): string {
  return `t=${seconds.toFixed(3)}s`;
}

interface Row {
  /** Step text: "12", "12-18", or "" for a marker row. */
  readonly step: string;
  readonly time: string;
  readonly thread: string;
  readonly text: string;
  readonly marker: boolean;
}

function isQuiet(e: TraceEntry): boolean {
  return QUIET_WHAT.has(e.what) && e.decision === undefined;
}

/** Source locations contain ':'; bare tags such as "event" or "note" add nothing to `what`. */
function isLocation(label: string): boolean {
  return label.includes(':');
}

function cellText(e: TraceEntry): string {
  const label = shortLabel(e.label);
  if (QUIET_WHAT.has(e.what)) return label;
  return isLocation(e.label) ? `${e.what} · ${label}` : e.what;
}

/** Group the trace into rows: quiet stretches of one thread at one instant become one row. */
function toRows(trace: readonly TraceEntry[]): Row[] {
  const rows: Row[] = [];
  let i = 0;
  while (i < trace.length) {
    const first = trace[i]!;
    let j = i;
    if (isQuiet(first)) {
      while (j + 1 < trace.length && isQuiet(trace[j + 1]!) && trace[j + 1]!.thread === first.thread && trace[j + 1]!.time === first.time) j++;
    }
    const last = trace[j]!;
    const count = j - i + 1;
    rows.push({
      step: count === 1 ? String(first.step) : `${first.step}-${last.step}`,
      time: formatTime(first.time),
      thread: first.thread,
      text: (count === 1 ? cellText(first) : `×${count} ${shortLabel(last.label)}`) + touched(trace.slice(i, j + 1)),
      marker: false,
    });
    if (last.decision !== undefined) {
      rows.push({ step: '', time: '', thread: last.thread, text: describeDeviation(last.decision), marker: true });
    }
    i = j + 1;
  }
  return rows;
}

/**
 * What the rows' steps read and wrote of the semaphores ("  r sem._value w sem._value"), so a trace
 * shows where threads collide. The loop plumbing every step touches (futures, loop queues, the
 * clock, the history) would drown it: it stays in --json.
 */
function touched(entries: readonly TraceEntry[]): string {
  const reads = new Set(entries.flatMap((e) => e.reads ?? []).filter(isSemaphoreState));
  const writes = new Set(entries.flatMap((e) => e.writes ?? []).filter(isSemaphoreState));
  if (reads.size === 0 && writes.size === 0) return '';
  return `  ${reads.size ? `r ${[...reads].join(',')}` : ''}${reads.size && writes.size ? ' ' : ''}${writes.size ? `w ${[...writes].join(',')}` : ''}`;
}

function fit(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text + ' '.repeat(width - chars.length);
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

function columnOrder(trace: readonly TraceEntry[], preferred: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const e of trace) seen.add(e.thread);
  const order = preferred.filter((t) => seen.has(t));
  for (const t of seen) if (!order.includes(t)) order.push(t);
  return order;
}

export function renderTraceColumns(trace: readonly TraceEntry[], opts: ColumnOptions = {}): string[] {
  if (trace.length === 0) return ['(empty trace)'];
  const mark = opts.mark ?? ((s: string) => s);
  const dim = opts.dim ?? ((s: string) => s);
  const allRows = toRows(trace);
  const maxRows = opts.maxRows ?? 400;
  const half = Math.floor(maxRows / 2);
  const elided = allRows.length > maxRows ? allRows.length - 2 * half : 0;
  const rows = elided > 0 ? [...allRows.slice(0, half), ...allRows.slice(allRows.length - half)] : allRows;
  const threads = columnOrder(trace, opts.threads ?? []);

  const stepWidth = widest(rows, (r) => r.step.length, 4);
  const timeWidth = widest(rows, (r) => r.time.length, 4);
  const leftWidth = stepWidth + 2 + timeWidth;
  const available = (opts.width ?? DEFAULT_WIDTH) - leftWidth - threads.length * SEP.length;
  const needed = Math.max(
    widest(threads, (t) => t.length, 0),
    widest(rows, (r) => [...r.text].length, 0),
  );
  const cellWidth = Math.max(MIN_CELL, Math.min(needed, Math.floor(available / threads.length)));

  // Empty cells after the last filled one are left out, so rows do not trail separators.
  const line = (left: string, cells: readonly string[]): string => {
    let n = cells.length;
    while (n > 0 && cells[n - 1]!.trim() === '') n--;
    return (
      left +
      cells
        .slice(0, n)
        .map((c) => SEP + c)
        .join('')
    ).trimEnd();
  };
  const blank = ' '.repeat(cellWidth);
  const out: string[] = [];
  out.push(
    line(
      dim(`${'step'.padStart(stepWidth)}  ${'time'.padEnd(timeWidth)}`),
      threads.map((t) => fit(t, cellWidth)),
    ),
  );
  out.push('─'.repeat(leftWidth) + threads.map(() => `─┼─${'─'.repeat(cellWidth)}`).join(''));
  rows.forEach((r, i) => {
    if (elided > 0 && i === half) out.push(dim(`${'…'.padStart(stepWidth)}  ${elided} rows not shown (the JSON output has the whole trace)`));
    const left = dim(`${r.step.padStart(stepWidth)}  ${r.time.padEnd(timeWidth)}`);
    // Each row fills one cell, and the cells to its right are empty: its text may run on
    // over them rather than be cut at the column edge.
    const k = threads.indexOf(r.thread);
    const room = cellWidth + (threads.length - 1 - k) * (SEP.length + cellWidth);
    const pieces = wrap(r.text, room);
    pieces.forEach((piece, n) => {
      const cells = threads.slice(0, k + 1).map((t) => {
        if (t !== r.thread) return blank;
        const cell = fit(piece, Math.min(room, Math.max(cellWidth, [...piece].length)));
        return r.marker ? mark(cell) : cell;
      });
      out.push(line(n === 0 ? left : ' '.repeat(leftWidth), cells));
    });
  });
  return out;
}

/** `text` in lines of at most `width` characters, broken after spaces or commas where possible. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const chars = [...text];
  const out: string[] = [];
  let start = 0;
  while (chars.length - start > w) {
    let cut = -1;
    for (let i = start + w; i > start; i--) {
      if (chars[i - 1] === ' ' || chars[i - 1] === ',') {
        cut = i;
        break;
      }
    }
    // No break inside the width: a hard break (a long label or token).
    if (cut === -1) cut = start + w;
    out.push(chars.slice(start, cut).join('').trimEnd());
    start = cut;
    while (chars[start] === ' ') start++;
  }
  out.push(chars.slice(start).join(''));
  return out;
}
