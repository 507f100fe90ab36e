/**
 * The invariant API. A property is a pure function over one run's observable history and
 * final state; it returns the violations it finds. Every property in the registry
 * (properties/index.ts) is checked on every run of every scenario, on every backend.
 * See docs/adding-an-invariant.md.
 */
import type { HistoryEvent } from '../src/contract/events.ts';
import type { RunResult } from '../src/contract/run-result.ts';
import type { Scenario } from '../src/scenario/types.ts';

/** What a property sees of a run. */
export interface RunView {
  readonly scenario: Scenario;
  readonly run: RunResult;
  /** Shortcut for run.history. */
  readonly history: readonly HistoryEvent[];
}

export interface Violation {
  /** The property that found it. */
  readonly property: string;
  /**
   * The outcome class this violation belongs to, used for the census and for shrinking:
   * e.g. "over-admission", "hang", "fifo", "lost-permit", "wrong-loop", "nonconformance".
   */
  readonly outcome: string;
  /** Scheduler step where it happened (the event's step, or the run's last step for end-of-run checks). */
  readonly step: number;
  readonly message: string;
}

export interface Property {
  /** Unique, kebab-case: "at-most-n". */
  readonly name: string;
  /** One line for reports. */
  readonly description: string;
  /** Return false to skip scenarios the property does not speak about (reported as "n/a"). Default: applies. */
  readonly appliesTo?: (scenario: Scenario) => boolean;
  /** Return false when this run gives the property nothing to judge (n/a when no run does). Default: applies. */
  readonly appliesToRun?: (view: RunView) => boolean;
  readonly check: (view: RunView) => readonly Violation[];
  /**
   * Outcome kinds this property's violations may carry beyond the built-in ones
   * (src/contract/outcomes.ts), so that scenarios may name them in `expect.reachable`.
   */
  readonly outcomes?: readonly string[];
}
