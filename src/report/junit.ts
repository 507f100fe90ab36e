/**
 * `--reporter junit FILE`: one <testsuite> per scenario, one <testcase> per property (skipped
 * where it does not apply), plus one `expectations` testcase for what no property carries
 * (reachable kinds, makespan, budget notes), so that a CI's test view is red exactly when the
 * exit code is. The shape is the common JUnit XML one (test/fixtures/junit.xsd checks it).
 */
import type { PropertyReport, ScenarioReport } from '../explore/report-types.ts';

export function junitReport(reports: readonly ScenarioReport[], version: string): string {
  const suites = reports.map(suite);
  const tests = suites.reduce((n, s) => n + s.tests, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  const time = reports.reduce((t, r) => t + r.seconds, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="semverify ${esc(version)}" tests="${tests}" failures="${failures}" errors="0" time="${seconds(time)}">`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

interface Suite {
  readonly tests: number;
  readonly failures: number;
  readonly lines: string[];
}

function suite(r: ScenarioReport): Suite {
  const cases = r.properties.map((p) => propertyCase(r, p));
  const unmet = r.notes.filter((n) => n.level === 'mismatch');
  cases.push({
    name: 'expectations',
    failure: unmet.length === 0 ? undefined : { message: unmet[0]!.text, body: unmet.map((n) => n.text).join('\n') },
    skipped: false,
  });
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const classname = `semverify.${r.id}`;
  const lines = [
    `  <testsuite name="${esc(r.id)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(r.seconds)}">`,
    '    <properties>',
    ...[
      ['backend', r.backend],
      ['version', r.version],
      ['model', r.model],
      ['seed', String(r.seed)],
      ['runs', String(r.runs)],
    ].map(([k, v]) => `      <property name="${k}" value="${esc(v!)}"/>`),
    '    </properties>',
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${esc(classname)}" name="${esc(c.name)}" time="0"`;
    if (c.skipped) lines.push(`${open}>`, '      <skipped message="does not apply to this scenario"/>', '    </testcase>');
    else if (c.failure === undefined) lines.push(`${open}/>`);
    else lines.push(`${open}>`, `      <failure message="${esc(c.failure.message)}" type="semverify">${esc(c.failure.body)}</failure>`, '    </testcase>');
  }
  lines.push('  </testsuite>');
  return { tests: cases.length, failures, lines };
}

interface Case {
  readonly name: string;
  readonly failure: { readonly message: string; readonly body: string } | undefined;
  readonly skipped: boolean;
}

function propertyCase(r: ScenarioReport, p: PropertyReport): Case {
  if (p.status === 'n/a') return { name: p.name, failure: undefined, skipped: true };
  if (p.matches) return { name: p.name, failure: undefined, skipped: false };
  const message = `expected ${p.expected}, ${p.status === 'violated' ? `violated in ${p.violatedRuns} of ${r.runs} runs` : `held in all ${r.runs} runs`}`;
  // The counterexamples of the kinds this property's violations carry: their replay commands.
  const shown = r.outcomes.filter((o) => o.minimal?.violations.some((v) => v.property === p.name));
  const body = [
    message,
    ...shown.flatMap((o) => [
      `${o.kind}: minimal counterexample, ${o.minimal!.preemptions} preemptions, ${o.minimal!.steps} steps`,
      ...o.minimal!.violations.filter((v) => v.property === p.name).map((v) => `  step ${v.step}: ${v.message}`),
      `  replay: npx semverify replay ${o.minimal!.replay}`,
    ]),
  ].join('\n');
  return { name: p.name, failure: { message, body }, skipped: false };
}

function seconds(s: number): string {
  return s.toFixed(3);
}

/** XML attribute and text escaping; control characters XML 1.0 forbids are dropped. */
function esc(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}
