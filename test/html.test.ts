/**
 * `--html FILE` rendered in a real headless Chromium (Debian's, driven by playwright-core; no
 * browser download): the SVG timelines have one row per task and the bars the run had, marks
 * where runs erred or hung, a census chart, and clicking a counterexample's step moves its
 * timeline's cursor. One check run, one browser session for the file. Skipped, with the reason
 * printed, where /usr/bin/chromium is missing (.ci/run installs it).
 * UPDATE_SCREENSHOT=1 rewrites docs/html-report.png, the picture the README shows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) console.log(`[html] ${CHROMIUM} not installed (apt-get install -y chromium): browser tests skipped`);

interface TraceRow {
  step: number;
  thread: string;
  task: string | null;
  what: string;
}
interface Doc {
  scenarios: { id: string; outcomes: { kind: string; minimal: { trace: TraceRow[]; steps: number } | null }[] }[];
}

const dir = mkdtempSync(join(tmpdir(), 'semverify-html-'));
let browser: Browser | undefined;
let page: Page;
let doc: Doc;
let html = '';

beforeAll(async () => {
  if (!present) return;
  const file = join(dir, 'report.html');
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin', 'semverify.js'),
      'check',
      'asyncio-4-tasks',
      'asyncio-shared-3-threads',
      '--runs',
      '400',
      '--no-confirm',
      '--no-progress',
      '--json',
      '--html',
      file,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  doc = JSON.parse(r.stdout) as Doc;
  html = readFileSync(file, 'utf8');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // Any request beyond the file itself would be a network asset: count them.
  const requests: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(pathToFileURL(file).href);
  expect(requests).toEqual([pathToFileURL(file).href]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The bars of one timeline as the browser laid them out. */
async function bars(svg: string) {
  return page.$$eval(`${svg} rect.hold, ${svg} rect.wait`, (rects) =>
    rects.map((r) => ({
      actor: (r.closest('g.row') as SVGGElement).dataset.actor,
      kind: r.getAttribute('class')!.split(' ')[0],
      from: Number(r.getAttribute('data-from')),
      to: Number(r.getAttribute('data-to')),
      x: (r as SVGRectElement).getBBox().x,
      width: (r as SVGRectElement).getBBox().width,
    })),
  );
}

