/**
 * A run as a picture (the seed's timelines, drawn from a real run): one row per task (a plain
 * thread's tasks run one after another and share its row), a bar for each stretch it held a
 * semaphore, a hatched bar for each wait inside acquire(), a red cross at an error, and a wait
 * that never ended (a hang) drawn to the end of the run and marked. The x axis is virtual time
 * for a scenario's overview, or scheduler steps for a counterexample, whose races happen within
 * one instant. Pure SVG text with data- attributes that test/html.test.ts reads back in a browser.
 */
import { semaphoreEvents, type HistoryEvent, type SemaphoreEvent } from '../contract/events.ts';
import type { Scenario } from '../scenario/types.ts';

export interface TimelineOptions {
  readonly axis: 'time' | 'step';
  /** Where the run ended on that axis (virtual seconds, or the last step). */
  readonly end: number;
  /** The run could not finish: waits still open at the end are hangs. */
  readonly hung: boolean;
  readonly width?: number;
  /** An id for the SVG, so a step table can move its cursor. */
  readonly id?: string;
  /** Permits of each declared semaphore: stretches with more holders are shaded as over-admission. */
  readonly capacities?: Readonly<Record<string, number>>;
}

export interface Row {
  readonly actor: string;
  readonly label: string;
}

export interface Bar {
  readonly actor: string;
  readonly sem: string;
  readonly kind: 'hold' | 'wait';
  readonly from: number;
  readonly to: number;
  /** A wait still open when the run ended. */
  readonly open: boolean;
}

export interface Mark {
  readonly actor: string;
  readonly kind: 'error' | 'cancelled' | 'hang';
  readonly at: number;
  readonly text: string;
}

/** The rows of a scenario's timeline: each asyncio task, each plain thread. */
export function rowsOf(scenario: Pick<Scenario, 'threads'>): Row[] {
  return scenario.threads.flatMap((t) =>
    t.loop
      ? t.tasks.map((k) => ({ actor: k.name, label: `${t.name} · ${k.name}` }))
      : [{ actor: t.name, label: `${t.name} (${t.tasks.map((k) => k.name).join(', ')})` }],
  );
}

const actor = (e: HistoryEvent) => e.task ?? e.thread;

/** Holding and waiting stretches, and marks, read off a history. */
export function barsOf(history: readonly HistoryEvent[], opts: Pick<TimelineOptions, 'axis' | 'end' | 'hung'>): { bars: Bar[]; marks: Mark[] } {
  const x = (e: HistoryEvent) => (opts.axis === 'time' ? e.time : e.step);
  const bars: Bar[] = [];
  const marks: Mark[] = [];
  const waitingSince = new Map<string, number>();
  const holdingSince = new Map<string, number[]>();
  const key = (e: SemaphoreEvent) => `${actor(e)}\u0000${e.sem}`;
  // A semaphore's events make the bars; the scenario's own (record, spawn) have no semaphore to draw.
  for (const e of semaphoreEvents(history)) {
    const k = key(e);
    switch (e.kind) {
      case 'acquire':
        waitingSince.set(k, x(e));
        break;
      case 'acquired': {
        const since = waitingSince.get(k);
        waitingSince.delete(k);
        if (since !== undefined && x(e) > since) bars.push({ actor: actor(e), sem: e.sem, kind: 'wait', from: since, to: x(e), open: false });
        holdingSince.set(k, [...(holdingSince.get(k) ?? []), x(e)]);
        break;
      }
      case 'release': {
        const stack = holdingSince.get(k) ?? [];
        const since = stack.pop();
        if (since !== undefined) bars.push({ actor: actor(e), sem: e.sem, kind: 'hold', from: since, to: x(e), open: false });
        break;
      }
      case 'cancelled':
      case 'error': {
        const since = waitingSince.get(k);
        waitingSince.delete(k);
        if (since !== undefined && x(e) > since) bars.push({ actor: actor(e), sem: e.sem, kind: 'wait', from: since, to: x(e), open: false });
        const text = e.kind === 'error' ? `${e.error?.type ?? 'error'}: ${e.error?.message ?? ''}` : 'CancelledError';
        marks.push({ actor: actor(e), kind: e.kind, at: x(e), text });
        break;
      }
      default:
        break;
    }
  }
  // Whatever is still open at the end: held to the end, or (for waits) a hang when the run did not finish.
  for (const [k, stack] of holdingSince) {
    const [a, sem] = k.split('\u0000') as [string, string];
    for (const since of stack) bars.push({ actor: a, sem, kind: 'hold', from: since, to: opts.end, open: true });
  }
  for (const [k, since] of waitingSince) {
    const [a, sem] = k.split('\u0000') as [string, string];
    bars.push({ actor: a, sem, kind: 'wait', from: since, to: opts.end, open: true });
    if (opts.hung) marks.push({ actor: a, kind: 'hang', at: opts.end, text: `waits for ${sem} forever` });
  }
  return { bars, marks };
}

