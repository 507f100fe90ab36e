import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../src/contract/run-result.ts';
import type { ScenarioReport } from '../src/explore/report-types.ts';
import { jsonDocument } from '../src/report/json.ts';
import { renderScenarioReport } from '../src/report/text.ts';
import { renderTraceColumns, shortLabel, wrap } from '../src/report/trace-columns.ts';

const ACQ = 'asyncio/locks.py:Semaphore.acquire:373';

/** T0 runs three plain points, is switched away from, T1 acquires, the clock advances. */
const trace: TraceEntry[] = [
  { step: 0, time: 0, thread: 'T0', task: 'A', label: 'scenario:A:0', what: 'point' },
  { step: 1, time: 0, thread: 'T0', task: 'A', label: 'asyncio/locks.py:Semaphore.locked:362', what: 'point' },
  { step: 2, time: 0, thread: 'T0', task: 'A', label: ACQ, what: 'point', decision: { kind: 'switch', thread: 'T0', label: ACQ, occ: 1, to: 'T1' } },
  { step: 3, time: 0, thread: 'T1', task: 'C', label: ACQ, what: 'acquired sem' },
  { step: 4, time: 0, thread: 'T0', task: 'A', label: ACQ, what: 'acquired sem' },
  {
    step: 5,
    time: 1,
    thread: 'clock',
    task: null,
    label: 'clock:advance',
    what: 'point',
    decision: { kind: 'tie', thread: 'clock', label: 'clock:advance', occ: 1, order: [1, 0] },
  },
  { step: 6, time: 1, thread: 'T1', task: 'C', label: 'scenario:C:1', what: 'point' },
  { step: 7, time: 1, thread: 'T1', task: 'C', label: 'scenario:C:2', what: 'point' },
];

describe('renderTraceColumns', () => {
  const lines = renderTraceColumns(trace, { threads: ['T0', 'T1'] });

  it('has one column per thread, in the given order, then unlisted threads', () => {
    expect(lines[0]).toMatch(/step\s+time\s+│ T0\s+│ T1\s+│ clock$/);
    expect(lines[1]).toMatch(/^─+┼─+┼─+┼─+$/);
  });

  it("collapses a thread's consecutive plain points into one row with a step range", () => {
    const row = lines.find((l) => l.includes('0-1'));
    expect(row).toBeDefined();
    expect(row).toMatch(/^\s*0-1 {2}t=0\.000s │ ×2 locks\.py:Semaphore\.locked:362$/);
    expect(lines.some((l) => /^\s*6-7 {2}t=1\.000s/.test(l))).toBe(true);
  });

  it("keeps a point with a deviation on its own row and marks the deviation in its thread's column", () => {
    const at = lines.findIndex((l) => /^\s*2 {2}t=0\.000s │ locks\.py:Semaphore\.acquire:373/.test(l));
    expect(at).toBeGreaterThan(0);
    const marker = lines[at + 1]!;
    expect(marker).toContain('⇢ switch to T1');
    // In T0's column: the marker starts right after the first separator.
    expect(marker.indexOf('⇢')).toBe(lines[0]!.indexOf('T0'));
    expect(lines.some((l) => l.includes('⇢ timers in order 1,0') && l.indexOf('⇢') === lines[0]!.indexOf('clock'))).toBe(true);
  });

  it("puts each step in its thread's column with what happened", () => {
    const t1 = lines.find((l) => /^\s*3 /.test(l))!;
    expect(t1.indexOf('acquired sem')).toBe(lines[0]!.indexOf('T1'));
    const t0 = lines.find((l) => /^\s*4 /.test(l))!;
    expect(t0.indexOf('acquired sem')).toBe(lines[0]!.indexOf('T0'));
  });

  it('fits the requested width by wrapping cells onto continuation lines, never cutting them', () => {
    const wide = renderTraceColumns(trace, { threads: ['T0', 'T1'], width: 200 });
    const narrow = renderTraceColumns(trace, { threads: ['T0', 'T1'], width: 60 });
    for (const l of narrow) expect([...l].length).toBeLessThanOrEqual(60);
    expect(narrow.length).toBeGreaterThan(wide.length);
    // Every word of the wide rendering is still there, only on more lines.
    const text = (lines: readonly string[]) => lines.slice(2).join('').replace(/[\s│]/g, '');
    expect(text(narrow)).toEqual(text(wide));
    expect(narrow.some((l) => l.includes('…'))).toBe(false);
  });

  it('wraps after spaces and commas where it can, hard where it cannot', () => {
    expect(wrap('r sem._value,sem._waiters w sem._value', 14)).toEqual(['r sem._value,', 'sem._waiters', 'w sem._value']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('short', 10)).toEqual(['short']);
  });

  it('shortens labels to the file name', () => {
    expect(shortLabel(ACQ)).toBe('locks.py:Semaphore.acquire:373');
    expect(shortLabel('scenario:A:0.body.1')).toBe('scenario:A:0.body.1');
    expect(shortLabel('threading.py:Condition.wait:327')).toBe('threading.py:Condition.wait:327');
  });
});

