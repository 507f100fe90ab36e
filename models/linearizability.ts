/**
 * Conformance: can a run's history of one semaphore instance be explained by the sequential
 * model, each operation taking effect atomically at some instant between its call and its
 * return (linearizability)?
 *
 * Operations become the model's steps:
 *   acquire without waiting   [acquire, acquired|error]   model.acquire must give the same result
 *   acquire without a permit  [acquire, not-acquired]     model.refuse (acquire(False), a timeout before it waited)
 *   acquire that waited       [acquire, first waiting]    model.acquire must give `enqueued`
 *                             [waiting, acquired]         model.grant
 *                             [waiting, cancelled]        model.cancel
 *                             [waiting, not-acquired]     model.timeOut
 *                             [waiting, error]            nothing explains it
 *   release                   [release, released|error]   model.release(n) must give the same result
 * An acquire cancelled before it parked has no effect and is ignored. Pending operations (the run
 * ended before they returned) may take effect with any result, or never.
 *
 * Search: Wing & Gong's DFS with Lowe's just-in-time linearization: walk the history; only when
 * an operation returns must it have taken effect, so only then try the open operations in every
 * order that makes it so. Memoised on (position, which open operations took effect, model state).
 * A sequential history never branches, so the common case is linear in its length.
 */
import { semaphoreEvents, type HistoryEvent } from '../src/contract/events.ts';
import { describeResult, type AcquireResult, type ModelDecl, type ReleaseResult, type SemaphoreModel } from './model.ts';
import { operationsOf, type Operation } from './operations.ts';

export type ConformanceResult =
  | { readonly verdict: 'ok' }
  /** `event`: the first event after which no linearization exists (the history up to the event before it has one). */
  | { readonly verdict: 'violation'; readonly event: HistoryEvent; readonly message: string }
  /** The search budget ran out: neither proved nor refuted. */
  | { readonly verdict: 'inconclusive'; readonly message: string };

export interface ConformanceOptions {
  /** Search nodes before giving up (default 200,000; the common case needs about one per event). */
  readonly maxNodes?: number;
  /** Histories with more atomic steps than this are not searched (default 20,000): the verdict is inconclusive. */
  readonly maxSteps?: number;
}

/** One atomic step the search may place between two positions of the history. Plain data: it is built per run. */
interface Step {
  readonly op: Operation;
  /** acquire/release: the model's call step; refuse: returns without a permit; leave: grant, cancel or timeOut; never: nothing explains it. */
  readonly kind: 'acquire' | 'release' | 'refuse' | 'leave' | 'never';
  /** Position (index into the instance's events) of the call; the step may take effect only after it. */
  readonly callPos: number;
  /** Position of the return (must take effect before it), or Infinity when pending. */
  readonly retPos: number;
  /** The step listed just before this one (same call) must take effect first. */
  readonly afterPrevious: boolean;
  /** acquire/release: the result the history shows, or null when pending (any result). */
  readonly expect: AcquireResult | ReleaseResult | null;
  /** leave: which ways out of the line the history allows. */
  readonly mayGrant: boolean;
  readonly mayCancel: boolean;
  readonly mayTimeOut: boolean;
  /** What the history shows this step returned: "acquired", "waiting", "error wrong-loop", ... */
  readonly observed: string;
}

class BudgetExceeded extends Error {}

