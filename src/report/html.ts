/**
 * `--html FILE`: one self-contained HTML file (inline CSS, SVG and a few lines of script; no
 * network asset), per scenario: the verdict, a timeline of one completed run over virtual time
 * (src/report/timeline.ts), the census of outcome kinds as a chart, and each minimal
 * counterexample as a step table beside its timeline over scheduler steps: clicking a step moves
 * the timeline's cursor there.
 */
import type { Counterexample, OutcomeReport, ScenarioReport } from '../explore/report-types.ts';
import type { Scenario } from '../scenario/types.ts';
import { verdictLine } from './text.ts';
import { describeDeviation, shortLabel } from './trace-columns.ts';
import { cursorScale, esc, rowsOf, timelineSvg, type Row } from './timeline.ts';

const WIDTH = 760;

/** A run to draw for a scenario whose report carries none (every run clean and no counterexample kept): its default schedule, replayed. */
export interface PictureRun {
  readonly history: Counterexample['history'];
  readonly endTime: number;
  readonly kinds: readonly string[];
}

export function htmlReport(
  reports: readonly ScenarioReport[],
  scenarios: readonly Scenario[],
  version: string,
  extra: ReadonlyMap<string, PictureRun> = new Map(),
): string {
  const body = reports
    .map((r, i) =>
      scenarioSection(
        r,
        scenarios.find((s) => s.id === r.id),
        i,
        extra.get(r.id),
      ),
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>semverify report</title>
<style>${CSS}</style>
</head>
<body>
<h1>semverify ${esc(version)}: ${reports.length} scenario${reports.length === 1 ? '' : 's'}</h1>
<p class="legend"><span class="sw hold"></span> holds a permit <span class="sw wait"></span> waits in acquire() <b class="red">✕</b> error <b class="red">‖ hang</b> waits forever <span class="sw over"></span> more holders than permits</p>
${body}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function scenarioSection(r: ScenarioReport, scenario: Scenario | undefined, index: number, extra: PictureRun | undefined): string {
  const rows: Row[] = scenario !== undefined ? rowsOf(scenario) : [];
  const picked = pickOverview(r.outcomes);
  const overview =
    picked !== undefined
      ? { kind: picked.kind, run: picked.minimal! as PictureRun }
      : extra !== undefined
        ? { kind: extra.kinds[0] ?? 'ok', run: extra }
        : undefined;
  const parts = [
    `<section class="scenario" data-id="${esc(r.id)}">`,
    `<h2>${esc(r.id)} <small>${esc(r.title)}</small></h2>`,
    `<p class="verdict ${r.expectationsMet ? 'met' : 'unmet'}">${r.expectationsMet ? '✓ expectations met' : '✗ expectations NOT met'} · ${esc(verdictLine(r))}</p>`,
    `<p class="meta">backend ${esc(r.backend)}, CPython ${esc(r.version)}${r.impl !== undefined ? ` (${esc(r.impl)})` : ''}, model ${esc(r.model)}, seed ${r.seed}: ${r.runs} runs</p>`,
  ];
  if (overview !== undefined) {
    const m = overview.run;
    const which = picked === undefined ? 'the default schedule' : overview.kind === 'ok' ? 'a clean run' : `the minimal ${esc(overview.kind)} run`;
    parts.push(
      `<h3>A run over virtual time <small>(${which}, ends t=${+m.endTime.toFixed(3)}s)</small></h3>`,
      `<div class="overview">${timelineSvg(rows, m.history, { axis: 'time', end: m.endTime, hung: m.kinds.includes('hang'), width: WIDTH, id: `overview-${index}`, capacities: capacitiesOf(scenario) })}</div>`,
    );
  }
  parts.push('<h3>Outcomes</h3>', censusSvg(r));
  r.outcomes.forEach((o, j) => {
    if (o.kind !== 'ok' && o.minimal !== undefined) parts.push(counterexampleSection(o.kind, o.minimal, rows, `${index}-${j}`, capacitiesOf(scenario)));
  });
  if (r.notes.length > 0) parts.push(`<ul class="notes">${r.notes.map((n) => `<li class="${n.level}">${esc(n.text)}</li>`).join('')}</ul>`);
  parts.push('</section>');
  return parts.join('\n');
}

function capacitiesOf(scenario: Scenario | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(scenario?.semaphores ?? {}).map(([name, d]) => [name, d.value]));
}

/** The scenario's picture: a clean run when there is one, else the first counterexample. */
function pickOverview(outcomes: readonly OutcomeReport[]): OutcomeReport | undefined {
  return outcomes.find((o) => o.kind === 'ok' && o.minimal !== undefined) ?? outcomes.find((o) => o.minimal !== undefined);
}

function censusSvg(r: ScenarioReport): string {
  const rowH = 22;
  const left = 150;
  const plot = 420;
  const max = Math.max(1, ...r.outcomes.map((o) => o.count));
  const h = r.outcomes.length * rowH + 8;
  const bars = r.outcomes.map((o, i) => {
    const y = i * rowH + 4;
    const w = (o.count / max) * plot;
    const wp = (o.primary / max) * plot;
    const colour = o.kind === 'ok' ? '#10b981' : '#ef4444';
    return [
      `<g class="kind" data-kind="${esc(o.kind)}" data-count="${o.count}" data-primary="${o.primary}">`,
      `<text x="4" y="${y + 14}" font-size="12">${esc(o.kind)}</text>`,
      `<rect x="${left}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${colour}" opacity="0.35"><title>${o.count} runs showed ${esc(o.kind)}</title></rect>`,
      `<rect x="${left}" y="${y + 2}" width="${wp.toFixed(1)}" height="${rowH - 6}" fill="${colour}"><title>${o.primary} runs headlined by ${esc(o.kind)}</title></rect>`,
      `<text x="${left + Math.max(w, 0) + 6}" y="${y + 14}" font-size="11" fill="#374151">${o.count} runs (${o.primary} headline)</text>`,
      '</g>',
    ].join('');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="census" width="${WIDTH}" height="${h}" viewBox="0 0 ${WIDTH} ${h}">${bars.join('')}</svg><p class="caption">pale: runs that showed the kind; solid: runs it headlined (their most severe kind).</p>`;
}

function counterexampleSection(kind: string, m: Counterexample, rows: readonly Row[], id: string, capacities: Record<string, number>): string {
  const svgId = `cx-${id}`;
  const end = Math.max(m.steps, ...m.history.map((e) => e.step));
  const scale = cursorScale(end, WIDTH);
  // The steps worth a row: what the code did, and where the schedule deviated; plain points are left out.
  const steps = m.trace.filter((t) => t.what !== 'point' || t.decision !== undefined);
  const table = steps
    .map(
      (t) =>
        `<tr data-step="${t.step}" data-actor="${esc(t.task ?? t.thread)}"><td>${t.step}</td><td>${+t.time.toFixed(3)}s</td><td>${esc(t.task !== null ? `${t.thread}·${t.task}` : t.thread)}</td><td>${esc(t.what === 'point' ? shortLabel(t.label) : t.what)}${t.decision !== undefined ? ` <b>${esc(describeDeviation(t.decision))}</b>` : ''}</td></tr>`,
    )
    .join('');
  return [
    `<div class="counterexample" data-kind="${esc(kind)}">`,
    `<h3>${esc(kind)}: ${m.preemptions} preemption${m.preemptions === 1 ? '' : 's'}, ${m.steps} steps${m.provenMinimal ? ' <small>(proven minimal)</small>' : ''}</h3>`,
    m.explanation !== undefined ? `<p class="why"><b>why:</b> ${esc(m.explanation.text)}</p>` : '',
    `<ul class="violations">${m.violations.map((v) => `<li>step ${v.step} · ${esc(v.property)}: ${esc(v.message)}</li>`).join('')}</ul>`,
    '<div class="pair">',
    `<div class="steps"><table data-for="${svgId}"><thead><tr><th>step</th><th>t</th><th>who</th><th>what</th></tr></thead><tbody>${table}</tbody></table></div>`,
    `<div class="picture" data-left="${scale.left}" data-plot="${scale.plot}" data-span="${scale.span}">${timelineSvg(rows, m.history, { axis: 'step', end, hung: m.kinds.includes('hang'), width: WIDTH, id: svgId, capacities })}</div>`,
    '</div>',
    `<p class="replay">replay: <code>npx semverify replay ${esc(m.replay)}</code></p>`,
    '</div>',
  ].join('\n');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#111827;max-width:1500px}
h1{font-size:20px}h2{font-size:17px;margin-top:32px;border-top:1px solid #e5e7eb;padding-top:16px}h2 small,h3 small{font-weight:normal;color:#6b7280}
h3{font-size:15px;margin:18px 0 6px}.meta,.caption{color:#6b7280;font-size:12px}.verdict.met{color:#047857}.verdict.unmet{color:#b91c1c}
.legend .sw{display:inline-block;width:22px;height:10px;margin:0 4px 0 12px;border:1px solid #3b82f6}.legend .sw.hold{background:#3b82f6}
.legend .sw.wait{background:repeating-linear-gradient(45deg,#fff 0 2px,#3b82f6 2px 4px)}.legend .sw.over{background:#fecaca;border-color:#fecaca}.red{color:#dc2626}
.pair{display:flex;gap:16px;align-items:flex-start}.steps{max-height:420px;overflow:auto;border:1px solid #e5e7eb;min-width:430px}
table{border-collapse:collapse;font:12px ui-monospace,monospace}td,th{padding:2px 6px;text-align:left;white-space:nowrap}
td:last-child{white-space:normal;min-width:260px}tbody tr{cursor:pointer}tbody tr:hover{background:#f3f4f6}tr.selected{background:#fde68a!important}
.violations{color:#b91c1c;font-size:12px}.why{font-size:13px}.replay code{font-size:11px;word-break:break-all}
svg .row.selected rect{stroke-width:2.5}.notes .mismatch{color:#b91c1c}.notes .flag{color:#b45309}
`;

/** Clicking a step row selects it and moves the cursor of the timeline beside it to that step. */
const SCRIPT = `
document.querySelectorAll('.steps tbody tr').forEach(function (tr) {
  tr.addEventListener('click', function () {
    var pair = tr.closest('.pair');
    pair.querySelectorAll('tr.selected').forEach(function (o) { o.classList.remove('selected'); });
    tr.classList.add('selected');
    var pic = pair.querySelector('.picture');
    var x = Number(pic.dataset.left) + Number(tr.dataset.step) / Number(pic.dataset.span) * Number(pic.dataset.plot);
    var cursor = pic.querySelector('line.cursor');
    cursor.setAttribute('x1', x); cursor.setAttribute('x2', x);
    pic.querySelectorAll('g.row').forEach(function (g) { g.classList.toggle('selected', g.dataset.actor === tr.dataset.actor); });
  });
});
`;
