/**
 * JSON text of scenario files, checked beyond JSON.parse: syntax errors by line and column
 * (V8's messages vary across Node versions: some give a character offset, some a snippet, and
 * authors fix files by line), and duplicate keys, which JSON.parse accepts by silently keeping
 * the last one, so that a file could check a different scenario than the one its author reads.
 */
import { InputError } from '../contract/input-error.ts';
import { childPath, indexPath } from './field-reader.ts';

/** What is wrong with a JSON text: a syntax error at an offset, or a key repeated in one object. */
export type JsonProblem =
  | { readonly kind: 'syntax'; readonly offset: number }
  | { readonly kind: 'duplicate'; readonly path: string; readonly offset: number; readonly first: number }
  | { readonly kind: 'too-deep' };

/** Parse a scenario file's JSON text; every problem is an InputError attributed to `display`. */
export function parseJsonText(text: string, display: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(display, `invalid JSON: ${describeJsonError(text) ?? (e as Error).message.split('\n')[0]}`);
  }
  const problem = scanJson(text);
  if (problem?.kind === 'duplicate') {
    const first = lineColumn(text, problem.first);
    throw new InputError(problem.path, `duplicate key at ${where(text, problem.offset)} (first at line ${first.line})`, display);
  }
  if (problem?.kind === 'too-deep') throw new InputError(display, 'invalid JSON: nested too deeply to check');
  return value;
}

/** Where JSON text has a syntax error, as "unexpected X at line L, column C"; undefined when it has none. */
export function describeJsonError(text: string): string | undefined {
  const problem = scanJson(text, { duplicates: false });
  // Nesting too deep for the scanner: the caller falls back to V8's message.
  if (problem?.kind !== 'syntax') return undefined;
  const pos = problem.offset;
  const what = pos >= text.length ? 'unexpected end of file' : `unexpected ${JSON.stringify(text[pos])}`;
  return `${what} at ${where(text, pos)}`;
}

function lineColumn(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  return { line: before.split('\n').length, column: pos - before.lastIndexOf('\n') };
}

function where(text: string, pos: number): string {
  const { line, column } = lineColumn(text, pos);
  return `line ${line}, column ${column}`;
}

class JsonSyntax extends Error {}
class JsonDuplicate extends Error {
  constructor(
    readonly path: string,
    readonly offset: number,
    readonly first: number,
  ) {
    super('duplicate key');
  }
}

/** The first problem of `text` (RFC 8259, plus unique keys per object unless told otherwise), or undefined if it has none. */
export function scanJson(text: string, opts: { readonly duplicates: boolean } = { duplicates: true }): JsonProblem | undefined {
  let i = 0;
  // Path segments of the value being read; joined into a field path only when a duplicate is found.
  const segments: (string | number)[] = [];
  const pathOf = (key: string): string => [...segments, key].reduce<string>((p, s) => (typeof s === 'number' ? indexPath(p, s) : childPath(p, s)), '');
  const bad = (): never => {
    throw new JsonSyntax();
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string): void => {
    if (!text.startsWith(word, i)) bad();
    i += word.length;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const string = (): void => {
    i++; // the opening quote
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) bad();
      if (text[i] !== '\\') {
        i++;
        continue;
      }
      const esc = text[i + 1];
      if (esc === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) bad();
        i += 6;
      } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) {
        i += 2;
      } else {
        i++;
        bad();
      }
    }
    if (i >= text.length) bad();
    i++;
  };
  const object = (): void => {
    i++;
    ws();
    if (text[i] === '}') return void i++;
    // Keys compared decoded: "a" and "\u0061" are the same key to JSON.parse.
    const seen = new Map<string, number>();
    for (;;) {
      ws();
      if (text[i] !== '"') bad();
      const start = i;
      string();
      const key = JSON.parse(text.slice(start, i)) as string;
      if (opts.duplicates) {
        const first = seen.get(key);
        if (first !== undefined) throw new JsonDuplicate(pathOf(key), start, first);
        seen.set(key, start);
      }
      ws();
      if (text[i] !== ':') bad();
      i++;
      segments.push(key);
      value();
      segments.pop();
      ws();
      if (text[i] === '}') return void i++;
      if (text[i] !== ',') bad();
      i++;
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (text[i] === ']') return void i++;
    for (let n = 0; ; n++) {
      segments.push(n);
      value();
      segments.pop();
      ws();
      if (text[i] === ']') return void i++;
      if (text[i] !== ',') bad();
      i++;
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') return object();
    if (ch === '[') return array();
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    NUMBER.lastIndex = i;
    if (NUMBER.exec(text) === null) bad();
    i = NUMBER.lastIndex;
  };
  try {
    value();
    ws();
    if (i < text.length) bad();
    return undefined;
  } catch (e) {
    if (e instanceof JsonSyntax) return { kind: 'syntax', offset: i };
    if (e instanceof JsonDuplicate) return { kind: 'duplicate', path: e.path, offset: e.offset, first: e.first };
    if (e instanceof RangeError) return { kind: 'too-deep' };
    throw e;
  }
}