export function checkLinearizable<S>(
  history: readonly HistoryEvent[],
  model: SemaphoreModel<S>,
  decl: ModelDecl,
  options: ConformanceOptions = {},
): ConformanceResult {
  const events = semaphoreEvents(history).filter((e) => e.sem === decl.id);
  const { ops, malformed } = operationsOf(history, decl.id);
  if (malformed.length > 0) {
    const m = malformed[0]!;
    return { verdict: 'violation', event: m.event, message: `malformed history on sem '${decl.id}': ${m.reason}` };
  }
  const posOf = new Map<number, number>();
  events.forEach((e, i) => {
    posOf.set(e.seq, i);
  });
  const steps: Step[] = [];
  for (const op of ops) stepsOf(op, (e) => posOf.get(e.seq)!, steps);
  const n = events.length;

  // returnAt[p]: the step that returns at position p (at most one: an event ends one call), or -1.
  const returnAt = new Int32Array(n).fill(-1);
  const openAt: number[][] = Array.from({ length: n + 1 }, () => []);
  steps.forEach((st, id) => {
    if (st.retPos !== Infinity) returnAt[st.retPos] = id;
    for (let p = st.callPos + 1; p <= Math.min(st.retPos, n); p++) openAt[p]!.push(id);
  });

  const maxNodes = options.maxNodes ?? 200_000;
  const done = new Uint8Array(steps.length);
  const failed = new Set<string>();
  let nodes = 0;
  let stuckAt = -1;
  let stuckState = model.init(decl);

  const apply = (st: Step, s: S): S[] => {
    switch (st.kind) {
      case 'acquire': {
        const r = model.acquire(s, st.op);
        return st.expect === null || sameResult(r.result, st.expect) ? [r.state] : [];
      }
      case 'release': {
        const r = model.release(s, st.op, st.op.n);
        return st.expect === null || sameResult(r.result, st.expect) ? [r.state] : [];
      }
      case 'refuse': {
        const r = model.refuse(s, st.op);
        return r === null ? [] : [r];
      }
      case 'leave': {
        const out: S[] = [];
        const g = st.mayGrant ? model.grant(s, st.op.actor) : null;
        if (g !== null) out.push(g);
        const c = st.mayCancel ? model.cancel(s, st.op.actor) : null;
        if (c !== null) out.push(c);
        const t = st.mayTimeOut ? model.timeOut(s, st.op.actor) : null;
        if (t !== null) out.push(t);
        return out;
      }
      case 'never':
        return [];
    }
  };

  const search = (from: number, start: S): boolean => {
    // Runs of forced steps (one candidate, one successor state) are followed iteratively, so a
    // long, mostly sequential history costs no stack; only real branch points recurse.
    let p = from;
    let state = start;
    const chain: number[] = [];
    const fail = (): false => {
      for (const id of chain) done[id] = 0;
      return false;
    };
    for (;;) {
      while (p < n && (returnAt[p] === -1 || done[returnAt[p]!] === 1)) p++;
      if (p === n) return true;
      if (++nodes > maxNodes) throw new BudgetExceeded();
      if (p > stuckAt) {
        stuckAt = p;
        stuckState = state;
      }
      const forced = returnAt[p]!;
      // The forced step first: in a sequential history it is the only candidate.
      const candidates = [forced];
      for (const id of openAt[p]!) {
        if (id !== forced && done[id] === 0 && (!steps[id]!.afterPrevious || done[id - 1] === 1)) candidates.push(id);
      }
      if (candidates.length === 1) {
        const nexts = apply(steps[forced]!, state);
        if (nexts.length === 0) return fail();
        if (nexts.length === 1) {
          done[forced] = 1;
          chain.push(forced);
          state = nexts[0]!;
          continue;
        }
      }
      const key = candidates.length > 1 ? memoKey(p, state) : null;
      if (key !== null && failed.has(key)) return fail();
      for (const id of candidates) {
        for (const next of apply(steps[id]!, state)) {
          done[id] = 1;
          const ok = search(p, next);
          done[id] = 0;
          if (ok) return true;
        }
      }
      if (key !== null) failed.add(key);
      return fail();
    }
  };

  const memoKey = (p: number, state: S): string => {
    let bits = '';
    for (const id of openAt[p]!) bits += done[id];
    return `${p}:${bits}:${model.key(state)}`;
  };

  if (steps.length > (options.maxSteps ?? 20_000)) {
    return { verdict: 'inconclusive', message: `conformance of sem '${decl.id}' not checked: ${steps.length} steps exceed the checker's limit` };
  }
  try {
    if (search(0, model.init(decl))) return { verdict: 'ok' };
  } catch (e) {
    // Deep branching (a call left pending across a very long history) can exhaust the stack: undecided, not a crash.
    if (!(e instanceof BudgetExceeded) && !(e instanceof RangeError)) throw e;
    return {
      verdict: 'inconclusive',
      message: `conformance of sem '${decl.id}' undecided after ${maxNodes} search nodes (${steps.length} steps)`,
    };
  }
  const event = events[stuckAt]!;
  const step = steps[returnAt[stuckAt]!]!;
  return {
    verdict: 'violation',
    event,
    message:
      `sem '${decl.id}' does not conform to the ${model.name} model: no order of the operations explains ` +
      `${step.op.op}() by ${step.op.actor} returning ${step.observed} at step ${event.step} (t=${event.time}s); ` +
      `in the closest explanation the model is at ${model.describe(stuckState)} and ${why(model, step, stuckState)}`,
  };
}

