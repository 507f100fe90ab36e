/**
 * The result of checking one scenario: what the CLI prints (text or --json) and what tests assert on.
 */
import type { HistoryEvent } from '../history/events.ts';
import type { TraceEntry } from '../backends/run-result.ts';
import type { Schedule } from '../scheduler/deviation.ts';
import type { Violation } from '../../properties/api.ts';
import type { Confirmation } from './confirm.ts';

export type BackendName = 'sim' | 'cpython';
export type PreemptionModel = 'gil' | 'free-threaded';

/** A minimal run that shows one outcome class. */
export interface Counterexample {
  /** Forced preemptions (switch + delay deviations) in the shrunk schedule. */
  readonly preemptions: number;
  readonly steps: number;
  readonly schedule: Schedule;
  /** Self-contained replay token (scenario, backend, model, schedule): `semverify replay <token>`. */
  readonly replay: string;
  readonly trace: readonly TraceEntry[];
  readonly history: readonly HistoryEvent[];
  readonly violations: readonly Violation[];
  /** Virtual time at the end of the run. */
  readonly endTime: number;
  /** Simulated counterexamples only: the same schedule replayed on the real interpreter of the same version. */
  readonly confirmation?: Confirmation;
  /** How it was found: the fast-check seed and path that reproduce the shrink. */
  readonly found?: { readonly seed: number; readonly path?: string; readonly numRuns: number };
}

export interface OutcomeReport {
  /** "ok", "over-admission", "wrong-loop", "hang", "fifo", "lost-permit", "nonconformance", ... */
  readonly kind: string;
  /** Runs whose primary (earliest) outcome was this kind. */
  readonly count: number;
  readonly minimal?: Counterexample;
}

export interface PropertyReport {
  readonly name: string;
  readonly description: string;
  readonly status: 'holds' | 'violated' | 'n/a';
  /** Runs in which it was violated. */
  readonly violatedRuns: number;
  readonly expected: 'holds' | 'violated' | 'any' | 'n/a';
  readonly matches: boolean;
}

export interface ScenarioReport {
  readonly id: string;
  readonly title: string;
  readonly claim?: string;
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  readonly seed: number;
  /** Runs executed. */
  readonly runs: number;
  /** Distinct decision sequences (schedules) among them. */
  readonly schedules: number;
  /** True when the exploration enumerated every schedule of the scenario's decision space. */
  readonly exhaustive: boolean;
  /** 'violated' when any property was violated in any run. */
  readonly verdict: 'holds' | 'violated';
  readonly properties: readonly PropertyReport[];
  readonly outcomes: readonly OutcomeReport[];
  /** Virtual seconds over explored schedules that completed. */
  readonly makespan?: { readonly min: number; readonly max: number; readonly claim?: number; readonly equals?: number };
  /** Largest number of holders seen at once: per semaphore instance, and across all. */
  readonly concurrency: { readonly perSemaphore: Readonly<Record<string, number>>; readonly overall: number };
  /** Every expectation of the scenario was met (exit code 0 when true for all scenarios). */
  readonly expectationsMet: boolean;
  /** One line per unmet expectation or flagged claim difference. */
  readonly notes: readonly { readonly level: 'mismatch' | 'flag'; readonly text: string }[];
  /** Wall-clock seconds spent (reports only; never asserted). */
  readonly seconds: number;
}