const report: ScenarioReport = {
  id: 'demo',
  title: 'a demo',
  claim: 'at most 1 at a time; 2 s',
  backend: 'sim',
  model: 'gil',
  seed: 1,
  version: '3.11.7',
  runs: 100,
  schedules: 12,
  exhaustive: true,
  coverage: { method: 'exhaustive', preemptionBound: null, executions: 100, complete: true },
  verdict: 'violated',
  properties: [
    { name: 'at-most-n', description: 'x', status: 'violated', violatedRuns: 3, expected: 'holds', matches: false },
    { name: 'fifo', description: 'y', status: 'holds', violatedRuns: 0, expected: 'holds', matches: true },
  ],
  outcomes: [
    {
      kind: 'over-admission',
      count: 3,
      primary: 2,
      minimal: {
        preemptions: 1,
        steps: 8,
        schedule: [{ kind: 'switch', thread: 'T0', label: ACQ, occ: 1, to: 'T1' }],
        replay: 'sv2.TOKEN',
        trace,
        history: [],
        violations: [{ property: 'at-most-n', outcome: 'over-admission', step: 4, message: '2 holders of sem (value 1)' }],
        kinds: ['over-admission', 'hang'],
        endTime: 1,
        shrunk: true,
        provenMinimal: true,
        minimality: 'proven minimal: every schedule with at most 0 preemptions was explored and none shows it',
      },
    },
    { kind: 'hang', count: 1, primary: 1 },
    { kind: 'ok', count: 97, primary: 97 },
  ],
  makespan: { min: 1, max: 2, claim: 2 },
  concurrency: { perSemaphore: { sem: 2 }, overall: 2 },
  expectationsMet: false,
  notes: [{ level: 'mismatch', text: 'at-most-n expected to hold' }],
  seconds: 0.5,
};

describe('renderScenarioReport', () => {
  const text = renderScenarioReport(report, { color: false, threads: ['T0', 'T1'] }).join('\n');

  it('shows the verdicts, the census, the counterexample and its replay command', () => {
    expect(text).toContain('demo — a demo');
    expect(text).toContain('backend sim (port of CPython 3.11.7)');
    expect(text).toContain('100 runs, 12 distinct schedules');
    expect(text).toContain('verdict: violated (every schedule (every interleaving, timer tie and declared cancellation) enumerated: 100 executions)');
    expect(text).toMatch(/✗ at-most-n\s+violated in 3 runs\s+holds/);
    expect(text).toMatch(/✓ fifo\s+holds\s+holds/);
    expect(text).toMatch(/over-admission\s+3\s+2\s+minimal: 1 preemption, 8 steps/);
    // Every kind that occurred has its row, even one that never headlined a run.
    expect(text).toMatch(/hang\s+1\s+1\n/);
    expect(text).toContain('this run also shows: hang');
    expect(text).toContain('⇢ switch to T1');
    expect(text).toContain('step 4  at-most-n (over-admission): 2 holders of sem (value 1)');
    expect(text).toContain('npx semverify replay sv2.TOKEN');
    expect(text).toMatch(/makespan 1s – 2s .*claim 2s ⚑ differs/);
    expect(text).toContain('✗ mismatch: at-most-n expected to hold');
    expect(text).toContain('expectations NOT met');
  });

  it('has no escape codes without colour, and some with', () => {
    expect(text).not.toContain('\u001b[');
    expect(renderScenarioReport(report, { color: true }).join('\n')).toContain('\u001b[');
  });
});

describe('jsonDocument', () => {
  it('has exactly the documented keys', () => {
    const doc = jsonDocument([report], '0.1.0');
    expect(Object.keys(doc)).toEqual(['format', 'tool', 'version', 'scenarios']);
    expect(doc.format).toBe('semverify/1');
    const s = doc.scenarios[0]!;
    expect(Object.keys(s).sort()).toEqual(
      [
        'id',
        'backend',
        'model',
        'seed',
        'version',
        'runs',
        'schedules',
        'exhaustive',
        'coverage',
        'verdict',
        'properties',
        'outcomes',
        'makespan',
        'concurrency',
        'expectationsMet',
        'notes',
      ].sort(),
    );
    expect(s.coverage).toEqual({ method: 'exhaustive', preemptionBound: null, executions: 100, complete: true });
    expect(Object.keys(s.properties[0]!).sort()).toEqual(['expected', 'matches', 'name', 'status', 'violatedRuns']);
    expect(s.outcomes[2]).toEqual({ kind: 'ok', count: 97, primary: 97, minimal: null });
    expect(Object.keys(s.outcomes[0]!.minimal!).sort()).toEqual([
      'kinds',
      'minimality',
      'preemptions',
      'provenMinimal',
      'replay',
      'schedule',
      'shrunk',
      'steps',
      'trace',
      'violations',
    ]);
    expect(s.makespan).toEqual({ min: 1, max: 2, claim: 2 });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
