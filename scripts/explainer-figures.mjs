#!/usr/bin/env node
// Draws the figures of docs/asyncio-vs-threading.md from real runs (the simulated CPython 3.11
// and 3.9 ports, seed 1) with the same renderer as --html: `npm run build && node scripts/explainer-figures.mjs`.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { check, loadScenario, replay } = await import(join(root, 'dist', 'src', 'api', 'index.js'));
const { rowsOf, timelineSvg } = await import(join(root, 'dist', 'src', 'report', 'timeline.js'));

const figures = [
  ['asyncio-4-tasks', 'ok', 'fig-asyncio-4-tasks.svg'],
  ['asyncio-per-thread', 'ok', 'fig-asyncio-per-thread.svg'],
  ['threading-shared', 'ok', 'fig-threading-shared.svg'],
  ['asyncio-shared-3-threads', 'over-admission', 'fig-shared-over-admission.svg'],
  ['asyncio-shared-3-threads', 'hang', 'fig-shared-hang.svg'],
  ['asyncio-shared-3-threads', 'wrong-loop', 'fig-shared-wrong-loop.svg'],
];
for (const [id, kind, file] of figures) {
  const scenario = loadScenario(id);
  const doc = await check(id, { confirm: false, config: false, runs: 2000 });
  const o = doc.scenarios[0].outcomes.find((x) => x.kind === kind);
  // A clean scenario keeps no run: its default schedule is the picture.
  const token = o?.minimal?.replay;
  const run = token !== undefined ? (await replay(token, { config: false })).replay : undefined;
  const history = run?.history ?? (await defaultRun(scenario));
  const end = run?.endTime ?? Math.max(...history.map((e) => e.time));
  const capacities = Object.fromEntries(Object.entries(scenario.semaphores).map(([n, d]) => [n, d.value]));
  const svg = timelineSvg(rowsOf(scenario), history, { axis: 'time', end, hung: run?.status === 'hang', capacities, id: file.replace('.svg', '') });
  writeFileSync(join(root, 'docs', 'img', file), `${svg}\n`);
  console.log(`docs/img/${file}: ${id}, ${kind}${o ? ` (${o.count} of ${doc.scenarios[0].runs} runs)` : ''}`);
}

async function defaultRun(scenario) {
  const { encodeToken } = await import(join(root, 'dist', 'src', 'explore', 'token.js'));
  const r = await replay(encodeToken({ backend: 'sim', model: 'gil', scenario, schedule: [] }), { config: false });
  return r.replay.history;
}
