/**
 * The declarative scenario format, interpreted by every backend (simulated runtime and
 * the CPython harness), so one scenario file runs on both. Documented in docs/scenario-format.md.
 */

export type SemaphoreKind = 'asyncio' | 'threading';

export interface SemaphoreDecl {
  readonly kind: SemaphoreKind;
  /** Initial value, >= 0. */
  readonly value: number;
  /** BoundedSemaphore instead of Semaphore. */
  readonly bounded?: boolean;
  /**
   * `shared` (default): one instance created by the main thread before any thread starts.
   * `per-thread`: each thread creates its own instance (asyncio: inside its main coroutine), id "name@T1".
   */
  readonly scope?: 'shared' | 'per-thread';
}

/**
 * One operation of a task. A task's operations run back to back, yielding only where the
 * operation itself awaits or blocks. The Python each one stands for: docs/scenario-format.md.
 */
export type Op =
  /**
   * `await sem.acquire()` / `sem.acquire()`. `timeout`: asyncio `await asyncio.wait_for(sem.acquire(), timeout)`,
   * threading `sem.acquire(timeout=timeout)`; `blocking: false` (threading only): `sem.acquire(False)`.
   * Either way the task goes on when no permit was taken (a `not-acquired` event).
   */
  | { readonly op: 'acquire'; readonly sem?: string; readonly timeout?: number; readonly blocking?: boolean }
  /** `sem.release()`; `n` (threading only): `sem.release(n)`, which 3.9 added. */
  | { readonly op: 'release'; readonly sem?: string; readonly n?: number }
  /** `async with sem:` / `with sem:` around `body`; the release runs even if the body raises. */
  | { readonly op: 'with'; readonly sem?: string; readonly body: readonly Op[] }
  /** `await asyncio.sleep(s)` in a loop thread, `time.sleep(s)` in a plain thread. */
  | { readonly op: 'sleep'; readonly seconds: number }
  /** Sugar for `with sem: sleep(seconds)`. */
  | { readonly op: 'hold'; readonly seconds: number; readonly sem?: string }
  /** `other_task.cancel()`, or `other_task.cancel(msg)` (3.9+) (same loop only: asyncio tasks are not thread-safe). */
  | { readonly op: 'cancel'; readonly task: string; readonly msg?: string }
  | { readonly op: 'repeat'; readonly times: number; readonly body: readonly Op[] }
  /** `asyncio.create_task(...)` of a new task of this loop, which joins the thread's gather. */
  | { readonly op: 'spawn'; readonly task: TaskDecl }
  /** `results.append(tag)`: the scenario's result list, which `expect.records` judges. */
  | { readonly op: 'record'; readonly tag: string }
  /** `await asyncio.wait([task])`: until another task of this loop is done, whatever its outcome. */
  | { readonly op: 'await'; readonly task: string };

export interface TaskDecl {
  /** Unique across the scenario, e.g. "A" or "T0-A". */
  readonly name: string;
  readonly ops: readonly Op[];
}

export interface ThreadDecl {
  /** Unique, e.g. "T0". */
  readonly name: string;
  /**
   * true: the thread runs `asyncio.run(main())`, where main gathers its tasks concurrently.
   * false: the thread runs its tasks one after another as plain functions.
   */
  readonly loop: boolean;
  readonly tasks: readonly TaskDecl[];
}

/** Every task of a thread, the ones its operations spawn included (at any depth), declared ones first. */
export function threadTasks(thread: ThreadDecl): TaskDecl[] {
  const out: TaskDecl[] = [];
  const visit = (ops: readonly Op[]): void => {
    for (const op of ops) {
      if (op.op === 'spawn') {
        out.push(op.task);
        visit(op.task.ops);
      } else if (op.op === 'with' || op.op === 'repeat') visit(op.body);
    }
  };
  out.push(...thread.tasks);
  for (const t of thread.tasks) visit(t.ops);
  return out;
}

/** A cancellation the scheduler may fire at any loop slot of the task's loop (or never). */
export interface DeclaredCancellation {
  readonly task: string;
}

/** `any`: either verdict is acceptable (a rare violation the exploration may or may not reach); reported, not asserted. */
export type PropertyVerdict = 'holds' | 'violated' | 'any';

export interface Expectations {
  /** Expected verdict per property name; a property not listed is expected to hold. */
  readonly properties?: Readonly<Record<string, PropertyVerdict>>;
  /** Outcome kinds that must be reached by the exploration (e.g. ["ok", "over-admission", "wrong-loop", "hang"]). */
  readonly reachable?: readonly string[];
  /** Makespan in virtual seconds: `equals` is asserted over every explored schedule; `claim` is the seed's figure, printed and flagged when it differs. */
  readonly makespan?: { readonly equals?: number; readonly claim?: number };
  /** The largest number of holders seen at once across all semaphores must equal this. */
  readonly maxConcurrent?: number;
  /**
   * The scenario's result list (`record` ops, in the order they ran) must be exactly this: the
   * property `records` judges it on every run. The same for every version (say per version whether
   * `records` holds).
   */
  readonly records?: readonly string[];
  /**
   * Tasks (or plain threads) that may legitimately still be waiting in acquire() when nothing else
   * can run: such a run is not a hang (no-lost-wakeup), unless a permit is free while they wait.
   */
  readonly parked?: readonly string[];
  /**
   * Per interpreter version: range ("<=3.8", "3.9", ">=3.10", "3.6-3.8") -> expectations laid over
   * the ones above for that version (src/scenario/version-expectations.ts). Ranges do not overlap.
   */
  readonly versions?: Readonly<Record<string, VersionExpectations>>;
}

/** An `expect.versions` block: the same fields, without nesting; `records` and `parked` are the scenario's, not a version's. */
export type VersionExpectations = Omit<Expectations, 'versions' | 'records' | 'parked'>;

export interface ExploreHints {
  /** Default number of runs for this scenario. */
  readonly runs?: number;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** The claim from the seed this scenario checks, in the seed's words or a faithful paraphrase. */
  readonly claim?: string;
  /** Implementation under test, e.g. "cpython-3.11" (default). */
  readonly impl?: string;
  readonly semaphores: Readonly<Record<string, SemaphoreDecl>>;
  readonly threads: readonly ThreadDecl[];
  readonly cancellations?: readonly DeclaredCancellation[];
  readonly expect?: Expectations;
  readonly explore?: ExploreHints;
}
