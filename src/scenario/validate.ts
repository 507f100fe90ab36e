/**
 * Validation of scenario documents (src/scenario/types.ts) coming from users: files, replay
 * tokens. Every problem is an InputError naming the exact field path, e.g.
 * `threads[1].tasks[0].ops[2].seconds`, because a scenario author fixing a file needs the
 * spot, not a schema dump. Unknown keys are rejected: a misspelt `bounded` or `scope` would
 * otherwise silently check a different scenario than the one intended.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from './errors.ts';
import { overlaps, parseVersionRange, type VersionRange } from './version-expectations.ts';
import type {
  DeclaredCancellation,
  Expectations,
  ExploreHints,
  Op,
  PropertyVerdict,
  Scenario,
  SemaphoreDecl,
  SemaphoreKind,
  TaskDecl,
  ThreadDecl,
  VersionExpectations,
} from './types.ts';

/** Limits that keep a scenario within what the explorer can run; documented in the messages. */
export const LIMITS = {
  semaphoreValue: 1000,
  repeatTimes: 1000,
  seconds: 1e6,
  /** Nesting of `with`/`repeat` bodies; deeper is certainly a generated mistake, and would blow the stack. */
  nesting: 32,
  runs: 10_000_000,
} as const;

/** Names end up in labels (`scenario:<task>:<op-path>`), schedule keys (`thread|label|occ`) and instance ids (`sem@T1`). */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const NAME_HINT = "letters, digits, '_', '.' or '-' (not starting with '.' or '-')";
/** The trace's pseudo-thread for clock advances (docs/execution-model.md). */
const RESERVED_THREADS = new Set(['clock']);

const PROPERTY_VERDICTS: readonly PropertyVerdict[] = ['holds', 'violated', 'any'];
const SEMAPHORE_KINDS: readonly SemaphoreKind[] = ['asyncio', 'threading'];
const SCOPES = ['shared', 'per-thread'] as const;

const OP_KEYS: Readonly<Record<Op['op'], readonly string[]>> = {
  acquire: ['op', 'sem'],
  release: ['op', 'sem'],
  with: ['op', 'sem', 'body'],
  sleep: ['op', 'seconds'],
  hold: ['op', 'seconds', 'sem'],
  cancel: ['op', 'task'],
  repeat: ['op', 'times', 'body'],
};

// ---------------------------------------------------------------------------------------
// Field readers: each checks one value at one path and throws InputError naming that path.

