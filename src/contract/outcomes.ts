/**
 * Outcome kinds: the names a run is filed under in the census, in `--json`, in expectations
 * (`expect.reachable`) and in replay tokens, on every backend. Defined once here.
 *
 * A run can show several kinds at once (an over-admission and, later, a hang); it counts under
 * each of them. Its *headline* is the most severe one: what a user must hear about first.
 */

/** Kinds produced by semverify itself (the built-in properties and the run's status). */
export const OUTCOME = {
  /** Nothing to report: every property held and the run completed. */
  ok: 'ok',
  /** More holders at once than the semaphore allows (at-most-n). */
  overAdmission: 'over-admission',
  /** The run cannot finish: nothing can run and no timer is pending (no-lost-wakeup). */
  hang: 'hang',
  /** The final counter is below what the history implies (permit-conservation). */
  lostPermit: 'lost-permit',
  /** The final counter is above what the history implies (permit-conservation). */
  extraPermit: 'extra-permit',
  /** The run itself failed: the harness died, the code under test raised or exited, a wall-time guard fired. */
  error: 'error',
  /** The run exceeded its step budget and was not checked to the end. */
  stepLimit: 'step-limit',
  /** An operation raised an exception the model does not allow (errors-allowed). */
  unexpectedError: 'unexpected-error',
  /** RuntimeError: the semaphore is bound to a different event loop (allowed by the model, but asked about). */
  wrongLoop: 'wrong-loop',
  /** The history is not explained by the sequential model (conformance). */
  nonconformance: 'nonconformance',
  /** A waiter was overtaken by a later arrival (fifo). */
  fifo: 'fifo',
} as const;

export type BuiltinOutcome = (typeof OUTCOME)[keyof typeof OUTCOME];

export const BUILTIN_OUTCOMES: readonly BuiltinOutcome[] = Object.values(OUTCOME);

/**
 * Most severe first. Kinds not listed (a user property's own outcome) rank just before
 * `nonconformance`: more specific than "the model disagrees", less than a crash or a hang.
 */
const SEVERITY: readonly string[] = [
  OUTCOME.overAdmission,
  OUTCOME.hang,
  OUTCOME.lostPermit,
  OUTCOME.extraPermit,
  OUTCOME.error,
  OUTCOME.stepLimit,
  OUTCOME.unexpectedError,
  OUTCOME.wrongLoop,
  OUTCOME.nonconformance,
  OUTCOME.fifo,
  OUTCOME.ok,
];
const USER_RANK = SEVERITY.indexOf(OUTCOME.nonconformance) - 0.5;

/** Lower is more severe. */
export function severityRank(kind: string): number {
  const i = SEVERITY.indexOf(kind);
  return i < 0 ? USER_RANK : i;
}

/** Orders kinds most severe first; equally severe kinds keep their given order. */
export function bySeverity(kinds: readonly string[]): string[] {
  return kinds
    .map((k, i) => ({ k, i }))
    .sort((a, b) => severityRank(a.k) - severityRank(b.k) || a.i - b.i)
    .map((x) => x.k);
}
