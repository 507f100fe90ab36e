/** Compares what an exploration measured with what the scenario expects or the seed claims. */
import type { Scenario } from '../scenario/types.ts';
import type { Schedule } from '../scheduler/deviation.ts';
import type { ScenarioReport } from './report-types.ts';
import { OUTCOME } from '../contract/outcomes.ts';

type Measured = Pick<ScenarioReport, 'properties' | 'makespan' | 'concurrency' | 'runs'>;
type Note = ScenarioReport['notes'][number];

export function evaluateExpectations(scenario: Scenario, m: Measured, witness: ReadonlyMap<string, Schedule>): { met: boolean; notes: Note[] } {
  const notes: Note[] = [];
  const mismatch = (text: string) => notes.push({ level: 'mismatch', text });
  for (const p of m.properties) {
    if (!p.matches) mismatch(`property ${p.name}: expected ${p.expected}, found ${p.status} (${p.violatedRuns}/${m.runs} runs violate it)`);
  }
  // Whatever else was expected, a check in which runs failed cannot pass: a failed run proved nothing,
  // and the properties it "holds" were checked on a history cut short (zero missed crashes).
  if (witness.has(OUTCOME.error)) {
    mismatch('outcome error: some runs failed (the code under test or the harness crashed, exited or blocked) and prove nothing; see the error outcome');
  }
  const expect = scenario.expect ?? {};
  for (const kind of expect.reachable ?? []) {
    if (!witness.has(kind)) mismatch(`outcome ${kind}: expected reachable, not reached in ${m.runs} runs`);
  }
  const ms = m.makespan;
  if (expect.makespan?.equals !== undefined) {
    const eq = expect.makespan.equals;
    if (!ms) mismatch(`makespan: expected ${eq} s, but no run completed without delays`);
    else if (ms.min !== eq || ms.max !== eq) mismatch(`makespan: expected exactly ${eq} s, measured ${fmt(ms.min)}..${fmt(ms.max)} s`);
  }
  if (expect.makespan?.claim !== undefined && ms) {
    const claim = expect.makespan.claim;
    if (ms.min !== claim || ms.max !== claim) {
      notes.push({ level: 'flag', text: `makespan: the seed claims ${fmt(claim)} s; measured ${fmt(ms.min)}..${fmt(ms.max)} s over the explored schedules` });
    }
  }
  if (expect.maxConcurrent !== undefined && m.concurrency.overall !== expect.maxConcurrent) {
    mismatch(`concurrency: expected at most ${expect.maxConcurrent} at once (and reached), measured ${m.concurrency.overall}`);
  }
  return { met: !notes.some((n) => n.level === 'mismatch'), notes };
}

function fmt(s: number): string {
  return Number.isInteger(s) ? String(s) : s.toFixed(3);
}