/** A short, unambiguous rendering of a bad value for "got ..." (strings quoted, so "1" differs from 1). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') {
    const s = JSON.stringify(v);
    return s.length > 42 ? `${s.slice(0, 40)}…"` : s;
  }
  return String(v);
}

/** `a.b`, `a["odd key"]`, and `b` at the top level. */
export function childPath(path: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
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

  array(v: unknown, path: string, opts: { nonEmpty?: boolean } = {}): readonly unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${describeValue(v)}`);
    if (opts.nonEmpty && v.length === 0) this.fail(path, 'expected a non-empty array, got an empty one');
    return v;
  }

  string(v: unknown, path: string, opts: { nonEmpty?: boolean } = {}): string {
    if (typeof v !== 'string') this.fail(path, `expected a ${opts.nonEmpty ? 'non-empty ' : ''}string, got ${describeValue(v)}`);
    if (opts.nonEmpty && v.trim() === '') this.fail(path, `expected a non-empty string, got ${describeValue(v)}`);
    return v;
  }

  name(v: unknown, path: string): string {
    const s = this.string(v, path, { nonEmpty: true });
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
function closest(key: string, allowed: readonly string[]): string | undefined {
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

// ---------------------------------------------------------------------------------------
// The scenario format.

/** What an operation may refer to: the semaphores, and the tasks of its own thread. */
interface OpEnv {
  readonly r: FieldReader;
  readonly semaphores: Readonly<Record<string, SemaphoreDecl>>;
  readonly thread: { readonly name: string; readonly loop: boolean; readonly tasks: ReadonlySet<string> };
}

/**
 * Validate a parsed scenario document. `source` (a file path, or "token") prefixes every
 * message. Returns a fresh object holding exactly the documented fields.
 */
export function parseScenario(value: unknown, source: string): Scenario {
  return readScenario(new FieldReader(source), value, '');
}

/** Same as parseScenario, for a scenario nested at `path` inside another document (a replay token). */
export function readScenario(r: FieldReader, value: unknown, path: string): Scenario {
  const o = r.object(
    value,
    path,
    ['id', 'title', 'claim', 'impl', 'semaphores', 'threads', 'cancellations', 'expect', 'explore'],
    ['id', 'title', 'semaphores', 'threads'],
  );
  const at = (key: string): string => childPath(path, key);

  const id = r.name(o.id, at('id'));
  const title = r.string(o.title, at('title'), { nonEmpty: true });
  const claim = o.claim === undefined ? undefined : r.string(o.claim, at('claim'), { nonEmpty: true });
  const impl = o.impl === undefined ? undefined : r.name(o.impl, at('impl'));
  const semaphores = readSemaphores(r, o.semaphores, at('semaphores'));
  const { threads, taskThread } = readThreads(r, o.threads, at('threads'), semaphores);
  const cancellations =
    o.cancellations === undefined ? undefined : readCancellations(r, o.cancellations, at('cancellations'), taskThread);
  const expect = o.expect === undefined ? undefined : readExpectations(r, o.expect, at('expect'));
  const explore = o.explore === undefined ? undefined : readExploreHints(r, o.explore, at('explore'));

  return {
    id,
    title,
    ...(claim !== undefined && { claim }),
    ...(impl !== undefined && { impl }),
    semaphores,
    threads,
    ...(cancellations !== undefined && { cancellations }),
    ...(expect !== undefined && { expect }),
    ...(explore !== undefined && { explore }),
  };
}

function readSemaphores(r: FieldReader, v: unknown, path: string): Record<string, SemaphoreDecl> {
  const o = r.record(v, path);
  const names = Object.keys(o);
  if (names.length === 0) r.fail(path, 'expected at least one semaphore, got none');
  const out: Record<string, SemaphoreDecl> = {};
  for (const name of names) {
    const p = childPath(path, name);
    if (!NAME.test(name)) r.fail(p, `semaphore name must be ${NAME_HINT}`);
    const d = r.object(o[name], p, ['kind', 'value', 'bounded', 'scope'], ['kind', 'value']);
    const kind = r.oneOf(d.kind, childPath(p, 'kind'), SEMAPHORE_KINDS);
    const value = r.integer(d.value, childPath(p, 'value'), 0, LIMITS.semaphoreValue);
    const bounded = d.bounded === undefined ? undefined : r.boolean(d.bounded, childPath(p, 'bounded'));
    const scope = d.scope === undefined ? undefined : r.oneOf(d.scope, childPath(p, 'scope'), SCOPES);
    out[name] = { kind, value, ...(bounded !== undefined && { bounded }), ...(scope !== undefined && { scope }) };
  }
  return out;
}

function readThreads(
  r: FieldReader,
  v: unknown,
  path: string,
  semaphores: Readonly<Record<string, SemaphoreDecl>>,
): { threads: ThreadDecl[]; taskThread: Map<string, { name: string; loop: boolean }> } {
  const list = r.array(v, path, { nonEmpty: true });
  const threadNames = new Map<string, string>(); // name -> path where first declared
  const taskThread = new Map<string, { name: string; loop: boolean }>();
  const taskPaths = new Map<string, string>();
  const threads: ThreadDecl[] = [];

  list.forEach((item, i) => {
    const p = indexPath(path, i);
    const t = r.object(item, p, ['name', 'loop', 'tasks'], ['name', 'loop', 'tasks']);
    const name = r.name(t.name, childPath(p, 'name'));
    if (RESERVED_THREADS.has(name)) r.fail(childPath(p, 'name'), `"${name}" is reserved (the trace's pseudo-thread for clock advances)`);
    const earlier = threadNames.get(name);
    if (earlier !== undefined) r.fail(childPath(p, 'name'), `duplicate thread name "${name}" (also ${earlier})`);
    threadNames.set(name, childPath(p, 'name'));
    const loop = r.boolean(t.loop, childPath(p, 'loop'));

    // Task names first: a task may cancel a sibling declared after it.
    const tasksPath = childPath(p, 'tasks');
    const taskItems = r.array(t.tasks, tasksPath, { nonEmpty: true });
    const shells = taskItems.map((taskItem, j) => {
      const tp = indexPath(tasksPath, j);
      const to = r.object(taskItem, tp, ['name', 'ops'], ['name', 'ops']);
      const taskName = r.name(to.name, childPath(tp, 'name'));
      const other = taskPaths.get(taskName);
      if (other !== undefined) r.fail(childPath(tp, 'name'), `duplicate task name "${taskName}" (also ${other}); task names are unique across the scenario`);
      taskPaths.set(taskName, childPath(tp, 'name'));
      taskThread.set(taskName, { name, loop });
      return { tp, taskName, ops: to.ops };
    });

    const env: OpEnv = { r, semaphores, thread: { name, loop, tasks: new Set(shells.map((s) => s.taskName)) } };
    const tasks: TaskDecl[] = shells.map((s) => ({ name: s.taskName, ops: readOps(env, s.ops, childPath(s.tp, 'ops'), 0) }));
    threads.push({ name, loop, tasks });
  });
  return { threads, taskThread };
}