const PALETTE = ['#3b82f6', '#10b981', '#f59e0b', '#8b5cf6', '#ec4899', '#14b8a6'];
const LABEL_W = 150;
const ROW_H = 26;
const TOP = 22;
const RIGHT = 70;

/** The semaphore's base name (`sem@T1` is thread T1's instance of `sem`): one colour per declared semaphore. */
function base(sem: string): string {
  return sem.split('@')[0]!;
}

export function timelineSvg(rows: readonly Row[], history: readonly HistoryEvent[], opts: TimelineOptions): string {
  const width = opts.width ?? 760;
  const { bars, marks } = barsOf(history, opts);
  // Actors the declaration does not name (a --target run's extra threads) still get a row.
  const all = [
    ...rows,
    ...[...new Set([...bars, ...marks].map((b) => b.actor))].filter((a) => !rows.some((r) => r.actor === a)).map((a) => ({ actor: a, label: a })),
  ];
  const { plot, span } = cursorScale(opts.end, width);
  const sx = (v: number) => LABEL_W + (v / span) * plot;
  const height = TOP + all.length * ROW_H + 24;
  const sems = [...new Set(semaphoreEvents(history).map((e) => base(e.sem)))].sort();
  const colour = (sem: string) => PALETTE[sems.indexOf(base(sem)) % PALETTE.length]!;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" data-axis="${opts.axis}" data-end="${opts.end}" data-rows="${all.length}"${opts.id !== undefined ? ` id="${esc(opts.id)}"` : ''} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    '<defs>',
    ...sems.map(
      (s) =>
        `<pattern id="hatch-${esc(s)}-${esc(opts.id ?? 'x')}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="${colour(s)}" stroke-width="3"/></pattern>`,
    ),
    '</defs>',
  ];
  // Axis: ticks at round numbers of seconds or steps.
  const step = niceStep(span);
  for (let t = 0; t <= span + 1e-9; t += step) {
    const label = opts.axis === 'time' ? `${+t.toFixed(3)}s` : `${Math.round(t)}`;
    out.push(
      `<line class="tick" x1="${sx(t).toFixed(1)}" y1="${TOP - 4}" x2="${sx(t).toFixed(1)}" y2="${height - 20}" stroke="#e5e7eb"/>`,
      `<text x="${sx(t).toFixed(1)}" y="${TOP - 8}" font-size="10" text-anchor="middle" fill="#6b7280">${label}</text>`,
    );
  }
  out.push(
    `<text x="${LABEL_W + plot}" y="${height - 6}" font-size="10" text-anchor="end" fill="#6b7280">${opts.axis === 'time' ? 'virtual time' : 'scheduler step'}</text>`,
  );
  for (const [from, to] of overAdmitted(bars, opts.capacities ?? {})) {
    out.push(
      `<rect class="over-admission" data-from="${from}" data-to="${to}" x="${sx(from).toFixed(1)}" y="${TOP - 4}" width="${Math.max(3, sx(to) - sx(from)).toFixed(1)}" height="${all.length * ROW_H + 4}" fill="#fecaca"><title>more holders than permits</title></rect>`,
    );
  }
  all.forEach((row, i) => {
    const y = TOP + i * ROW_H;
    out.push(`<g class="row" data-actor="${esc(row.actor)}" transform="translate(0 ${y})">`);
    out.push(`<text x="4" y="${ROW_H / 2 + 4}" font-size="12" fill="#111827">${esc(row.label)}</text>`);
    for (const b of bars.filter((b) => b.actor === row.actor)) {
      const x0 = sx(b.from);
      // A hold within one instant still shows, as a sliver.
      const w = Math.max(3, sx(b.to) - x0);
      const fill = b.kind === 'hold' ? colour(b.sem) : `url(#hatch-${esc(base(b.sem))}-${esc(opts.id ?? 'x')})`;
      out.push(
        `<rect class="${b.kind}${b.open ? ' open' : ''}" data-sem="${esc(b.sem)}" data-from="${b.from}" data-to="${b.to}" x="${x0.toFixed(1)}" y="5" width="${w.toFixed(1)}" height="${ROW_H - 10}" rx="2" fill="${fill}" stroke="${b.kind === 'hold' ? '#fff' : colour(b.sem)}"><title>${esc(`${row.label}: ${b.kind === 'hold' ? 'holds' : 'waits for'} ${b.sem} ${range(b, opts.axis)}`)}</title></rect>`,
      );
    }
    for (const m of marks.filter((m) => m.actor === row.actor)) {
      const x0 = sx(m.at);
      const glyph = m.kind === 'hang' ? '‖ hang' : m.kind === 'error' ? '✕' : '⊘';
      const fill = m.kind === 'cancelled' ? '#6b7280' : '#dc2626';
      out.push(
        `<g class="mark ${m.kind}" data-at="${m.at}"><text x="${(x0 + 3).toFixed(1)}" y="${ROW_H / 2 + 4}" font-size="12" font-weight="bold" fill="${fill}">${glyph}</text><title>${esc(m.text)}</title></g>`,
      );
    }
    out.push('</g>');
  });
  out.push(`<line class="cursor" x1="-10" y1="${TOP - 4}" x2="-10" y2="${height - 20}" stroke="#111827" stroke-width="1.5" stroke-dasharray="3 2"/>`);
  out.push('</svg>');
  return out.join('\n');
}

