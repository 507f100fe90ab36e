/**
 * How an exception a semaphore operation raised is classified, and how its message is made
 * comparable across runs. One rule set, applied at the observation boundary by both backends
 * (the sim in src/backends/sim/interpret.ts, the harness from contract.json), so a class means
 * the same thing whichever interpreter produced the error.
 */
import type { ErrorClass, OpName } from './events.ts';

export interface ErrorRule {
  /** Exception class name; matches that class or a subclass (the harness checks the MRO). */
  readonly type: string;
  /** A substring of the normalised message. */
  readonly contains: string;
  /** Only for errors raised by this operation; any operation when absent. */
  readonly op?: OpName;
  readonly class: ErrorClass;
}

/** First match wins; no match is `other`. */
export const ERROR_RULES: readonly ErrorRule[] = [
  // 3.10+: _LoopBoundMixin._get_loop.
  { type: 'RuntimeError', contains: 'is bound to a different event loop', class: 'wrong-loop' },
  // <= 3.9 binds at construction and awaits its waiter future on that loop: inside acquire(), the task's
  // "got Future attached to a different loop" is that version's loop-affinity error.
  { type: 'RuntimeError', contains: 'attached to a different loop', op: 'acquire', class: 'wrong-loop' },
  { type: 'RuntimeError', contains: 'attached to a different loop', class: 'future-other-loop' },
  { type: 'ValueError', contains: 'released too many times', class: 'released-too-many' },
];

/** Rewrites that make a message the same in every run: object addresses, where a task runs, source positions. */
export const MESSAGE_NORMALISATION: readonly { readonly pattern: string; readonly replacement: string }[] = [
  { pattern: '0x[0-9a-fA-F]+', replacement: '0x?' },
  { pattern: ' running at [^\\s>]+', replacement: '' },
  { pattern: ' at [^\\s>]+\\.py:\\d+', replacement: '' },
];

const COMPILED = MESSAGE_NORMALISATION.map((r) => ({ re: new RegExp(r.pattern, 'g'), replacement: r.replacement }));

/** Normalise object addresses and positions in Python messages so two runs of the same schedule print the same text. */
export function normaliseMessage(message: string): string {
  return COMPILED.reduce((m, r) => m.replace(r.re, r.replacement), message);
}

/** The class of an exception `type` (with its base classes, most derived first) raised by `op`. */
export function classifyError(types: readonly string[], message: string, op: OpName): ErrorClass {
  const text = normaliseMessage(message);
  const rule = ERROR_RULES.find((r) => types.includes(r.type) && text.includes(r.contains) && (r.op === undefined || r.op === op));
  return rule?.class ?? 'other';
}