function readOps(env: OpEnv, v: unknown, path: string, depth: number): Op[] {
  if (depth > LIMITS.nesting) env.r.fail(path, `bodies nested more than ${LIMITS.nesting} deep`);
  return env.r.array(v, path).map((item, i) => readOp(env, item, indexPath(path, i), depth));
}

function readOp(env: OpEnv, v: unknown, path: string, depth: number): Op {
  const { r } = env;
  const kinds = Object.keys(OP_KEYS) as Op['op'][];
  // The kind decides which keys are allowed, so read it before checking the keys.
  const head = r.record(v, path);
  if (head.op === undefined) r.fail(childPath(path, 'op'), `missing (required: one of ${kinds.join(', ')})`);
  const op = r.oneOf(head.op, childPath(path, 'op'), kinds);
  const o = r.object(v, path, OP_KEYS[op], ['op']);
  const at = (key: string): string => childPath(path, key);
  switch (op) {
    case 'acquire':
    case 'release':
      return { op, ...semField(env, o.sem, at('sem')) };
    case 'with':
      if (o.body === undefined) r.fail(at('body'), 'missing (required)');
      return { op, ...semField(env, o.sem, at('sem')), body: readOps(env, o.body, at('body'), depth + 1) };
    case 'sleep':
      return { op, seconds: readSeconds(r, o.seconds, at('seconds')) };
    case 'hold':
      return { op, seconds: readSeconds(r, o.seconds, at('seconds')), ...semField(env, o.sem, at('sem')) };
    case 'cancel':
      return { op, task: readCancelTarget(env, o.task, at('task')) };
    case 'repeat':
      if (o.times === undefined) r.fail(at('times'), 'missing (required)');
      if (o.body === undefined) r.fail(at('body'), 'missing (required)');
      return { op, times: r.integer(o.times, at('times'), 1, LIMITS.repeatTimes), body: readOps(env, o.body, at('body'), depth + 1) };
  }
}

function readSeconds(r: FieldReader, v: unknown, path: string): number {
  if (v === undefined) r.fail(path, 'missing (required)');
  return r.number(v, path, 0, LIMITS.seconds);
}

/**
 * Check an operation's `sem` and return it as given (absent stays absent: backends apply the
 * same default). The default is the only semaphore when exactly one is declared.
 */
