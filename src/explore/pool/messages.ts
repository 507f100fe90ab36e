/**
 * What crosses between the main thread and a worker thread of the pool, typed once for both
 * sides. Structured clone carries the values; the receiving side still checks the message's
 * shape (`isToWorker`, `isFromWorker`), as at every process or thread boundary.
 */
import type { Scenario } from '../../scenario/types.ts';
import type { BackendName } from '../../contract/names.ts';
import type { OpenOptions } from '../../backends/runner.ts';
import { InputError } from '../../contract/input-error.ts';
import { UnsupportedRequestError } from '../../backends/run-request.ts';
import type { Unit, UnitResult } from '../search/units.ts';

/** Everything a worker needs to run units of one check: what to open, and what judges the runs. */
export interface WorkerContext {
  readonly scenario: Scenario;
  readonly backend: BackendName;
  readonly open: OpenOptions;
  /** Which properties judge the runs: the built-in registry (the only set that can be named across threads). */
  readonly properties: 'builtin';
}

export type ToWorker =
  | { readonly t: 'open'; readonly ctx: number; readonly context: WorkerContext }
  | { readonly t: 'unit'; readonly ctx: number; readonly index: number; readonly unit: Unit; readonly deadlineEpochMs: number }
  | { readonly t: 'close'; readonly ctx: number };

export type FromWorker =
  | { readonly t: 'opened'; readonly ctx: number }
  | { readonly t: 'result'; readonly ctx: number; readonly index: number; readonly result: UnitResult }
  | { readonly t: 'runs'; readonly n: number }
  | { readonly t: 'failed'; readonly ctx: number; readonly index: number | null; readonly error: WireError }
  | { readonly t: 'closed'; readonly ctx: number };

/** An error as data: the typed errors a check may end with keep their type across the thread boundary. */
export type WireError =
  | { readonly kind: 'input'; readonly field: string; readonly problem: string; readonly source?: string }
  | { readonly kind: 'unsupported'; readonly backend: string; readonly request: string }
  | { readonly kind: 'internal'; readonly message: string; readonly stack?: string };

export function toWire(e: unknown): WireError {
  if (e instanceof InputError) return { kind: 'input', field: e.field, problem: e.problem, ...(e.source !== undefined && { source: e.source }) };
  if (e instanceof UnsupportedRequestError) return { kind: 'unsupported', backend: e.backend, request: e.request };
  if (e instanceof Error) return { kind: 'internal', message: e.message, ...(e.stack !== undefined && { stack: e.stack }) };
  return { kind: 'internal', message: String(e) };
}

export function fromWire(w: WireError): Error {
  switch (w.kind) {
    case 'input':
      return new InputError(w.field, w.problem, w.source);
    case 'unsupported':
      return new UnsupportedRequestError(w.backend, w.request);
    case 'internal': {
      const e = new Error(`worker thread: ${w.message}`);
      if (w.stack !== undefined) e.stack = w.stack;
      return e;
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

const TO_WORKER = new Set(['open', 'unit', 'close']);
const FROM_WORKER = new Set(['opened', 'result', 'runs', 'failed', 'closed']);

export function isToWorker(v: unknown): v is ToWorker {
  return isRecord(v) && typeof v.t === 'string' && TO_WORKER.has(v.t) && (v.t !== 'unit' || (typeof v.index === 'number' && isRecord(v.unit)));
}

export function isFromWorker(v: unknown): v is FromWorker {
  if (!isRecord(v) || typeof v.t !== 'string' || !FROM_WORKER.has(v.t)) return false;
  if (v.t === 'result') return typeof v.index === 'number' && isRecord(v.result) && Array.isArray(v.result.entries);
  if (v.t === 'runs') return typeof v.n === 'number';
  if (v.t === 'failed') return isRecord(v.error);
  return true;
}