/** Stretches where some semaphore has more holders than its permits. */
function overAdmitted(bars: readonly Bar[], capacities: Readonly<Record<string, number>>): [number, number][] {
  const out: [number, number][] = [];
  const holds = bars.filter((b) => b.kind === 'hold');
  for (const sem of new Set(holds.map((b) => b.sem))) {
    const cap = capacities[base(sem)];
    if (cap === undefined) continue;
    const mine = holds.filter((b) => b.sem === sem);
    const points = [...new Set(mine.flatMap((b) => [b.from, b.to]))].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i]!, points[i + 1]!];
      if (mine.filter((h) => h.from <= a && h.to >= b).length > cap) out.push([a, b]);
    }
  }
  return out;
}

/** Where the cursor goes for a value on the axis (the step table's script needs the same scale). */
export function cursorScale(end: number, width = 760): { readonly left: number; readonly plot: number; readonly span: number } {
  // The right margin leaves room for a mark at the very end (a hang).
  return { left: LABEL_W, plot: width - LABEL_W - RIGHT, span: end > 0 ? end : 1 };
}

function range(b: Bar, axis: 'time' | 'step'): string {
  const f = (v: number) => (axis === 'time' ? `${+v.toFixed(3)}s` : `step ${v}`);
  return `from ${f(b.from)} to ${b.open ? 'the end' : f(b.to)}`;
}

function niceStep(span: number): number {
  const raw = span / 8;
  const pow = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? pow * 10;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