describe.skipIf(!present)('the HTML report in headless Chromium', () => {
  it('is one self-contained file: no script, style or image from elsewhere', () => {
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
  });

  it("asyncio-4-tasks: one row per task, and the seed's picture: A and B hold 0-1 s, C and D wait, then hold 1-2 s", async () => {
    const svg = 'section[data-id="asyncio-4-tasks"] svg.timeline';
    expect(await page.$$eval(`${svg} g.row`, (gs) => gs.map((g) => (g as SVGGElement).dataset.actor))).toEqual(['A', 'B', 'C', 'D']);
    const got = await bars(svg);
    const plain = got.map(({ actor, kind, from, to }) => ({ actor, kind, from, to }));
    expect(plain.sort((a, b) => `${a.actor}${a.kind}`.localeCompare(`${b.actor}${b.kind}`))).toEqual([
      { actor: 'A', kind: 'hold', from: 0, to: 1 },
      { actor: 'B', kind: 'hold', from: 0, to: 1 },
      { actor: 'C', kind: 'hold', from: 1, to: 2 },
      { actor: 'C', kind: 'wait', from: 0, to: 1 },
      { actor: 'D', kind: 'hold', from: 1, to: 2 },
      { actor: 'D', kind: 'wait', from: 0, to: 1 },
    ]);
    // Laid out to scale: every 1-second bar equally wide, a later one starting where an earlier one ends.
    const widths = got.map((b) => b.width);
    expect(Math.max(...widths) - Math.min(...widths)).toBeLessThan(1);
    const a = got.find((b) => b.actor === 'A')!;
    const c = got.find((b) => b.actor === 'C' && b.kind === 'hold')!;
    expect(Math.abs(a.x + a.width - c.x)).toBeLessThan(1);
    // Waits are hatched, holds solid.
    const fills = await page.$$eval(`${svg} rect.wait`, (rs) => rs.map((r) => r.getAttribute('fill')));
    expect(fills.every((f) => f?.startsWith('url(#hatch-'))).toBe(true);
  });

  it("asyncio-shared-3-threads: each counterexample's timeline has the bars its trace shows, and its hang or error marked", async () => {
    const s = doc.scenarios.find((x) => x.id === 'asyncio-shared-3-threads')!;
    const shown = s.outcomes.filter((o) => o.kind !== 'ok' && o.minimal !== null);
    expect(shown.map((o) => o.kind)).toEqual(expect.arrayContaining(['over-admission', 'hang', 'wrong-loop']));
    for (const o of shown) {
      const svg = `section[data-id="asyncio-shared-3-threads"] .counterexample[data-kind="${o.kind}"] svg.timeline`;
      expect(await page.$$eval(`${svg} g.row`, (gs) => gs.map((g) => (g as SVGGElement).dataset.actor))).toEqual(['T0-use', 'T1-use', 'T2-use']);
      // Holds read independently off the trace: from each `acquired` to the same task's `release`.
      const expected: { actor: string; from: number; to: number }[] = [];
      const open = new Map<string, number>();
      for (const t of o.minimal!.trace) {
        const who = t.task ?? t.thread;
        if (/^acquired /.test(t.what)) open.set(who, t.step);
        if (/^release /.test(t.what) && open.has(who)) {
          expected.push({ actor: who, from: open.get(who)!, to: t.step });
          open.delete(who);
        }
      }
      const holds = (await bars(svg)).filter((b) => b.kind === 'hold' && !Number.isNaN(b.to));
      const closed = holds.filter((h) => expected.some((e) => e.actor === h.actor && e.from === h.from)).map(({ actor, from, to }) => ({ actor, from, to }));
      expect(closed.sort((a, b) => a.from - b.from)).toEqual(expected.sort((a, b) => a.from - b.from));
    }
    const marks = async (kind: string, mark: string) =>
      page.$$eval(`section[data-id="asyncio-shared-3-threads"] .counterexample[data-kind="${kind}"] g.mark.${mark}`, (ms) => ms.length);
    expect(await marks('hang', 'hang')).toBeGreaterThan(0);
    expect(await marks('wrong-loop', 'error')).toBeGreaterThan(0);
    expect(
      await page.$$eval('section[data-id="asyncio-shared-3-threads"] .counterexample[data-kind="over-admission"] rect.over-admission', (r) => r.length),
    ).toBeGreaterThan(0);
  });

  it('the census chart has one bar per outcome kind with its count', async () => {
    const s = doc.scenarios.find((x) => x.id === 'asyncio-shared-3-threads')!;
    const chart = await page.$$eval('section[data-id="asyncio-shared-3-threads"] svg.census g.kind', (gs) =>
      gs.map((g) => [(g as SVGGElement).dataset.kind, Number((g as SVGGElement).dataset.count)]),
    );
    expect(chart).toEqual(s.outcomes.map((o) => [o.kind, (o as unknown as { count: number }).count]));
  });

  it("clicking a step selects it and moves its timeline's cursor to that step", async () => {
    const box = 'section[data-id="asyncio-shared-3-threads"] .counterexample[data-kind="over-admission"]';
    const row = page.locator(`${box} tbody tr`).nth(3);
    const step = Number(await row.getAttribute('data-step'));
    await row.click();
    expect(await row.getAttribute('class')).toBe('selected');
    const { cursor, left, plot, span } = await page.$eval(`${box} .picture`, (p) => ({
      cursor: Number(p.querySelector('line.cursor')!.getAttribute('x1')),
      left: Number((p as HTMLElement).dataset.left),
      plot: Number((p as HTMLElement).dataset.plot),
      span: Number((p as HTMLElement).dataset.span),
    }));
    expect(cursor).toBeCloseTo(left + (step / span) * plot, 3);
    const selected = await page.$$eval(`${box} g.row.selected`, (gs) => gs.map((g) => (g as SVGGElement).dataset.actor));
    expect(selected).toEqual([await row.getAttribute('data-actor')]);
  });

  it('takes a screenshot (UPDATE_SCREENSHOT=1 writes docs/html-report.png)', async () => {
    // The seed's 4 tasks, then the shared-semaphore scenario's overview, census and first counterexample.
    const png = await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: 1400, height: 1700 } });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    if (process.env.UPDATE_SCREENSHOT === '1') writeFileSync(join(ROOT, 'docs', 'html-report.png'), png);
  });
});
