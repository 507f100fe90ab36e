/**
 * Validation of a task's operations (the `ops` of src/scenario/types.ts), with one-line errors
 * naming the field path, like the rest of src/scenario/validate.ts. What an op may refer to is
 * decided here: the declared semaphores, and the tasks of its own thread (spawned ones included,
 * wherever in the thread they are spawned).
 */
import { childPath, describeValue, type FieldReader, indexPath } from './field-reader.ts';
import { LIMITS } from './limits.ts';
import type { Op, SemaphoreDecl, TaskDecl } from './types.ts';

/** Each op's allowed keys; schema/scenario.schema.json must list the same (test/schema.test.ts). */
export const OP_KEYS: Readonly<Record<Op['op'], readonly string[]>> = {
  acquire: ['op', 'sem', 'timeout', 'blocking'],
  release: ['op', 'sem', 'n'],
  with: ['op', 'sem', 'body'],
  sleep: ['op', 'seconds'],
  hold: ['op', 'seconds', 'sem'],
  cancel: ['op', 'task', 'msg'],
  repeat: ['op', 'times', 'body'],
  spawn: ['op', 'task'],
  record: ['op', 'tag'],
  await: ['op', 'task'],
};

/** Every operation of the format (docs/scenario-format.md documents each). */
export const OPERATIONS = Object.keys(OP_KEYS) as readonly Op['op'][];

/** What an operation may refer to: the semaphores, and the tasks of its own thread. */
export interface OpEnv {
  readonly r: FieldReader;
  readonly semaphores: Readonly<Record<string, SemaphoreDecl>>;
  /** Its thread; `tasks`: every task of it, the ones it spawns included. */
  readonly thread: { readonly name: string; readonly loop: boolean; readonly tasks: ReadonlySet<string> };
  /** Operations declared so far across the whole scenario (LIMITS.ops). */
  readonly declared: { ops: number };
  /** The task these operations belong to. */
  readonly task: string;
  /** Inside a `repeat` body: a spawn there would create its task more than once. */
  readonly repeated: boolean;
}

export function readOps(env: OpEnv, v: unknown, path: string, depth: number): Op[] {
  if (depth > LIMITS.nesting) env.r.fail(path, `bodies nested more than ${LIMITS.nesting} deep`);
  const items = env.r.array(v, path);
  env.declared.ops += items.length;
  if (env.declared.ops > LIMITS.ops) env.r.fail(path, `more than ${LIMITS.ops} operations declared in the scenario (bodies included, repeats not expanded)`);
  return items.map((item, i) => readOp(env, item, indexPath(path, i), depth));
}

function readOp(env: OpEnv, v: unknown, path: string, depth: number): Op {
  const { r } = env;
  const kinds = OPERATIONS;
  // The kind decides which keys are allowed, so read it before checking the keys.
  const head = r.record(v, path);
  if (head.op === undefined) r.fail(childPath(path, 'op'), `missing (required: one of ${kinds.join(', ')})`);
  const op = r.oneOf(head.op, childPath(path, 'op'), kinds);
  const o = r.object(v, path, OP_KEYS[op], ['op']);
  const at = (key: string): string => childPath(path, key);
  const required = (key: string): unknown => (o[key] === undefined ? r.fail(at(key), 'missing (required)') : o[key]);
  switch (op) {
    case 'acquire':
      return readAcquire(env, o, at);
    case 'release': {
      const { given, decl, name } = semField(env, o.sem, at('sem'));
      if (o.n === undefined) return { op, ...given };
      const n = r.integer(o.n, at('n'), 1, LIMITS.semaphoreValue);
      if (decl.kind === 'asyncio') r.fail(at('n'), `asyncio.Semaphore.release() takes no n (semaphore "${name}" is asyncio); release(n) is threading's, 3.9+`);
      return { op, ...given, n };
    }
    case 'with':
      required('body');
      return { op, ...semField(env, o.sem, at('sem')).given, body: readOps({ ...env }, o.body, at('body'), depth + 1) };
    case 'sleep':
      return { op, seconds: readSeconds(r, o.seconds, at('seconds')) };
    case 'hold':
      return { op, seconds: readSeconds(r, o.seconds, at('seconds')), ...semField(env, o.sem, at('sem')).given };
    case 'cancel': {
      const task = sameLoopTask(env, required('task'), at('task'), 'cancel');
      return { op, task, ...(o.msg !== undefined && { msg: r.string(o.msg, at('msg')) }) };
    }
    case 'repeat':
      required('times');
      required('body');
      return {
        op,
        times: r.integer(o.times, at('times'), 1, LIMITS.repeatTimes),
        body: readOps({ ...env, repeated: true }, o.body, at('body'), depth + 1),
      };
    case 'spawn':
      return { op, task: readSpawned(env, required('task'), at('task'), depth) };
    case 'record':
      return { op, tag: r.string(required('tag'), at('tag'), { nonEmpty: true, maxLength: LIMITS.name }) };
    case 'await': {
      const task = sameLoopTask(env, required('task'), at('task'), 'await');
      if (task === env.task) r.fail(at('task'), `task "${task}" would wait for itself forever`);
      return { op, task };
    }
  }
}

