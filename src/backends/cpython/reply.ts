/**
 * What crosses the pipe from the harness, checked before anything believes it: the reply to
 * `hello`, a run's RunResult, and the progress lines of a run in flight. A value that does not
 * fit is a ProtocolError naming the path of the first field that failed (`result.history[3].kind`),
 * never a RunResult with holes in it that a property would then judge.
 */
import {
  SCENARIO_EVENT_KINDS,
  type ErrorClass,
  type EventKind,
  type HistoryEvent,
  type OpName,
  type PyError,
  type ScenarioEventKind,
} from '../../contract/events.ts';
import type { Scenario, SemaphoreKind } from '../../scenario/types.ts';
import type { Decision, Deviation } from '../../contract/schedule.ts';
import { childPath, FieldReader, indexPath } from '../../scenario/field-reader.ts';
import { readSchedule } from '../../scenario/read-schedule.ts';
import {
  UNCONTROLLED_USES,
  type BlockedThread,
  type RunFailure,
  type RunResult,
  type RunStatus,
  type SemaphoreFinal,
  type TraceEntry,
} from '../../contract/run-result.ts';
import { PROGRAM_MAIN_THREAD } from '../../contract/program.ts';
import { CLOCK_THREAD } from '../../contract/names.ts';
import type { HarnessInfo } from './harness-info.ts';

/** The harness said something this side cannot use. `field` is where, `problem` what. */
export class ProtocolError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'ProtocolError';
  }
}

/**
 * FieldReader's checks and messages, plus field getters that build a field's path only when it
 * fails: a traced run's reply has thousands of fields, and building every path cost more than
 * the run's own JSON parsing.
 */