function semField(env: OpEnv, v: unknown, path: string): { sem?: string } {
  const { r, semaphores, thread } = env;
  const declared = Object.keys(semaphores);
  let name: string;
  if (v === undefined) {
    if (declared.length !== 1) r.fail(path, `missing: required when more than one semaphore is declared (${declared.join(', ')})`);
    name = declared[0]!;
  } else {
    name = r.string(v, path, { nonEmpty: true });
    if (!Object.hasOwn(semaphores, name)) r.fail(path, `unknown semaphore "${name}" (declared: ${declared.join(', ')})`);
  }
  // A threading semaphore is fine anywhere: in a loop thread its blocking acquire stalls the
  // whole loop, which is a behaviour worth checking, not a malformed scenario.
  if (semaphores[name]!.kind === 'asyncio' && !thread.loop) {
    r.fail(path, `asyncio semaphore "${name}" used in thread "${thread.name}", which has no event loop (loop: false)`);
  }
  return v === undefined ? {} : { sem: name };
}

function readCancelTarget(env: OpEnv, v: unknown, path: string): string {
  const { r, thread } = env;
  if (v === undefined) r.fail(path, 'missing (required)');
  const task = r.string(v, path, { nonEmpty: true });
  if (!thread.loop) r.fail(path, `cancel is only possible in a thread with an event loop; thread "${thread.name}" has loop: false`);
  if (!thread.tasks.has(task)) {
    r.fail(path, `unknown task "${task}" in thread "${thread.name}" (tasks: ${[...thread.tasks].join(', ')}); only tasks of the same loop can be cancelled`);
  }
  return task;
}

function readCancellations(
  r: FieldReader,
  v: unknown,
  path: string,
  taskThread: ReadonlyMap<string, { name: string; loop: boolean }>,
): DeclaredCancellation[] {
  const seen = new Set<string>();
  return r.array(v, path).map((item, i) => {
    const p = indexPath(path, i);
    const o = r.object(item, p, ['task'], ['task']);
    const task = r.string(o.task, childPath(p, 'task'), { nonEmpty: true });
    const owner = taskThread.get(task);
    if (owner === undefined) r.fail(childPath(p, 'task'), `unknown task "${task}" (tasks: ${[...taskThread.keys()].join(', ')})`);
    if (!owner.loop) r.fail(childPath(p, 'task'), `task "${task}" runs in thread "${owner.name}", which has no event loop; only asyncio tasks can be cancelled`);
    if (seen.has(task)) r.fail(childPath(p, 'task'), `duplicate cancellation of task "${task}"`);
    seen.add(task);
    return { task };
  });
}

function readExpectations(r: FieldReader, v: unknown, path: string): Expectations {
  const o = r.object(v, path, [...EXPECTATION_KEYS, 'versions']);
  const base = readExpectationFields(r, o, path);
  if (o.versions === undefined) return base;
  return { ...base, versions: readVersionBlocks(r, o.versions, childPath(path, 'versions')) };
}

const EXPECTATION_KEYS = ['properties', 'reachable', 'makespan', 'maxConcurrent'] as const;

/** `expect.versions`: non-overlapping version ranges, each with the same fields as `expect` (no nesting). */
function readVersionBlocks(r: FieldReader, v: unknown, path: string): Record<string, VersionExpectations> {
  const rec = r.record(v, path);
  const out: Record<string, VersionExpectations> = {};
  const ranges: VersionRange[] = [];
  for (const [text, block] of Object.entries(rec)) {
    const p = childPath(path, text);
    const range = parseVersionRange(text);
    if (typeof range === 'string') r.fail(p, range);
    const clash = ranges.find((other) => overlaps(other, range));
    if (clash !== undefined) r.fail(p, `overlaps "${clash.text}": each version may match one block only`);
    ranges.push(range);
    out[text] = readExpectationFields(r, r.object(block, p, EXPECTATION_KEYS), p);
  }
  return out;
}

