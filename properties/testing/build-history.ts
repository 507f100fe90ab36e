/**
 * Terse hand-written histories and run views, for tests of models and properties (yours too:
 * see docs/adding-an-invariant.md).
 *
 *   buildHistory([
 *     'T0/A acquire',            // task A of loop thread T0 (loop "loop@T0") calls acquire() on sem "S"
 *     'T0/A acquired',
 *     'T1 release sem=L t=0.5',  // plain thread T1 (no loop), instance "L", virtual time 0.5 from now on
 *     'T1/B error:wrong-loop',   // error ends T1/B's pending call (op inferred; acquire if none)
 *     'T0/A record:1',           // the scenario's own events: record "1" (spawn:c4: task c4 created)
 *   ])
 *
 * Line: `<thread>[/<task>] <kind>|error:<class>|record:<tag>|spawn:<task> [sem=<id>] [t=<seconds>] [step=<n>] [loop=<id>|none] [n=<k>]`
 * (`n`: a release(n)'s `release` event).
 * Defaults: sem "S" (or options.sem), step = seq + 1, time carried over from the previous line.
 */
import { semaphoreEvents, type ErrorClass, type HistoryEvent, type OpName, type PyError, type SemaphoreEventKind } from '../../src/contract/events.ts';
import type { BlockedThread, RunResult, RunStatus, SemaphoreFinal } from '../../src/contract/run-result.ts';
import type { Expectations, Scenario, SemaphoreDecl, ThreadDecl } from '../../src/scenario/types.ts';
import type { RunView } from '../api.ts';
import { extractOperations } from '../../models/operations.ts';

const KINDS: readonly SemaphoreEventKind[] = ['acquire', 'waiting', 'acquired', 'not-acquired', 'release', 'released', 'cancelled'];

export function buildHistory(lines: readonly string[], options: { readonly sem?: string } = {}): HistoryEvent[] {
  const open = new Map<string, OpName>();
  let time = 0;
  return lines.map((line, seq) => {
    const [who, what, ...rest] = line.trim().split(/\s+/);
    if (who === undefined || what === undefined) throw new Error(`bad history line ${seq}: '${line}'`);
    const [thread, task = null] = who.split('/') as [string, string?];
    const opt = new Map(rest.map((r) => r.split('=', 2) as [string, string]));
    time = opt.has('t') ? Number(opt.get('t')) : time;
    const sem = opt.get('sem') ?? options.sem ?? 'S';
    const loopOpt = opt.get('loop');
    const loop = loopOpt === 'none' ? null : (loopOpt ?? (task === null ? null : `loop@${thread}`));
    const key = `${sem}|${task ?? thread}`;
    const step = opt.has('step') ? Number(opt.get('step')) : seq + 1;
    const scenarioEvent = /^(record|spawn):(.+)$/.exec(what);
    if (scenarioEvent !== null) return { seq, step, time, thread, loop, task, kind: scenarioEvent[1] as 'record' | 'spawn', tag: scenarioEvent[2]! };
    let kind: SemaphoreEventKind;
    let op: OpName;
    let error: PyError | undefined;
    if (what.startsWith('error:')) {
      kind = 'error';
      op = open.get(key) ?? 'acquire';
      error = pyError(what.slice('error:'.length) as ErrorClass);
    } else if ((KINDS as readonly string[]).includes(what)) {
      kind = what as SemaphoreEventKind;
      op = kind === 'release' || kind === 'released' ? 'release' : 'acquire';
    } else throw new Error(`bad event kind in line ${seq}: '${line}'`);
    if (kind === 'acquire' || kind === 'release') open.set(key, op);
    else if (kind !== 'waiting') open.delete(key);
    const n = kind === 'release' && opt.has('n') ? { n: Number(opt.get('n')) } : {};
    return { seq, step, time, thread, loop, task, sem, kind, op, ...(error === undefined ? {} : { error }), ...n };
  });
}

function pyError(cls: ErrorClass): PyError {
  switch (cls) {
    case 'wrong-loop':
      return { type: 'RuntimeError', message: '<asyncio.locks.Semaphore object at 0x?> is bound to a different event loop', class: cls };
    case 'future-other-loop':
      return { type: 'RuntimeError', message: 'Task <Task pending> got Future <Future pending> attached to a different loop', class: cls };
    case 'released-too-many':
      return { type: 'ValueError', message: 'BoundedSemaphore released too many times', class: cls };
    default:
      return { type: 'Exception', message: 'boom', class: 'other' };
  }
}

export interface RunViewOptions {
  /** Scenario declarations; default `{ S: { kind: 'asyncio', value: 1 } }`. */
  readonly semaphores?: Readonly<Record<string, SemaphoreDecl>>;
  readonly impl?: string;
  readonly status?: RunStatus;
  readonly blocked?: readonly BlockedThread[];
  /** Overrides of the final state per instance id; by default each instance ends as its history implies. */
  readonly finals?: Readonly<Record<string, Partial<SemaphoreFinal>>>;
  /** Default: the largest step in the history. */
  readonly steps?: number;
  /** The scenario's expectations (`records`, `parked`, ...); default none. */
  readonly expect?: Expectations;
  /** The scenario's threads; default one per thread of the history, without tasks. */
  readonly threads?: readonly ThreadDecl[];
}

export function runView(history: readonly HistoryEvent[], options: RunViewOptions = {}): RunView {
  const decls = options.semaphores ?? { S: { kind: 'asyncio', value: 1 } };
  const ids = new Set(
    Object.entries(decls)
      .filter(([, d]) => d.scope !== 'per-thread')
      .map(([id]) => id),
  );
  for (const e of semaphoreEvents(history)) ids.add(e.sem);
  const semaphores: SemaphoreFinal[] = [...ids].map((id) => {
    const decl = decls[id.split('@')[0]!];
    if (decl === undefined) throw new Error(`runView: sem '${id}' is not declared`);
    const mine = extractOperations(history).ops.filter((o) => o.sem === id);
    // Permits, not calls: a release(n) that returned gave n.
    const n = (kind: SemaphoreEventKind) => mine.filter((o) => o.end?.kind === kind).reduce((k, o) => k + o.n, 0);
    return {
      id,
      kind: decl.kind,
      initial: decl.value,
      bounded: decl.bounded ?? false,
      value: decl.value - n('acquired') + n('released'),
      waiters: 0,
      boundLoop: null,
      inFlight: 0,
      ...options.finals?.[id],
    };
  });
  const threads: readonly ThreadDecl[] =
    options.threads ??
    [...new Set(history.map((e) => e.thread))].map((name) => ({
      name,
      loop: history.some((e) => e.thread === name && e.loop !== null),
      tasks: [],
    }));
  const scenario: Scenario = {
    id: 'hand-written',
    title: 'hand-written history',
    semaphores: decls,
    threads,
    ...(options.impl === undefined ? {} : { impl: options.impl }),
    ...(options.expect === undefined ? {} : { expect: options.expect }),
  };
  const run: RunResult = {
    status: options.status ?? 'completed',
    history,
    trace: [],
    semaphores,
    ...(options.blocked === undefined ? {} : { blocked: options.blocked }),
    endTime: Math.max(0, ...history.map((e) => e.time)),
    steps: options.steps ?? Math.max(0, ...history.map((e) => e.step)),
    schedule: [],
  };
  return { scenario, run, history };
}
