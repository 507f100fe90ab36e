/**
 * Names and budgets both backends, the judges and the reports share. Defined once here; the
 * Python harness reads them from contract.json (generated from this folder: `npm run contract`).
 */

/** The ways semverify can execute a run. */
export const BACKENDS = ['sim', 'cpython'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Where threads may be preempted: at CPython's GIL switch points, or before every shared access. */
export const PREEMPTION_MODELS = ['gil', 'free-threaded'] as const;
export type PreemptionModel = (typeof PREEMPTION_MODELS)[number];

/** Scheduling points of one run before it is cut off as `step-limit`. */
export const DEFAULT_MAX_STEPS = 20_000;

/**
 * Synthetic point labels: places where both backends make a decision that is not in the code
 * under test. Code-under-test labels are `file:qualname:line` (e.g. `asyncio/locks.py:Semaphore.acquire:373`).
 */
export const LABELS = {
  /** A loop thread about to block in its selector. */
  select: 'asyncio/base_events.py:BaseEventLoop._run_once:select',
  /** A loop about to run one ready callback: declared cancellations may fire here. */
  slot: 'asyncio/base_events.py:BaseEventLoop._run_once:slot',
  /** Timers due at the same instant: their order is a decision. */
  timers: 'asyncio/base_events.py:BaseEventLoop._run_once:timers',
  /** A plain thread's `time.sleep`. */
  sleep: 'time.py:sleep',
  /** Virtual time advances: which of the threads it wakes runs first is a decision. */
  clock: 'clock:advance',
} as const;

/** The pseudo-thread that owns "which woken thread runs first" decisions after the clock advances. */
export const CLOCK_THREAD = 'clock';
