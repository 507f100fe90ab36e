/**
 * One minimal counterexample per outcome kind that occurred, most severe first; `ok` gets one only
 * where other kinds exist (the least it takes to come out clean).
 *
 * Minimal means the fewest preemptions (switches and OS delays) of any schedule that shows the
 * kind, and it is *proven* when a complete bounded search stands behind it: the census keeps,
 * per kind, the run with the fewest preemptions (then steps); if a search covered every schedule
 * with at most b preemptions, a kind first seen at <= b + 1 cannot be shown with fewer. Such a
 * witness is only cleaned (deviations that change nothing removed); any other is shrunk by
 * fast-check and a 1-minimal pass, and says what its minimality rests on.
 */
import type { Scenario } from '../scenario/types.ts';
import type { Property } from '../../properties/api.ts';
import type { Runner } from '../backends/runner.ts';
import type { RunResult } from '../contract/run-result.ts';
import { preemptionCount } from '../contract/schedule.ts';
import { OUTCOME } from '../contract/outcomes.ts';
import type { BackendName, Counterexample, OutcomeReport, PreemptionModel } from './report-types.ts';
import { analyseRun } from './analyse.ts';
import { kindsBySeverity, type Census } from './census.ts';
import { oneMinimal, shrinkSchedule } from './shrink.ts';
import { encodeToken } from './token.ts';
import { explain } from './explain.ts';
import type { ProgramSpec } from '../contract/program.ts';

export interface MinimalOptions {
  readonly seed: number;
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  readonly python?: string;
  readonly target?: string;
  readonly pythonpath?: readonly string[];
  /** A program's counterexamples replay with program tokens (src/explore/token.ts). */
  readonly program?: ProgramSpec;
  readonly signal?: AbortSignal;
  /** False when interrupted: counterexamples are the runs as found. */
  readonly shrink: boolean;
  /** The largest preemption bound a search covered completely (-1: none; Infinity: the whole space). */
  readonly provenBound: number;
}

export async function minimalOutcomes(
  scenario: Scenario,
  runner: Runner,
  census: Census,
  properties: readonly Property[],
  opts: MinimalOptions,
): Promise<OutcomeReport[]> {
  const out: OutcomeReport[] = [];
  for (const kind of kindsBySeverity(census)) {
    const tally = census.kinds.get(kind)!;
    const row = { kind, count: tally.count, primary: tally.primary };
    if (kind === OUTCOME.ok && census.kinds.size === 1) {
      out.push(row);
      continue;
    }
    const shows = (run: RunResult) => {
      const kinds = analyseRun(scenario, run, properties).kinds;
      return kind === OUTCOME.ok ? kinds.length === 1 && kinds[0] === OUTCOME.ok : kinds.includes(kind);
    };
    const execute = (s: readonly import('../contract/schedule.ts').Deviation[]) => runner.run({ schedule: s });
    // A witness within one preemption of a complete search is already minimal: only clean it.
    const minimalAlready = tally.witness.preemptions <= opts.provenBound + 1;
    const shrunk = !opts.shrink
      ? { schedule: tally.witness.schedule }
      : minimalAlready
        ? await oneMinimal(tally.witness.schedule, execute, shows, opts.signal)
        : await shrinkSchedule(tally.witness.schedule, execute, shows, { seed: opts.seed, ...(opts.signal !== undefined && { signal: opts.signal }) });
    if (!shrunk) {
      out.push(row);
      continue;
    }
    const replay = await runner.run({ schedule: shrunk.schedule, recordTrace: true });
    const analysis = analyseRun(scenario, replay, properties);
    const preemptions = preemptionCount(shrunk.schedule);
    // Whatever found it: a complete search up to provenBound showed no schedule with fewer.
    const proven = preemptions <= opts.provenBound + 1;
    const explanation = explain(kind, { trace: replay.trace, schedule: shrunk.schedule, history: replay.history });
    const minimal: Counterexample = {
      preemptions,
      steps: replay.steps,
      schedule: shrunk.schedule,
      replay: encodeToken({
        backend: opts.backend,
        model: opts.model,
        ...(opts.python ? { python: opts.python } : {}),
        ...(opts.target !== undefined ? { target: { spec: opts.target, pythonpath: opts.pythonpath ?? [] } } : {}),
        ...(opts.program !== undefined ? { program: opts.program } : {}),
        scenario,
        schedule: shrunk.schedule,
        properties: properties.map((p) => p.name),
      }),
      trace: replay.trace,
      history: replay.history,
      violations: analysis.violations,
      kinds: analysis.kinds,
      endTime: replay.endTime,
      ...(replay.output !== undefined && { output: replay.output }),
      shrunk: opts.shrink && opts.signal?.aborted !== true,
      provenMinimal: proven && opts.shrink,
      minimality: minimality(preemptions, proven && opts.shrink, opts.provenBound),
      ...(explanation !== undefined && { explanation }),
      ...('found' in shrunk && shrunk.found ? { found: shrunk.found } : {}),
    };
    out.push({ ...row, minimal });
  }
  return out;
}

/** What the counterexample's minimality rests on, in words. */
function minimality(preemptions: number, proven: boolean, provenBound: number): string {
  if (proven && preemptions === 0) return 'proven minimal: it needs no preemption at all';
  if (proven && provenBound === Number.POSITIVE_INFINITY) return 'proven minimal: every schedule was explored';
  if (proven)
    return `proven minimal: every schedule with at most ${preemptions - 1} preemption${preemptions - 1 === 1 ? '' : 's'} was explored and none shows it`;
  if (provenBound >= 0) {
    const gap = preemptions - 1 === provenBound + 1 ? `${provenBound + 1}` : `${provenBound + 1} to ${preemptions - 1}`;
    return `not proven: every schedule with at most ${provenBound} preemption${provenBound === 1 ? '' : 's'} was explored and none shows it; schedules with ${gap} were not all explored`;
  }
  return 'not proven: found by sampling, shrunk to 1-minimal (no single preemption can be removed)';
}
