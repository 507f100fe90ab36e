/**
 * Field readers: each checks one value at one path of a user document (a scenario file, a
 * replay token) and throws an InputError naming that path. Bad values are echoed short: a
 * message is one line, whatever the input holds.
 */
import { InputError } from '../contract/input-error.ts';
import { ECHO_CHARS, LIMITS } from './limits.ts';

/** Names end up in labels (`scenario:<task>:<op-path>`), schedule keys (`thread|label|occ`) and instance ids (`sem@T1`). */
export const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export const NAME_HINT = "letters, digits, '_', '.' or '-' (not starting with '.' or '-')";

/** `s`, cut to `max` characters with an ellipsis when longer. */
export function clip(s: string, max: number = ECHO_CHARS): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** A short, unambiguous rendering of a bad value for "got ..." (strings quoted, so "1" differs from 1). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') {
    const s = JSON.stringify(v.length > ECHO_CHARS + 2 ? v.slice(0, ECHO_CHARS + 2) : v);
    return s.length > ECHO_CHARS + 2 ? `${s.slice(0, ECHO_CHARS)}…"` : s;
  }
  return String(v);
}

/** `a.b`, `a["odd key"]`, and `b` at the top level. Keys are user input too: a long one is cut. */
export function childPath(path: string, key: string): string {
  if (key.length <= ECHO_CHARS && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${describeValue(key)}]`;
}

export function indexPath(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** Reads fields of one document, attributing every problem to `source`. */
export class FieldReader {
  constructor(readonly source: string | undefined) {}

  fail(path: string, problem: string): never {
    throw new InputError(path === '' ? '(top level)' : path, problem, this.source);
  }

  /** A plain object whose keys are all in `allowed` and include every key of `required`. */
  object(v: unknown, path: string, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${describeValue(v)}`);
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!allowed.includes(key)) {
        const guess = closest(key, allowed);
        this.fail(childPath(path, key), `unknown key${guess ? ` (did you mean "${guess}"?)` : ''}; allowed: ${allowed.join(', ')}`);
      }
    }
    for (const key of required) {
      if (o[key] === undefined) this.fail(childPath(path, key), 'missing (required)');
    }
    return o;
  }

  /** A plain object used as a map from names to values. */
  record(v: unknown, path: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${describeValue(v)}`);
    return v as Record<string, unknown>;
  }

  array(v: unknown, path: string, opts: { nonEmpty?: boolean; maxLength?: number } = {}): readonly unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${describeValue(v)}`);
    if (opts.nonEmpty && v.length === 0) this.fail(path, 'expected a non-empty array, got an empty one');
    if (opts.maxLength !== undefined && v.length > opts.maxLength) this.fail(path, `at most ${opts.maxLength} entries allowed, got ${v.length}`);
    return v;
  }

  /** A string of at most `maxLength` characters (default LIMITS.text). */
  string(v: unknown, path: string, opts: { nonEmpty?: boolean; maxLength?: number } = {}): string {
    if (typeof v !== 'string') this.fail(path, `expected a ${opts.nonEmpty ? 'non-empty ' : ''}string, got ${describeValue(v)}`);
    if (opts.nonEmpty && v.trim() === '') this.fail(path, `expected a non-empty string, got ${describeValue(v)}`);
    const max = opts.maxLength ?? LIMITS.text;
    if (v.length > max) this.fail(path, `at most ${max} characters allowed, got ${v.length}: ${describeValue(v)}`);
    return v;
  }

  name(v: unknown, path: string): string {
    const s = this.string(v, path, { nonEmpty: true, maxLength: LIMITS.name });
    if (!NAME.test(s)) this.fail(path, `expected a name of ${NAME_HINT}, got ${describeValue(v)}`);
    return s;
  }

  boolean(v: unknown, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, `expected true or false, got ${describeValue(v)}`);
    return v;
  }

  /** A finite number in [min, max]. */
  number(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      this.fail(path, `expected a number >= ${min} and <= ${max}, got ${describeValue(v)}`);
    }
    return v;
  }

  /** An integer in [min, max]. */
  integer(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(path, `expected an integer from ${min} to ${max}, got ${describeValue(v)}`);
    }
    return v;
  }

  oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.fail(path, `expected one of ${values.map((x) => `"${x}"`).join(', ')}, got ${describeValue(v)}`);
    }
    return v as T;
  }
}

/** The allowed key nearest to a typo (edit distance <= 2), for "did you mean". */
export function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