function readExpectationFields(r: FieldReader, o: Record<string, unknown>, path: string): VersionExpectations {
  const at = (key: string): string => childPath(path, key);
  let properties: Record<string, PropertyVerdict> | undefined;
  if (o.properties !== undefined) {
    const rec = r.record(o.properties, at('properties'));
    properties = {};
    for (const [name, verdict] of Object.entries(rec)) {
      const p = childPath(at('properties'), name);
      if (!NAME.test(name)) r.fail(p, `property name must be ${NAME_HINT}`);
      properties[name] = r.oneOf(verdict, p, PROPERTY_VERDICTS);
    }
  }
  const reachable =
    o.reachable === undefined
      ? undefined
      : r.array(o.reachable, at('reachable')).map((k, i) => r.name(k, indexPath(at('reachable'), i)));
  let makespan: { equals?: number; claim?: number } | undefined;
  if (o.makespan !== undefined) {
    const m = r.object(o.makespan, at('makespan'), ['equals', 'claim']);
    const mp = at('makespan');
    makespan = {
      ...(m.equals !== undefined && { equals: r.number(m.equals, childPath(mp, 'equals'), 0, Number.MAX_VALUE) }),
      ...(m.claim !== undefined && { claim: r.number(m.claim, childPath(mp, 'claim'), 0, Number.MAX_VALUE) }),
    };
  }
  const maxConcurrent =
    o.maxConcurrent === undefined ? undefined : r.integer(o.maxConcurrent, at('maxConcurrent'), 0, Number.MAX_SAFE_INTEGER);
  return {
    ...(properties !== undefined && { properties }),
    ...(reachable !== undefined && { reachable }),
    ...(makespan !== undefined && { makespan }),
    ...(maxConcurrent !== undefined && { maxConcurrent }),
  };
}

function readExploreHints(r: FieldReader, v: unknown, path: string): ExploreHints {
  const o = r.object(v, path, ['runs']);
  return o.runs === undefined ? {} : { runs: r.integer(o.runs, childPath(path, 'runs'), 1, LIMITS.runs) };
}

// ---------------------------------------------------------------------------------------
// Files.

/** Read and validate a scenario file (.json, .yaml or .yml). `display` is the path shown in messages. */
export function scenarioFromFile(path: string, display: string = path): Scenario {
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
    throw new InputError(display, `unsupported file type "${ext || '(none)'}" (expected .json, .yaml or .yml)`);
  }
  let text: string;
  try {
    // Some editors start UTF-8 files with a byte-order mark, which JSON.parse rejects.
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new InputError(display, fileProblem(e));
  }
  return parseScenario(ext === '.json' ? parseJsonText(text, display) : parseYamlText(text, display), display);
}

function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EISDIR':
      return 'is a directory, not a scenario file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return `cannot read file (${code ?? (e as Error).message})`;
  }
}

function parseJsonText(text: string, display: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(display, `invalid JSON: ${describeJsonError(text) ?? (e as Error).message.split('\n')[0]}`);
  }
}

/**
 * Where JSON text goes wrong, by line and column: V8's messages vary across Node versions
 * (some give a character offset, some a snippet), and authors fix files by line.
 */
export function describeJsonError(text: string): string | undefined {
  let pos: number;
  try {
    pos = firstJsonError(text);
  } catch {
    return undefined; // nesting too deep for the scanner: fall back to V8's message
  }
  if (pos < 0) return undefined;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const what = pos >= text.length ? 'unexpected end of file' : `unexpected ${JSON.stringify(text[pos])}`;
  return `${what} at line ${line}, column ${column}`;
}

class JsonSyntax extends Error {}

/** Offset of the first syntax error in `text` (RFC 8259), or -1 if it is valid JSON. */
function firstJsonError(text: string): number {
  let i = 0;
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
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') bad();
        string();
        ws();
        if (text[i] !== ':') bad();
        i++;
        value();
        ws();
        if (text[i] === '}') return void i++;
        if (text[i] !== ',') bad();
        i++;
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ']') return void i++;
        if (text[i] !== ',') bad();
        i++;
      }
    }
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
    return -1;
  } catch (e) {
    if (e instanceof JsonSyntax) return i;
    throw e;
  }
}

function parseYamlText(text: string, display: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: true, prettyErrors: true });
  } catch (e) {
    // The yaml package appends a multi-line source excerpt; the CLI prints one line.
    const first = (e as Error).message.split('\n')[0]!.replace(/:\s*$/, '');
    throw new InputError(display, `invalid YAML: ${first}`);
  }
}
