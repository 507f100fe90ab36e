/**
 * Proving a simulated counterexample on the real interpreter of the same version.
 *
 * The schedule is portable (deviations keyed by thread, CPython source label, occurrence), so
 * it is first replayed as is. If the outcome does not show, the real run may simply place a
 * point differently: a bounded search tries each deviation at nearby points of the same thread
 * on the real trace. If every deviation applied and the history still differs, the two
 * backends disagree on the same interleaving: that is a `divergence`, a finding about the port
 * or the harness, never hidden. A run that failed on the interpreter (status error: the harness
 * crashed, the run blocked) proves nothing either way: never `confirmed`, at most `unavailable`.
 */
import type { Scenario } from '../scenario/types.ts';
import type { Property, Violation } from '../../properties/api.ts';
import type { Confirmation, Counterexample } from './report-types.ts';
import type { RunResult, TraceEntry } from '../contract/run-result.ts';
import { isSemaphoreEvent, type HistoryEvent } from '../contract/events.ts';
import type { Deviation, PointKey, Schedule } from '../contract/schedule.ts';
import { keyOf, scheduleKey } from '../contract/schedule.ts';
import { tracePoints } from '../scheduler/trace-points.ts';
import type { Runner } from '../backends/runner.ts';
import { analyseRun } from './analyse.ts';

/** Nearby schedules tried before saying "not reproduced". */
const NEARBY_LIMIT = 60;

/**
 * `simulated`: the counterexample found in simulation, for outcome `kind`. Confirmed means the
 * interpreter's run shows the same *findings*: the same outcome kinds and the same properties
 * violated, judged by the model of the interpreter's version. An identical history alone is not
 * a confirmation: the judge could be wrong on both.
 */
export async function confirmOnInterpreter(
  scenario: Scenario,
  kind: string,
  simulated: Pick<Counterexample, 'schedule' | 'history' | 'trace' | 'kinds' | 'violations'>,
  properties: readonly Property[],
  real: Runner,
  version: string,
): Promise<Confirmation> {
  const judged = { ...scenario, impl: real.impl };
  const expected = findings(simulated.kinds, simulated.violations);
  const sameFindings = (run: RunResult): string | null => {
    // Not even an `error` outcome: a failed run shows nothing about the code.
    if (run.status === 'error') return `the run failed on the interpreter (${run.detail ?? 'no detail'})`;
    const a = analyseRun(judged, run, properties);
    const got = findings(a.kinds, a.violations);
    return got === expected ? null : `the interpreter shows ${got}, the simulation ${expected}`;
  };
  const schedule = simulated.schedule;
  const exact = await real.run({ schedule, recordTrace: true });
  if (exact.status === 'error')
    return { interpreter: version, status: 'unavailable', detail: `the run failed on the interpreter, which proves nothing: ${exact.detail ?? 'no detail'}` };
  const allApplied = scheduleKey(exact.schedule) === scheduleKey(schedule);
  const diff = firstDifference(simulated.history, exact.history);
  const differs = sameFindings(exact);
  if (allApplied && diff !== null) {
    // The same interleaving, decision for decision, gave another history: the port or the harness is wrong somewhere.
    return {
      interpreter: version,
      status: 'divergence',
      detail: `every deviation applied, but the histories differ (${differs ?? `the same findings: ${expected}`}): ${diff}`,
    };
  }
  if (differs === null) {
    const how = allApplied ? 'same schedule, same history' : 'same schedule where it applies (some deviations had no point on the interpreter)';
    return { interpreter: version, status: 'confirmed', detail: `${how}; same findings: ${expected}` };
  }
  let failed = 0;
  for (const candidate of nearbySchedules(schedule, simulated.trace, exact.trace)) {
    const run = await real.run({ schedule: candidate });
    if (run.status === 'error') failed++;
    if (sameFindings(run) === null) {
      return {
        interpreter: version,
        status: 'confirmed',
        detail: `same findings (${expected}) with the deviations moved to nearby points: ${describe(run.schedule)}`,
        schedule: run.schedule,
      };
    }
  }
  if (allApplied) {
    return { interpreter: version, status: 'divergence', detail: `every deviation applied and the histories agree, yet ${differs} (final states differ)` };
  }
  const missing = schedule.filter((d) => !exact.schedule.some((e) => keyOf(e) === keyOf(d))).map((d) => `${d.thread}@${d.label}#${d.occ}`);
  const failures = failed > 0 ? ` (${failed} of them failed on the interpreter)` : '';
  return {
    interpreter: version,
    status: 'not-reproduced',
    detail: `${kind}: no such point on the interpreter for ${missing.join(', ')}; ${NEARBY_LIMIT} nearby schedules tried${failures}`,
  };
}

