/**
 * The result of checking one scenario, or of replaying a token: what the CLI prints (text or --json)
 * and what tests assert on.
 */
import type { HistoryEvent } from '../contract/events.ts';
import type { RunResult, TraceEntry } from '../contract/run-result.ts';
import type { Schedule } from '../contract/schedule.ts';
import type { Violation } from '../../properties/api.ts';
import type { Explanation } from './explain.ts';
import type { ProgramSpec } from '../contract/program.ts';

import type { BackendName, PreemptionModel } from '../contract/names.ts';

export type { BackendName, PreemptionModel };

/** A simulated counterexample replayed on the real interpreter of the same version (src/explore/confirm.ts). */
export interface Confirmation {
  /** Full version of the interpreter used, e.g. "3.11.7". */
  readonly interpreter: string;
  /** `no-reference`: a user's TypeScript implementation, which no interpreter runs: nothing to compare with. */
  readonly status: 'confirmed' | 'not-reproduced' | 'divergence' | 'unavailable' | 'no-reference';
  readonly detail: string;
  /** The schedule that reproduced it on the interpreter, when it differs from the simulated one. */
  readonly schedule?: Schedule;
}

/** A failure saved by an earlier check (.semverify/failures/), replayed before this one (src/project/failures.ts). */
export interface SavedReplay {
  readonly kind: string;
  /** Relative to the project root. */
  readonly file: string;
  /**
   * `still-fails`: the run shows its kind again; `fixed`: it no longer does (the file is removed);
   * `changed`: the scenario changed since it was saved, `unreadable`: the file is not a saved failure
   * (both replaced by what this check finds); `cannot-replay`: a property it names is not loaded, or its backend cannot start.
   */
  readonly status: 'still-fails' | 'fixed' | 'changed' | 'unreadable' | 'cannot-replay';
  /** The replayed run's kinds, most severe first (empty when it was not replayed). */
  readonly kinds: readonly string[];
  readonly detail?: string;
}

/** What replaying a token yields (src/explore/replay.ts `replayToken`). */
export interface ReplayResult {
  readonly run: RunResult;
  readonly violations: readonly Violation[];
  /** Every outcome kind the run shows; `primary` is the earliest. */
  readonly kinds: readonly string[];
  readonly primary: string;
}

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
  /** Every outcome kind this run shows, most severe first (the counterexample is for one of them). */
  readonly kinds: readonly string[];
  /** Virtual time at the end of the run. */
  readonly endTime: number;
  /** A program's counterexample: what the program printed in this run (docs/programs.md). */
  readonly output?: string;
  /** Simulated counterexamples only: the same schedule replayed on the real interpreter of the same version. */
  readonly confirmation?: Confirmation;
  /** False when the exploration was interrupted before this run could be shrunk: then it is not minimal. */
  readonly shrunk: boolean;
  /** No schedule with fewer preemptions shows this kind: a complete bounded search stands behind it. */
  readonly provenMinimal: boolean;
  /** What its minimality rests on, in words ("proven minimal: every schedule with at most 0 preemptions ..."). */
  readonly minimality: string;
  /** The race it exposes, read off what its steps read and wrote (backends that record accesses). */
  readonly explanation?: Explanation;
  /** How it was found: the fast-check seed and path that reproduce the shrink. */
  readonly found?: { readonly seed: number; readonly path?: string; readonly numRuns: number };
}

export interface OutcomeReport {
  /** "ok", "over-admission", "wrong-loop", "hang", "fifo", "lost-permit", "nonconformance", ... (src/contract/outcomes.ts) */
  readonly kind: string;
  /** Runs in which this kind occurred (a run counts under every kind it shows). */
  readonly count: number;
  /** Runs this kind headlined: their most severe kind. */
  readonly primary: number;
  /** The smallest run found that shows this kind, shrunk for it. */
  readonly minimal?: Counterexample;
}

/**
 * What a verdict covers (src/explore/search/strategy.ts).
 * - `exhaustive`: every schedule of the scenario's decision space (a bounded search in which no run
 *   reached its bound: the bound never cut a choice).
 * - `bounded-exhaustive`: every schedule with at most `preemptionBound` preemptions (switches and OS
 *   delays), with every free choice (lock wake-ups, timer ties, declared cancellations, clock) enumerated.
 * - `sampled`: seeded random and preemption-bounded runs: a sample, not a proof.
 * `searchedBeyond` counts the runs of the next bound's search when the budget cut it short, and
 * `sampledBeyond` the seeded runs after a search, with more preemptions than its bound.
 */
export interface Coverage {
  readonly method: 'exhaustive' | 'bounded-exhaustive' | 'sampled';
  readonly preemptionBound: number | null;
  readonly executions: number;
  /** True when the method ran to its end (every schedule it covers was executed). */
  readonly complete: boolean;
  /** Runs a search abandoned as equivalent to one it ran (partial-order reduction). */
  readonly pruned?: number;
  /**
   * Runs of the next bound's search, cut short at the run budget: schedules with exactly `bound`
   * preemptions it reached (counted in the census; not every such schedule).
   */
  readonly searchedBeyond?: { readonly bound: number; readonly runs: number };
  /** Seeded runs with more preemptions than the bound, after the search: a sample beyond the proof. */
  readonly sampledBeyond?: number;
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
  /** A program checked as it is (docs/programs.md): its path, content digest and arguments. */
  readonly program?: ProgramSpec;
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  readonly seed: number;
  /** The CPython version whose code ran: the interpreter's, or the release the simulated port follows. */
  readonly version: string;
  /** The implementation that ran (`cpython-3.11`, or a user's registered one). */
  readonly impl?: string;
  /** Runs executed. */
  readonly runs: number;
  /** Distinct decision sequences (schedules) among them. */
  readonly schedules: number;
  /** True when the exploration enumerated every schedule of the scenario's decision space. */
  readonly exhaustive: boolean;
  readonly coverage: Coverage;
  /** 'violated' when any property was violated in any run, or any run failed or was cut off. */
  readonly verdict: 'holds' | 'violated';
  readonly properties: readonly PropertyReport[];
  readonly outcomes: readonly OutcomeReport[];
  /** Virtual seconds over explored schedules that completed. */
  readonly makespan?: { readonly min: number; readonly max: number; readonly claim?: number; readonly equals?: number };
  /** Largest number of holders seen at once: per semaphore instance, and across all. */
  readonly concurrency: { readonly perSemaphore: Readonly<Record<string, number>>; readonly overall: number };
  /** Present when the exploration was interrupted: the report covers only the runs done. */
  readonly partial?: { readonly signal: string };
  /** Every expectation of the scenario was met (exit code 0 when true for all scenarios). */
  readonly expectationsMet: boolean;
  /** One line per unmet expectation or flagged claim difference. */
  readonly notes: readonly { readonly level: 'mismatch' | 'flag'; readonly text: string }[];
  /** Wall-clock seconds spent (reports only; never asserted). */
  readonly seconds: number;
  /** Failures saved by earlier checks, replayed before this one (absent when none were, or with --no-save). */
  readonly savedFailures?: readonly SavedReplay[];
}