function readAcquire(env: OpEnv, o: Record<string, unknown>, at: (key: string) => string): Op {
  const { r } = env;
  const { given, decl, name } = semField(env, o.sem, at('sem'));
  const timeout = o.timeout === undefined ? undefined : r.number(o.timeout, at('timeout'), 0, LIMITS.seconds);
  const blocking = o.blocking === undefined ? undefined : r.boolean(o.blocking, at('blocking'));
  if (blocking !== undefined && decl.kind === 'asyncio') {
    r.fail(at('blocking'), `asyncio.Semaphore.acquire() has no blocking argument (semaphore "${name}" is asyncio); a timeout is asyncio.wait_for`);
  }
  if (blocking === false && timeout !== undefined) r.fail(at('timeout'), "can't specify a timeout for a non-blocking acquire (Python raises ValueError)");
  return { op: 'acquire', ...given, ...(timeout !== undefined && { timeout }), ...(blocking !== undefined && { blocking }) };
}

function readSpawned(env: OpEnv, v: unknown, path: string, depth: number): TaskDecl {
  const { r, thread } = env;
  if (!thread.loop) r.fail(path, `spawn creates an asyncio task: only in a thread with an event loop; thread "${thread.name}" has loop: false`);
  const o = r.object(v, path, ['name', 'ops'], ['name', 'ops']);
  const name = r.name(o.name, childPath(path, 'name'));
  if (env.repeated) r.fail(childPath(path, 'name'), `a spawn inside a repeat would create task "${name}" more than once; task names are unique`);
  return { name, ops: readOps({ ...env, task: name }, o.ops, childPath(path, 'ops'), depth + 1) };
}

function readSeconds(r: FieldReader, v: unknown, path: string): number {
  if (v === undefined) r.fail(path, 'missing (required)');
  return r.number(v, path, 0, LIMITS.seconds);
}

/**
 * Check an operation's `sem`: `given` is the field as written (absent stays absent: backends apply
 * the same default, the only semaphore when exactly one is declared), `name` and `decl` what it means.
 */
function semField(env: OpEnv, v: unknown, path: string): { given: { sem?: string }; name: string; decl: SemaphoreDecl } {
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
  const decl = semaphores[name]!;
  // A threading semaphore is fine anywhere: in a loop thread its blocking acquire stalls the
  // whole loop, which is a behaviour worth checking, not a malformed scenario.
  if (decl.kind === 'asyncio' && !thread.loop) {
    r.fail(path, `asyncio semaphore "${name}" used in thread "${thread.name}", which has no event loop (loop: false)`);
  }
  return { given: v === undefined ? {} : { sem: name }, name, decl };
}

/** The task a `cancel` or `await` names: one of this loop's (asyncio tasks belong to one loop). */
function sameLoopTask(env: OpEnv, v: unknown, path: string, what: 'cancel' | 'await'): string {
  const { r, thread } = env;
  const task = r.string(v, path, { nonEmpty: true });
  if (!thread.loop) r.fail(path, `${what} is only possible in a thread with an event loop; thread "${thread.name}" has loop: false`);
  if (!thread.tasks.has(task)) {
    r.fail(
      path,
      `unknown task ${describeValue(task)} in thread "${thread.name}" (tasks: ${[...thread.tasks].join(', ')}); only tasks of the same loop can be ${what === 'cancel' ? 'cancelled' : 'awaited'}`,
    );
  }
  return task;
}

/**
 * The tasks `ops` spawn, at any depth, with the path of each name: read before the operations
 * themselves, so that an op may cancel or await a task spawned later or elsewhere in its thread.
 * Lenient about shapes: what is malformed is reported when the operations are read.
 */
export function spawnedTasks(ops: unknown, path: string): { name: string; path: string }[] {
  if (!Array.isArray(ops)) return [];
  const out: { name: string; path: string }[] = [];
  ops.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) return;
    const o = item as Record<string, unknown>;
    const p = indexPath(path, i);
    if (o.op === 'spawn' && typeof o.task === 'object' && o.task !== null) {
      const t = o.task as Record<string, unknown>;
      if (typeof t.name === 'string') out.push({ name: t.name, path: childPath(childPath(p, 'task'), 'name') });
      out.push(...spawnedTasks(t.ops, childPath(childPath(p, 'task'), 'ops')));
    }
    if (o.op === 'with' || o.op === 'repeat') out.push(...spawnedTasks(o.body, childPath(p, 'body')));
  });
  return out;
}