/** Why `step` cannot take effect in `s`, for messages. */
function why<S>(model: SemaphoreModel<S>, step: Step, s: S): string {
  switch (step.kind) {
    case 'acquire':
      return `acquire() gives ${describeResult(model.acquire(s, step.op).result)}`;
    case 'release':
      return `release(${step.op.n === 1 ? '' : step.op.n}) gives ${describeResult(model.release(s, step.op, step.op.n).result)}`;
    case 'refuse':
      return 'acquire() cannot fail to take a free permit';
    case 'leave':
      if (step.mayGrant) return `${step.op.actor} may not take a permit`;
      return step.mayTimeOut ? `${step.op.actor} may not give up while a permit is free for it` : `${step.op.actor} is not waiting`;
    case 'never':
      return 'acquire() cannot fail after the caller parked';
  }
}

/** Appends the steps of one operation. */
function stepsOf(op: Operation, pos: (e: HistoryEvent) => number, out: Step[]): void {
  const callPos = pos(op.call);
  const end = op.end;
  const endPos = end === undefined ? Infinity : pos(end);
  const observed = end === undefined ? 'nothing (pending)' : end.kind === 'error' ? `error ${end.error?.class ?? 'other'}` : end.kind;
  const failure: AcquireResult | null = end?.kind === 'error' ? { kind: 'error', error: end.error?.class ?? 'other' } : null;
  // One literal shape for every step keeps the search's property accesses monomorphic.
  const step = (
    kind: Step['kind'],
    from: number,
    to: number,
    expect: Step['expect'],
    leave: 'grant' | 'cancel' | 'timeout' | 'either' | null,
    afterPrevious = false,
    obs = observed,
  ): Step => ({
    op,
    kind,
    callPos: from,
    retPos: to,
    afterPrevious,
    expect,
    mayGrant: leave === 'grant' || leave === 'either',
    mayCancel: leave === 'cancel' || leave === 'either',
    mayTimeOut: leave === 'timeout',
    observed: obs,
  });

  if (op.op === 'release') {
    out.push(step('release', callPos, endPos, end === undefined ? null : (failure ?? { kind: 'released' }), null));
    return;
  }
  if (op.waiting !== undefined && failure?.kind === 'error' && failure.error === 'wrong-loop') {
    // CPython <= 3.9 queues a waiter future of its bound loop, then the task refuses to await it: one
    // failed acquire, whatever the waiting event says (3.10+ never produces this: its check comes first).
    out.push(step('acquire', callPos, endPos, failure, null));
    return;
  }
  if (op.waiting === undefined) {
    if (end === undefined) {
      // Pending before parking: it may have taken effect either way, and if it joined the line it may have left it.
      out.push(step('acquire', callPos, endPos, null, null));
      out.push(step('leave', callPos, endPos, null, 'either', true));
    } else if (end.kind === 'not-acquired') {
      out.push(step('refuse', callPos, endPos, null, null));
    } else if (end.kind !== 'cancelled') {
      // (cancelled before it ran: no effect)
      out.push(step('acquire', callPos, endPos, failure ?? { kind: 'acquired' }, null));
    }
    return;
  }
  const waitPos = pos(op.waiting);
  out.push(step('acquire', callPos, waitPos, { kind: 'enqueued' }, null, false, 'waiting'));
  if (end === undefined) out.push(step('leave', waitPos, endPos, null, 'either'));
  else if (end.kind === 'acquired') out.push(step('leave', waitPos, endPos, null, 'grant'));
  else if (end.kind === 'cancelled') out.push(step('leave', waitPos, endPos, null, 'cancel'));
  else if (end.kind === 'not-acquired') out.push(step('leave', waitPos, endPos, null, 'timeout'));
  else out.push(step('never', waitPos, endPos, null, null));
}

function sameResult(a: AcquireResult | ReleaseResult, b: AcquireResult | ReleaseResult): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'error' || b.kind !== 'error' || a.error === b.error;
}
