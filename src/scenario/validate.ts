/**
 * Validation of scenario documents (src/scenario/types.ts) coming from users: files, replay
 * tokens. Every problem is an InputError naming the exact field path, e.g.
 * `threads[1].tasks[0].ops[2].seconds`, because a scenario author fixing a file needs the
 * spot, not a schema dump. Unknown keys are rejected: a misspelt `bounded` or `scope` would
 * otherwise silently check a different scenario than the one intended.
 */
import { childPath, describeValue, FieldReader, indexPath, NAME, NAME_HINT } from './field-reader.ts';
import { readOps, spawnedTasks, type OpEnv } from './read-ops.ts';
import { LIMITS } from './limits.ts';
import { knownImplementations } from '../contract/user-implementations.ts';
import { overlaps, parseVersionRange, type VersionRange } from './version-expectations.ts';
import type {
  DeclaredCancellation,
  Expectations,
  ExploreHints,
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
export { OP_KEYS } from './read-ops.ts';

// ---------------------------------------------------------------------------------------
// The scenario format.

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
  const expect = o.expect === undefined ? undefined : readExpectations(r, o.expect, at('expect'), { taskThread, threads });
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

    // Task names first, spawned ones included: a task may cancel or await a sibling declared
    // after it, or one spawned anywhere in its thread.
    const tasksPath = childPath(p, 'tasks');
    const taskItems = r.array(t.tasks, tasksPath, { nonEmpty: true, maxLength: LIMITS.tasksPerThread });
    const names = new Set<string>();
    const claim = (taskName: string, namePath: string) => {
      const other = taskPaths.get(taskName);
      if (other !== undefined) r.fail(namePath, `duplicate task name ${describeValue(taskName)} (also ${other}); task names are unique across the scenario`);
      taskPaths.set(taskName, namePath);
      taskThread.set(taskName, { name, loop });
      names.add(taskName);
    };
    const shells = taskItems.map((taskItem, j) => {
      const tp = indexPath(tasksPath, j);
      const to = r.object(taskItem, tp, ['name', 'ops'], ['name', 'ops']);
      const taskName = r.name(to.name, childPath(tp, 'name'));
      claim(taskName, childPath(tp, 'name'));
      return { tp, taskName, ops: to.ops };
    });
    for (const s of shells) for (const spawned of spawnedTasks(s.ops, childPath(s.tp, 'ops'))) claim(spawned.name, spawned.path);
    if (names.size > LIMITS.tasksPerThread)
      r.fail(tasksPath, `at most ${LIMITS.tasksPerThread} tasks per thread allowed, spawned ones included, got ${names.size}`);

    const thread = { name, loop, tasks: names };
    const tasks: TaskDecl[] = shells.map((s) => {
      const env: OpEnv = { r, semaphores, thread, declared, task: s.taskName, repeated: false };
      return { name: s.taskName, ops: readOps(env, s.ops, childPath(s.tp, 'ops'), 0) };
    });
    threads.push({ name, loop, tasks });
  });
  return { threads, taskThread };
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

/** What `expect.parked` may name: the tasks (spawned ones included) and the plain threads. */
interface Actors {
  readonly taskThread: ReadonlyMap<string, { name: string; loop: boolean }>;
  readonly threads: readonly ThreadDecl[];
}

/**
 * An `expect` block (a scenario's, or a program's sidecar file's: src/program/load.ts). `actors`: what
 * `expect.parked` may name, when the tasks are known (a scenario's; a program names its own).
 */
export function readExpectations(r: FieldReader, v: unknown, path: string, actors?: Actors): Expectations {
  const o = r.object(v, path, [...EXPECTATION_KEYS, 'records', 'parked', 'versions']);
  const at = (key: string): string => childPath(path, key);
  const base = readExpectationFields(r, o, path);
  const records =
    o.records === undefined
      ? undefined
      : r.array(o.records, at('records')).map((tag, i) => r.string(tag, indexPath(at('records'), i), { nonEmpty: true, maxLength: LIMITS.name }));
  const parked = o.parked === undefined ? undefined : r.array(o.parked, at('parked')).map((name, i) => readParked(r, name, indexPath(at('parked'), i), actors));
  return {
    ...base,
    ...(records !== undefined && { records }),
    ...(parked !== undefined && { parked }),
    ...(o.versions !== undefined && { versions: readVersionBlocks(r, o.versions, at('versions')) }),
  };
}

function readParked(r: FieldReader, v: unknown, path: string, actors: Actors | undefined): string {
  const name = r.name(v, path);
  if (actors === undefined) return name;
  const { taskThread, threads } = actors;
  if (taskThread.has(name) || threads.some((t) => t.name === name && !t.loop)) return name;
  const plain = threads.filter((t) => !t.loop).map((t) => t.name);
  return r.fail(
    path,
    `unknown task ${describeValue(name)}: expected a task (${[...taskThread.keys()].join(', ')})${plain.length > 0 ? ` or a plain thread (${plain.join(', ')})` : ''}`,
  );
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
    const fields = r.record(block, p);
    for (const key of ['records', 'parked']) {
      if (fields[key] !== undefined)
        r.fail(
          childPath(p, key),
          `\`${key}\` is the scenario's, the same for every version: put it in \`expect\` (a version block may say whether a property holds)`,
        );
    }
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
