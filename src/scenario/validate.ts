/**
 * Validation of scenario documents (src/scenario/types.ts) coming from users: files, replay
 * tokens. Every problem is an InputError naming the exact field path, e.g.
 * `threads[1].tasks[0].ops[2].seconds`, because a scenario author fixing a file needs the
 * spot, not a schema dump. Unknown keys are rejected: a misspelt `bounded` or `scope` would
 * otherwise silently check a different scenario than the one intended.
 */
import { childPath, describeValue, FieldReader, indexPath, NAME, NAME_HINT } from './field-reader.ts';
import { LIMITS } from './limits.ts';
import { knownImplementations } from '../contract/user-implementations.ts';
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

/** The trace's pseudo-thread for clock advances (docs/execution-model.md). */
const RESERVED_THREADS = new Set(['clock']);

const PROPERTY_VERDICTS: readonly PropertyVerdict[] = ['holds', 'violated', 'any'];
const SEMAPHORE_KINDS: readonly SemaphoreKind[] = ['asyncio', 'threading'];
const SCOPES = ['shared', 'per-thread'] as const;

/** Each op's allowed keys; schema/scenario.schema.json must list the same (test/schema.test.ts). */
export const OP_KEYS: Readonly<Record<Op['op'], readonly string[]>> = {
  acquire: ['op', 'sem'],
  release: ['op', 'sem'],
  with: ['op', 'sem', 'body'],
  sleep: ['op', 'seconds'],
  hold: ['op', 'seconds', 'sem'],
  cancel: ['op', 'task'],
  repeat: ['op', 'times', 'body'],
};

// ---------------------------------------------------------------------------------------
// The scenario format.

/** What an operation may refer to: the semaphores, and the tasks of its own thread. */
interface OpEnv {
  readonly r: FieldReader;
  readonly semaphores: Readonly<Record<string, SemaphoreDecl>>;
  readonly thread: { readonly name: string; readonly loop: boolean; readonly tasks: ReadonlySet<string> };
  /** Operations declared so far across the whole scenario (LIMITS.ops). */
  readonly declared: { ops: number };
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
    // `$schema` lets editors complete fields from schema/scenario.schema.json; it means nothing here.
    ['$schema', 'id', 'title', 'claim', 'impl', 'semaphores', 'threads', 'cancellations', 'expect', 'explore'],
    ['id', 'title', 'semaphores', 'threads'],
  );
  const at = (key: string): string => childPath(path, key);

  const id = r.name(o.id, at('id'));
  const title = r.string(o.title, at('title'), { nonEmpty: true });
  const claim = o.claim === undefined ? undefined : r.string(o.claim, at('claim'), { nonEmpty: true });
  const impl = o.impl === undefined ? undefined : r.oneOf(o.impl, at('impl'), knownImplementations());
  const semaphores = readSemaphores(r, o.semaphores, at('semaphores'));
  const { threads, taskThread } = readThreads(r, o.threads, at('threads'), semaphores);
  const cancellations = o.cancellations === undefined ? undefined : readCancellations(r, o.cancellations, at('cancellations'), taskThread);
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
  if (names.length > LIMITS.semaphores) r.fail(path, `at most ${LIMITS.semaphores} semaphores allowed, got ${names.length}`);
  const out: Record<string, SemaphoreDecl> = {};
  for (const name of names) {
    const p = childPath(path, name);
    if (name.length > LIMITS.name || !NAME.test(name)) r.fail(p, `semaphore name must be at most ${LIMITS.name} ${NAME_HINT}`);
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
  const list = r.array(v, path, { nonEmpty: true, maxLength: LIMITS.threads });
  const declared = { ops: 0 };
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
    if (earlier !== undefined) r.fail(childPath(p, 'name'), `duplicate thread name ${describeValue(name)} (also ${earlier})`);
    threadNames.set(name, childPath(p, 'name'));
    const loop = r.boolean(t.loop, childPath(p, 'loop'));

    // Task names first: a task may cancel a sibling declared after it.
    const tasksPath = childPath(p, 'tasks');
    const taskItems = r.array(t.tasks, tasksPath, { nonEmpty: true, maxLength: LIMITS.tasksPerThread });
    const shells = taskItems.map((taskItem, j) => {
      const tp = indexPath(tasksPath, j);
      const to = r.object(taskItem, tp, ['name', 'ops'], ['name', 'ops']);
      const taskName = r.name(to.name, childPath(tp, 'name'));
      const other = taskPaths.get(taskName);
      if (other !== undefined)
        r.fail(childPath(tp, 'name'), `duplicate task name ${describeValue(taskName)} (also ${other}); task names are unique across the scenario`);
      taskPaths.set(taskName, childPath(tp, 'name'));
      taskThread.set(taskName, { name, loop });
      return { tp, taskName, ops: to.ops };
    });

    const env: OpEnv = { r, semaphores, thread: { name, loop, tasks: new Set(shells.map((s) => s.taskName)) }, declared };
    const tasks: TaskDecl[] = shells.map((s) => ({ name: s.taskName, ops: readOps(env, s.ops, childPath(s.tp, 'ops'), 0) }));
    threads.push({ name, loop, tasks });
  });
  return { threads, taskThread };
}

