/**
 * How simulated Python code talks to the scheduler.
 *
 * Simulated Python functions are TypeScript generator functions (`Py<T>`). Calling a Python
 * function is `yield* f()`; everything the scheduler must see is a yielded instruction:
 * a scheduling point, a blocking operation, or (inside an asyncio task) a suspension on a
 * future. Because control only leaves a thread at a `yield`, the code between two yields is
 * atomic, exactly like CPython code between two eval-breaker checks under the GIL.
 */
import type { Blocker } from './blocker.ts';
import type { Future } from './future.ts';

export interface PointInstr {
  readonly t: 'point';
  /** CPython source location, see docs/execution-model.md. */
  readonly label: string;
  /** A point only in the free-threaded model (before a shared read or write). */
  readonly ft?: boolean;
}

export interface BlockInstr {
  readonly t: 'block';
  readonly label: string;
  readonly blocker: Blocker;
}

/** Only inside an asyncio task: suspend until `fut` is done (`fut: null` is a bare `yield`, as `asyncio.sleep(0)`). */
export interface AwaitInstr {
  readonly t: 'await';
  readonly fut: Future<unknown> | null;
}

export type Instr = PointInstr | BlockInstr | AwaitInstr;

/** A simulated Python function returning T. */
export type Py<T> = Generator<Instr, T, unknown>;

// Instructions are immutable: one object per label serves every yield of it (points are the
// commonest allocation of a simulated run, and the machine only reads them).
const points = new Map<string, PointInstr>();
const ftPoints = new Map<string, PointInstr>();

/** A GIL-model scheduling point (function entry, after a C call, a taken back-edge). */
export function point(label: string): PointInstr {
  let p = points.get(label);
  if (p === undefined) {
    p = Object.freeze({ t: 'point', label });
    points.set(label, p);
  }
  return p;
}

/** A free-threaded-only point: before a read or write of shared state. */
export function ftPoint(label: string): PointInstr {
  let p = ftPoints.get(label);
  if (p === undefined) {
    p = Object.freeze({ t: 'point', label, ft: true });
    ftPoints.set(label, p);
  }
  return p;
}

/**
 * Label helper: `at('asyncio/locks.py', 'Semaphore.acquire')(373)`. Each label string is built
 * once and handed out again: the machine keys occurrence counts by label at every point, and
 * one string object hashes once.
 */
export function labeller(file: string, qualname: string): (line: number | string) => string {
  const built = new Map<number | string, string>();
  return (line) => {
    let label = built.get(line);
    if (label === undefined) {
      label = `${file}:${qualname}:${line}`;
      built.set(line, label);
    }
    return label;
  };
}