/** "over-admission, hang (at-most-n, no-lost-wakeup)": what a run shows, comparable across backends. */
function findings(kinds: readonly string[], violations: readonly Violation[]): string {
  const props = [...new Set(violations.map((v) => v.property))].sort();
  return `${[...kinds].sort().join(', ')}${props.length > 0 ? ` (${props.join(', ')})` : ''}`;
}

/** Events as both backends must agree on them (steps and times of points may differ). */
function comparable(e: HistoryEvent): string {
  const who = `${e.thread}/${e.task ?? '-'} ${e.kind}`;
  if (!isSemaphoreEvent(e)) return `${who} ${JSON.stringify(e.tag)}`;
  return `${who} ${e.sem}${e.error ? ` ${e.error.type}(${e.error.class})` : ''}`;
}

function firstDifference(a: readonly HistoryEvent[], b: readonly HistoryEvent[]): string | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ? comparable(a[i]!) : '(end)';
    const y = b[i] ? comparable(b[i]!) : '(end)';
    if (x !== y) return `event #${i}: simulated "${x}", interpreter "${y}"`;
  }
  return null;
}

/** Each thread's points in order, from a trace. */
function pointsByThread(trace: readonly TraceEntry[]): Map<string, PointKey[]> {
  const out = new Map<string, PointKey[]>();
  for (const p of tracePoints(trace)) out.set(p.thread, [...(out.get(p.thread) ?? []), p]);
  return out;
}

function functionOf(label: string): string {
  return label.slice(0, label.lastIndexOf(':'));
}

/**
 * Schedules where one deviation at a time moves to a nearby point of the same thread on the
 * interpreter's trace: the same function first, then the points around the same position.
 */
function* nearbySchedules(schedule: Schedule, simTrace: readonly TraceEntry[], realTrace: readonly TraceEntry[]): Generator<Schedule> {
  const simPoints = pointsByThread(simTrace);
  const realPoints = pointsByThread(realTrace);
  let tried = 0;
  for (let i = 0; i < schedule.length; i++) {
    const d = schedule[i]!;
    const mine = simPoints.get(d.thread) ?? [];
    const theirs = realPoints.get(d.thread) ?? [];
    const pos = mine.findIndex((p) => p.label === d.label && p.occ === d.occ);
    const sameFunction = theirs.filter((p) => functionOf(p.label) === functionOf(d.label));
    const around = pos < 0 ? [] : theirs.slice(Math.max(0, pos - 4), pos + 5);
    const seen = new Set<string>([keyOf(d)]);
    for (const p of [...sameFunction, ...around]) {
      if (seen.has(keyOf(p))) continue;
      seen.add(keyOf(p));
      if (++tried > NEARBY_LIMIT) return;
      const moved = { ...d, label: p.label, occ: p.occ } as Deviation;
      yield [...schedule.slice(0, i), moved, ...schedule.slice(i + 1)];
    }
  }
}

function describe(schedule: Schedule): string {
  return schedule.map((d) => `${d.kind} ${d.thread}@${d.label}#${d.occ}`).join('; ') || 'default choices';
}