function readOps(env: OpEnv, v: unknown, path: string, depth: number): Op[] {
  if (depth > LIMITS.nesting) env.r.fail(path, `bodies nested more than ${LIMITS.nesting} deep`);
  const items = env.r.array(v, path);
  env.declared.ops += items.length;
  if (env.declared.ops > LIMITS.ops) env.r.fail(path, `more than ${LIMITS.ops} operations declared in the scenario (bodies included, repeats not expanded)`);
  return items.map((item, i) => readOp(env, item, indexPath(path, i), depth));
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
    if (!Object.hasOwn(semaphores, name)) r.fail(path, `unknown semaphore ${describeValue(name)} (declared: ${declared.join(', ')})`);
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
    r.fail(
      path,
      `unknown task ${describeValue(task)} in thread "${thread.name}" (tasks: ${[...thread.tasks].join(', ')}); only tasks of the same loop can be cancelled`,
    );
  }
  return task;
}

function readCancellations(r: FieldReader, v: unknown, path: string, taskThread: ReadonlyMap<string, { name: string; loop: boolean }>): DeclaredCancellation[] {
  const seen = new Set<string>();
  return r.array(v, path).map((item, i) => {
    const p = indexPath(path, i);
    const o = r.object(item, p, ['task'], ['task']);
    const task = r.string(o.task, childPath(p, 'task'), { nonEmpty: true });
    const owner = taskThread.get(task);
    if (owner === undefined) r.fail(childPath(p, 'task'), `unknown task ${describeValue(task)} (tasks: ${[...taskThread.keys()].join(', ')})`);
    if (!owner.loop)
      r.fail(childPath(p, 'task'), `task "${task}" runs in thread "${owner.name}", which has no event loop; only asyncio tasks can be cancelled`);
    if (seen.has(task)) r.fail(childPath(p, 'task'), `duplicate cancellation of task "${task}"`);
    seen.add(task);
    return { task };
  });
}

/** An `expect` block (a scenario's, or a program's sidecar file's: src/program/load.ts). */
export function readExpectations(r: FieldReader, v: unknown, path: string): Expectations {
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
      if (name.length > LIMITS.name || !NAME.test(name)) r.fail(p, `property name must be at most ${LIMITS.name} ${NAME_HINT}`);
      properties[name] = r.oneOf(verdict, p, PROPERTY_VERDICTS);
    }
  }
  const reachable = o.reachable === undefined ? undefined : r.array(o.reachable, at('reachable')).map((k, i) => r.name(k, indexPath(at('reachable'), i)));
  let makespan: { equals?: number; claim?: number } | undefined;
  if (o.makespan !== undefined) {
    const m = r.object(o.makespan, at('makespan'), ['equals', 'claim']);
    const mp = at('makespan');
    makespan = {
      ...(m.equals !== undefined && { equals: r.number(m.equals, childPath(mp, 'equals'), 0, Number.MAX_VALUE) }),
      ...(m.claim !== undefined && { claim: r.number(m.claim, childPath(mp, 'claim'), 0, Number.MAX_VALUE) }),
    };
  }
  const maxConcurrent = o.maxConcurrent === undefined ? undefined : r.integer(o.maxConcurrent, at('maxConcurrent'), 0, Number.MAX_SAFE_INTEGER);
  return {
    ...(properties !== undefined && { properties }),
    ...(reachable !== undefined && { reachable }),
    ...(makespan !== undefined && { makespan }),
    ...(maxConcurrent !== undefined && { maxConcurrent }),
  };
}

/** An `explore` block (a scenario's, or a program's sidecar file's). */
export function readExploreHints(r: FieldReader, v: unknown, path: string): ExploreHints {
  const o = r.object(v, path, ['runs']);
  return o.runs === undefined ? {} : { runs: r.integer(o.runs, childPath(path, 'runs'), 1, LIMITS.runs) };
}