class ReplyReader extends FieldReader {
  constructor() {
    super(undefined);
  }
  override fail(path: string, problem: string): never {
    throw new ProtocolError(path === '' ? '(reply)' : path, problem);
  }
  int(o: Record<string, unknown>, key: string, path: string, min = 0): number {
    const v = o[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= INT ? v : this.integer(v, childPath(path, key), min, INT);
  }
  /** A finite number >= 0 (times). */
  num(o: Record<string, unknown>, key: string, path: string): number {
    const v = o[key];
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : this.number(v, childPath(path, key), 0, Number.MAX_VALUE);
  }
  str(o: Record<string, unknown>, key: string, path: string, nonEmpty = true): string {
    const v = o[key];
    return typeof v === 'string' && (!nonEmpty || v.trim() !== '') ? v : this.string(v, childPath(path, key), { nonEmpty });
  }
  strOrNull(o: Record<string, unknown>, key: string, path: string): string | null {
    return o[key] === null ? null : this.str(o, key, path);
  }
  member<T extends string>(o: Record<string, unknown>, key: string, path: string, values: Readonly<Record<T, true>>): T {
    const v = o[key];
    return typeof v === 'string' && Object.hasOwn(values, v) ? (v as T) : this.oneOf(v, childPath(path, key), keys(values));
  }
}

/** Values as sets, typed against their unions: a value added to a union fails to compile until it is listed here. */
/** What the harness may answer: it never prunes, so `pruned` from it is a protocol failure. */
const STATUSES: Readonly<Record<Exclude<RunStatus, 'pruned'>, true>> = { completed: true, hang: true, 'step-limit': true, error: true };
const EVENT_KINDS: Readonly<Record<EventKind, true>> = {
  acquire: true,
  waiting: true,
  acquired: true,
  'not-acquired': true,
  release: true,
  released: true,
  cancelled: true,
  error: true,
  record: true,
  spawn: true,
};
const OPS: Readonly<Record<OpName, true>> = { acquire: true, release: true };
const ERROR_CLASSES: Readonly<Record<ErrorClass, true>> = { 'wrong-loop': true, 'future-other-loop': true, 'released-too-many': true, other: true };
const SEMAPHORE_KINDS: Readonly<Record<SemaphoreKind, true>> = { asyncio: true, threading: true };
/** The failures the harness may report itself; the others are this side's to observe. */
const HARNESS_FAILURES: Readonly<Record<'code-raised' | 'code-exited' | 'harness-error' | 'uncontrolled', true>> = {
  'code-raised': true,
  'code-exited': true,
  'harness-error': true,
  uncontrolled: true,
};
/** A program's thread names are the program's own (`T0`, `Thread-1 (worker)`), made unique by the harness. */
const MAX_THREAD_NAME = 80;
const keys = <K extends string>(set: Readonly<Record<K, true>>): readonly K[] => Object.keys(set) as K[];

const INT = Number.MAX_SAFE_INTEGER;

export function readHello(value: unknown): HarnessInfo {
  const r = new ReplyReader();
  const o = r.object(
    value,
    '',
    ['id', 'ok', 'version', 'short', 'model', 'implementation', 'executable', 'pid'],
    ['version', 'short', 'model', 'executable', 'pid'],
  );
  return {
    version: r.str(o, 'version', ''),
    short: r.str(o, 'short', ''),
    model: r.str(o, 'model', ''),
    executable: r.str(o, 'executable', ''),
    pid: r.int(o, 'pid', '', 1),
  };
}

/**
 * A run request's reply: `{id, ok: true, result, restart?}`. A program's run (`program`) declares
 * its threads in `result.threads`; everything else in it may name only those.
 */
export function readRunReply(value: unknown, scenario: Scenario, program = false): { readonly result: RunResult; readonly restart: boolean } {
  const r = new ReplyReader();
  const o = r.object(value, '', ['id', 'ok', 'result', 'restart'], ['result']);
  const restart = o.restart === undefined ? false : r.boolean(o.restart, 'restart');
  const names = new Names(scenario, program);
  if (program) {
    const declared = r.record(o.result, 'result').threads;
    const list = r.array(declared, 'result.threads', { nonEmpty: true });
    if (list[0] !== PROGRAM_MAIN_THREAD)
      r.fail('result.threads[0]', `expected "${PROGRAM_MAIN_THREAD}" (the program's main thread), got ${JSON.stringify(list[0])}`);
    for (const [i, n] of list.entries()) names.declare(r, n, indexPath('result.threads', i));
  }
  return { result: readRunResult(r, o.result, 'result', names), restart };
}

/** What the harness tells while a run is in flight (see Sched.tell in the harness). */
export type Progress = { readonly step: number; readonly time: number } & (
  | { readonly kind: 'deviation'; readonly deviation: Deviation }
  | { readonly kind: 'event'; readonly event: HistoryEvent }
  | { readonly kind: 'trace'; readonly entry: TraceEntry }
  | { readonly kind: 'steps' }
  /** A program started a thread: later lines may name it. */
  | { readonly kind: 'thread'; readonly thread: string }
);

const PROGRESS_KINDS: Readonly<Record<Progress['kind'], true>> = { deviation: true, event: true, trace: true, steps: true, thread: true };

/** A reader of one run's progress items (each of a `told` line's; a program's run: `program`, its threads told as they start). */
export function progressReader(scenario: Scenario, program = false): (value: unknown) => Progress {
  const names = new Names(scenario, program);
  if (program) names.declare(new ReplyReader(), PROGRAM_MAIN_THREAD, '');
  return (value) => readProgress(value, names);
}

function readProgress(value: unknown, names: Names): Progress {
  const r = new ReplyReader();
  const o = r.object(value, '', ['progress', 'step', 'time', 'value'], ['progress', 'step', 'time']);
  const at = { step: r.int(o, 'step', ''), time: r.num(o, 'time', '') };
  const kind = r.member(o, 'progress', '', PROGRESS_KINDS);
  switch (kind) {
    case 'deviation':
      return { ...at, kind, deviation: readDeviation(r, o.value, 'value', names) };
    case 'event':
      return { ...at, kind, event: readEvent(r, o.value, 'value', names) };
    case 'trace':
      return { ...at, kind, entry: readTraceEntry(r, o.value, 'value', names) };
    case 'steps':
      if (o.value !== undefined) r.fail('value', 'unexpected for "steps"');
      return { ...at, kind };
    case 'thread':
      if (!names.program) r.fail('progress', 'a scenario run starts no threads');
      return { ...at, kind, thread: names.declare(r, o.value, 'value') };
  }
}

/**
 * The thread names a reply may use: the scenario's, or, for a program's run, those the harness
 * declared (`declare`: told as the program starts them, listed in the result).
 */
class Names {
  private readonly threads: Set<string>;
  private view: Scenario | undefined;
  constructor(
    private readonly base: Scenario,
    readonly program: boolean,
  ) {
    this.threads = new Set(program ? [] : base.threads.map((t) => t.name));
    this.view = program ? undefined : base;
  }
  /** The scenario that schedules are read against: a program's with its threads declared so far. */
  get scenario(): Scenario {
    this.view ??= { ...this.base, threads: [...this.threads].map((name) => ({ name, loop: false, tasks: [] })) };
    return this.view;
  }
  declare(r: ReplyReader, value: unknown, path: string): string {
    const name = r.string(value, path, { nonEmpty: true });
    if (name.length > MAX_THREAD_NAME || name === CLOCK_THREAD || name !== name.trim())
      r.fail(path, `not a thread name the harness makes: ${JSON.stringify(name)}`);
    if (this.threads.has(name)) r.fail(path, `thread "${name}" declared twice`);
    this.threads.add(name);
    this.view = undefined;
    return name;
  }
  thread(r: ReplyReader, o: Record<string, unknown>, path: string, extra?: string): string {
    const name = r.str(o, 'thread', path);
    if (!this.threads.has(name) && name !== extra) r.fail(childPath(path, 'thread'), `unknown thread "${name}"`);
    return name;
  }
}

function readRunResult(r: ReplyReader, value: unknown, path: string, names: Names): RunResult {
  const o = r.object(
    value,
    path,
    ['status', 'history', 'trace', 'semaphores', 'blocked', 'endTime', 'steps', 'schedule', 'detail', 'failure', 'decisions', 'threads', 'output'],
    ['status', 'history', 'trace', 'semaphores', 'endTime', 'steps', 'schedule'],
  );
  if (!names.program && o.threads !== undefined) r.fail(childPath(path, 'threads'), 'unexpected for a scenario run');
  const output = o.output === undefined ? undefined : r.str(o, 'output', path, false);
  const at = (key: string) => childPath(path, key);
  const status = r.member(o, 'status', path, STATUSES);
  const failure = o.failure === undefined ? undefined : readFailure(r, o.failure, at('failure'));
  // The harness reports every failure with its kind: a failed run without one (or a good one with one) is not a reply of ours.
  if ((status === 'error') !== (failure !== undefined))
    r.fail(at('failure'), status === 'error' ? 'missing for status "error"' : `unexpected for status "${status}"`);
  const detail = o.detail === undefined ? undefined : r.str(o, 'detail', path, false);
  const blocked = o.blocked === undefined ? undefined : r.array(o.blocked, at('blocked')).map((b, i) => readBlocked(r, b, indexPath(at('blocked'), i)));
  const decisions =
    o.decisions === undefined ? undefined : r.array(o.decisions, at('decisions')).map((d, i) => readDecision(r, d, indexPath(at('decisions'), i)));
  return {
    status,
    history: r.array(o.history, at('history')).map((e, i) => readEvent(r, e, indexPath(at('history'), i), names)),
    trace: r.array(o.trace, at('trace')).map((e, i) => readTraceEntry(r, e, indexPath(at('trace'), i), names)),
    semaphores: r.array(o.semaphores, at('semaphores')).map((s, i) => readFinal(r, s, indexPath(at('semaphores'), i))),
    ...(blocked !== undefined && { blocked }),
    endTime: r.num(o, 'endTime', path),
    steps: r.int(o, 'steps', path),
    schedule: readSchedule(r, o.schedule, at('schedule'), names.scenario),
    ...(detail !== undefined && { detail }),
    ...(failure !== undefined && { failure }),
    ...(decisions !== undefined && { decisions }),
    ...(names.program && { threads: r.array(o.threads, at('threads')).map((n, i) => r.string(n, indexPath(at('threads'), i))) }),
    ...(output !== undefined && { output }),
  };
}

/** One entry of a prefix run's decision log: only decisions with a choice are logged, and the choice is one of them. */
function readDecision(r: ReplyReader, value: unknown, path: string): Decision {
  const o = r.object(value, path, ['arity', 'chosen', 'preempts'], ['arity', 'chosen', 'preempts']);
  const arity = r.int(o, 'arity', path, 2);
  const chosen = r.int(o, 'chosen', path);
  if (chosen >= arity) r.fail(childPath(path, 'chosen'), `expected an integer below the arity ${arity}, got ${chosen}`);
  return { arity, chosen, preempts: r.boolean(o.preempts, childPath(path, 'preempts')) };
}

function readFailure(r: ReplyReader, value: unknown, path: string): RunFailure {
  const kind = r.member(r.record(value, path), 'kind', path, HARNESS_FAILURES);
  if (kind === 'harness-error') {
    const o = r.object(value, path, ['kind', 'traceback']);
    return { kind, ...(o.traceback !== undefined && { traceback: r.str(o, 'traceback', path, false) }) };
  }
  if (kind === 'uncontrolled') {
    const o = r.object(value, path, ['kind', 'what'], ['kind', 'what']);
    return { kind, what: r.oneOf(o.what, childPath(path, 'what'), UNCONTROLLED_USES) };
  }
  const o = r.object(value, path, ['kind', 'exception'], ['kind', 'exception']);
  return { kind, exception: r.str(o, 'exception', path) };
}

function readEvent(r: ReplyReader, value: unknown, path: string, names: Names): HistoryEvent {
  const kind = r.member(r.record(value, path), 'kind', path, EVENT_KINDS);
  const base = ['seq', 'step', 'time', 'thread', 'loop', 'task', 'kind'];
  // A scenario event (record, spawn) has a tag and no semaphore; a semaphore's event the reverse.
  const scenarioEvent = (SCENARIO_EVENT_KINDS as readonly string[]).includes(kind);
  const o = scenarioEvent
    ? r.object(value, path, [...base, 'tag'], [...base, 'tag'])
    : r.object(value, path, [...base, 'sem', 'op', 'error', 'n'], [...base, 'sem', 'op']);
  const at = {
    seq: r.int(o, 'seq', path),
    step: r.int(o, 'step', path),
    time: r.num(o, 'time', path),
    thread: names.thread(r, o, path),
    loop: r.strOrNull(o, 'loop', path),
    task: r.strOrNull(o, 'task', path),
  };
  if (scenarioEvent) return { ...at, kind: kind as ScenarioEventKind, tag: r.str(o, 'tag', path, false) };
  if ((kind === 'error') !== (o.error !== undefined))
    r.fail(childPath(path, 'error'), kind === 'error' ? 'missing for an "error" event' : `unexpected for a "${kind}" event`);
  if (o.n !== undefined && kind !== 'release') r.fail(childPath(path, 'n'), `unexpected for a "${kind}" event`);
  return {
    ...at,
    sem: r.str(o, 'sem', path),
    kind: kind as Exclude<EventKind, ScenarioEventKind>,
    op: r.member(o, 'op', path, OPS),
    ...(o.error !== undefined && { error: readPyError(r, o.error, childPath(path, 'error')) }),
    ...(o.n !== undefined && { n: r.int(o, 'n', path, 1) }),
  };
}

function readPyError(r: ReplyReader, value: unknown, path: string): PyError {
  const o = r.object(value, path, ['type', 'message', 'class'], ['type', 'message', 'class']);
  return { type: r.str(o, 'type', path), message: r.str(o, 'message', path, false), class: r.member(o, 'class', path, ERROR_CLASSES) };
}

function readTraceEntry(r: ReplyReader, value: unknown, path: string, names: Names): TraceEntry {
  const o = r.object(value, path, ['step', 'time', 'thread', 'task', 'label', 'what', 'occ', 'decision'], ['step', 'time', 'thread', 'task', 'label', 'what']);
  return {
    step: r.int(o, 'step', path),
    time: r.num(o, 'time', path),
    // `clock` is the pseudo-thread that orders simultaneous wake-ups.
    thread: names.thread(r, o, path, 'clock'),
    task: r.strOrNull(o, 'task', path),
    label: r.str(o, 'label', path),
    what: r.str(o, 'what', path, false),
    ...(o.occ !== undefined && { occ: r.int(o, 'occ', path) }),
    ...(o.decision !== undefined && { decision: readDeviation(r, o.decision, childPath(path, 'decision'), names) }),
  };
}

/** One deviation, validated as the schedules of replay tokens are (src/explore/token.ts). */
function readDeviation(r: ReplyReader, value: unknown, path: string, names: Names): Deviation {
  // readSchedule reads arrays: read a one-element one, and report its paths as this value's own.
  return readSchedule(new OneElementReader(r, path), [value], '', names.scenario)[0]!;
}

class OneElementReader extends ReplyReader {
  constructor(
    private readonly parent: ReplyReader,
    private readonly path: string,
  ) {
    super();
  }
  override fail(p: string, problem: string): never {
    return this.parent.fail(this.path + p.replace(/^\[0\]/, ''), problem);
  }
}

function readFinal(r: ReplyReader, value: unknown, path: string): SemaphoreFinal {
  const o = r.object(
    value,
    path,
    ['id', 'kind', 'initial', 'bounded', 'value', 'inFlight', 'waiters', 'boundLoop'],
    ['id', 'kind', 'initial', 'bounded', 'value', 'inFlight', 'waiters', 'boundLoop'],
  );
  return {
    id: r.str(o, 'id', path),
    kind: r.member(o, 'kind', path, SEMAPHORE_KINDS),
    initial: r.int(o, 'initial', path),
    bounded: r.boolean(o.bounded, childPath(path, 'bounded')),
    // A target's own counter may be anything an int can be (negative in a broken one): the properties judge it, not this.
    value: o.value === null ? null : r.int(o, 'value', path, -INT),
    inFlight: r.int(o, 'inFlight', path),
    waiters: r.int(o, 'waiters', path),
    boundLoop: r.strOrNull(o, 'boundLoop', path),
  };
}

function readBlocked(r: ReplyReader, value: unknown, path: string): BlockedThread {
  const o = r.object(value, path, ['thread', 'on', 'tasks'], ['thread', 'on']);
  const tasks =
    o.tasks === undefined
      ? undefined
      : r.array(o.tasks, childPath(path, 'tasks')).map((t, i) => {
          const p = indexPath(childPath(path, 'tasks'), i);
          const x = r.object(t, p, ['task', 'awaits'], ['task', 'awaits']);
          return { task: r.str(x, 'task', p), awaits: r.str(x, 'awaits', p, false) };
        });
  // Not checked against the scenario: a failed description of the blocked threads says so in a thread "?".
  return { thread: r.str(o, 'thread', path), on: r.str(o, 'on', path, false), ...(tasks !== undefined && { tasks }) };
}
