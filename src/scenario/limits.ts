/**
 * Caps on what a scenario may declare, documented in docs/scenario-format.md. They keep a
 * scenario within what the explorer can run in reasonable time and memory, and they keep error
 * messages short: a generated or hostile file (10 MB of `claim`, 10,000 threads) is refused
 * with one line rather than echoed or explored for hours.
 */
export const LIMITS = {
  semaphoreValue: 1000,
  repeatTimes: 1000,
  seconds: 1e6,
  /** Nesting of `with`/`repeat` bodies; deeper is certainly a generated mistake, and would blow the stack. */
  nesting: 32,
  runs: 10_000_000,
  semaphores: 64,
  threads: 16,
  tasksPerThread: 64,
  /** Operations as declared, every body counted once (a `repeat` is not expanded). */
  ops: 10_000,
  /** Characters of a name (ids, threads, tasks, semaphores, property and outcome names). */
  name: 64,
  /** Characters of any other text (`title`, `claim`, labels inside tokens). */
  text: 2_000,
  /** Bytes of a scenario file, checked before it is read. */
  fileBytes: 1024 * 1024,
} as const;

/** At most this many characters of a bad value are echoed in an error message. */
export const ECHO_CHARS = 40;
