import { describe, expect, it } from 'vitest';
import { asyncioModel, type AsyncioState } from '../models/asyncio-semaphore.ts';
import { checkLinearizable } from '../models/linearizability.ts';
import type { ModelDecl } from '../models/model.ts';
import { extractOperations } from '../models/operations.ts';
import { bindsAtConstruction, creatorLoopOf, modelDecl, modelFor } from '../models/select.ts';
import { threadingModel } from '../models/threading-semaphore.ts';
import { buildHistory } from '../properties/testing/build-history.ts';

const lazy = asyncioModel({ bindAtConstruction: false });
const decl = (initial: number, bounded = false, kind: 'asyncio' | 'threading' = 'asyncio'): ModelDecl => ({
  id: 'S',
  kind,
  initial,
  bounded,
  creatorLoop: 'loop@main',
});
const on = (actor: string, loop: string | null = 'loop@T0') => ({ actor, loop });

describe('asyncio model', () => {
  it('grants at once while a permit is free and nobody waits, else queues and binds to the caller loop', () => {
    let s = lazy.init(decl(1));
    const a = lazy.acquire(s, on('A'));
    expect(a.result).toEqual({ kind: 'acquired' });
    s = a.state;
    const b = lazy.acquire(s, on('B'));
    expect(b.result).toEqual({ kind: 'enqueued' });
    expect(b.state).toMatchObject({ value: 0, queue: ['B'], bound: 'loop@T0' });
  });

  it('a contended acquire from another loop fails with wrong-loop; an uncontended one does not check', () => {
    const s0 = lazy.init(decl(2));
    const other = lazy.acquire(s0, on('X', 'loop@T1'));
    expect(other.result.kind).toBe('acquired');
    let s = lazy.acquire(other.state, on('A')).state;
    s = lazy.acquire(s, on('B')).state; // contended: binds to loop@T0
    expect(lazy.acquire(s, on('C', 'loop@T1')).result).toEqual({ kind: 'error', error: 'wrong-loop' });
  });

  it('release hands the permit to the head of the line (FIFO), which then returns', () => {
    let s: AsyncioState = lazy.init(decl(1));
    for (const x of ['A', 'B', 'C']) s = lazy.acquire(s, on(x)).state;
    s = lazy.release(s, on('A')).state;
    expect(s).toMatchObject({ value: 0, queue: ['C'], granted: ['B'] });
    expect(lazy.grant(s, 'C')).toBeNull();
    expect(lazy.grant(s, 'B')).toMatchObject({ granted: [], queue: ['C'] });
  });

  it('a cancelled waiter that was already handed a permit passes it to the next in line', () => {
    let s: AsyncioState = lazy.init(decl(1));
    for (const x of ['A', 'B', 'C']) s = lazy.acquire(s, on(x)).state;
    s = lazy.release(s, on('A')).state;
    const c = lazy.cancel(s, 'B');
    expect(c).toMatchObject({ value: 0, queue: [], granted: ['C'] });
    expect(lazy.cancel(lazy.init(decl(1)), 'Z')).toBeNull();
  });

  it('BoundedSemaphore refuses a release beyond the initial value; Semaphore allows it', () => {
    expect(lazy.release(lazy.init(decl(1, true)), on('A')).result).toEqual({ kind: 'error', error: 'released-too-many' });
    expect(lazy.release(lazy.init(decl(1)), on('A')).state.value).toBe(2);
  });

  it('CPython <= 3.9 binds at construction to the creator loop', () => {
    const eager = asyncioModel({ bindAtConstruction: true });
    const s = eager.acquire(eager.init(decl(0)), on('A', 'loop@T0'));
    expect(s.result).toEqual({ kind: 'error', error: 'wrong-loop' });
    expect(eager.acquire(eager.init(decl(0)), on('A', 'loop@main')).result).toEqual({ kind: 'enqueued' });
  });
});

describe('threading model', () => {
  it('anyone may release; blocked callers take permits in any order', () => {
    let s = threadingModel.init(decl(0, false, 'threading'));
    s = threadingModel.acquire(s, on('T1', null)).state;
    s = threadingModel.acquire(s, on('T2', null)).state;
    expect(threadingModel.grant(s, 'T2')).toBeNull(); // no permit yet
    s = threadingModel.release(s, on('T0', null)).state;
    const t2 = threadingModel.grant(s, 'T2');
    expect(t2).toMatchObject({ value: 0, blocked: ['T1'] });
    expect(threadingModel.cancel(s, 'T1')).toBeNull();
  });

  it('BoundedSemaphore refuses a release beyond the initial value', () => {
    const s = threadingModel.init(decl(1, true, 'threading'));
    expect(threadingModel.release(s, on('T0', null)).result).toEqual({ kind: 'error', error: 'released-too-many' });
  });
});

describe('model selection', () => {
  it('picks binding by CPython version and the creator loop by instance id', () => {
    expect(bindsAtConstruction('cpython-3.9')).toBe(true);
    expect(bindsAtConstruction('cpython-3.11')).toBe(false);
    expect(bindsAtConstruction(undefined)).toBe(false);
    expect(creatorLoopOf('S')).toBe('loop@main');
    expect(creatorLoopOf('S@T1')).toBe('loop@T1');
    expect(modelFor('threading').kind).toBe('threading');
    expect(modelFor('asyncio', 'cpython-3.9').name).toMatch(/construction/);
  });
});

describe('extractOperations', () => {
  it('pairs calls and returns per actor and keeps the first waiting', () => {
    const h = buildHistory(['T0/A acquire', 'T0/A waiting', 'T0/A waiting', 'T0/A acquired', 'T1 release']);
    const { ops, malformed } = extractOperations(h);
    expect(malformed).toEqual([]);
    expect(ops.map((o) => [o.actor, o.op, o.waiting?.seq, o.end?.kind])).toEqual([
      ['T0/A', 'acquire', 1, 'acquired'],
      ['T1', 'release', undefined, undefined],
    ]);
  });

  it('reports events that do not fit', () => {
    const { malformed } = extractOperations(buildHistory(['T0/A acquired']));
    expect(malformed[0]?.reason).toMatch(/without a pending/);
  });
});

/** Check one history of instance "S" against the model its kind selects. */
function conforms(lines: string[], initial: number, kind: 'asyncio' | 'threading' = 'asyncio', impl?: string, bounded = false) {
  const d = modelDecl({ id: 'S', kind, initial, bounded });
  return checkLinearizable(buildHistory(lines), modelFor(kind, impl), d);
}

describe('linearizability checker', () => {
  it('accepts a sequential Semaphore(2) history of 4 tasks', () => {
    const r = conforms(
      [
        'T0/A acquire',
        'T0/A acquired',
        'T0/B acquire',
        'T0/B acquired',
        'T0/C acquire',
        'T0/C waiting',
        'T0/D acquire',
        'T0/D waiting',
        'T0/A release',
        'T0/A released',
        'T0/C acquired',
        'T0/B release',
        'T0/B released',
        'T0/D acquired',
        'T0/C release',
        'T0/C released',
        'T0/D release',
        'T0/D released',
      ],
      2,
    );
    expect(r).toEqual({ verdict: 'ok' });
  });

  it('rejects two threads both acquiring Semaphore(1) with no release between, at the second acquired', () => {
    const r = conforms(['T0/A acquire', 'T1/B acquire', 'T1/B acquired', 'T0/A acquired', 'T1/B release', 'T1/B released'], 1);
    expect(r.verdict).toBe('violation');
    if (r.verdict !== 'violation') return;
    expect(r.event.seq).toBe(3);
    expect(r.event.step).toBe(4);
    expect(r.message).toContain("sem 'S'");
    expect(r.message).toContain('T0/A');
  });

  it('threading: accepts overlapping acquires completing in the order opposite to their calls', () => {
    const r = conforms(['T0 acquire', 'T1 acquire', 'T1 acquired', 'T1 release', 'T1 released', 'T0 acquired', 'T0 release', 'T0 released'], 1, 'threading');
    expect(r).toEqual({ verdict: 'ok' });
  });

  it('threading: rejects a second acquire that did not overlap the first and had no release to explain it', () => {
    const r = conforms(['T0 acquire', 'T0 acquired', 'T1 acquire', 'T1 acquired'], 1, 'threading');
    expect(r.verdict).toBe('violation');
    if (r.verdict === 'violation') expect(r.event.seq).toBe(3);
  });

  it('threading: rejects a caller that parked while a permit was certainly free', () => {
    const r = conforms(['T0 acquire', 'T0 acquired', 'T0 release', 'T0 released', 'T1 acquire', 'T1 waiting'], 1, 'threading');
    expect(r.verdict).toBe('violation');
    if (r.verdict === 'violation') expect(r.event.kind).toBe('waiting');
  });

  it('threading: waiters may be served out of order (no FIFO promise)', () => {
    const r = conforms(
      [
        'T0 acquire',
        'T0 acquired',
        'T1 acquire',
        'T1 waiting',
        'T2 acquire',
        'T2 waiting',
        'T0 release',
        'T0 released',
        'T2 acquired',
        'T2 release',
        'T2 released',
        'T1 acquired',
      ],
      1,
      'threading',
    );
    expect(r).toEqual({ verdict: 'ok' });
  });

  it('asyncio: rejects a waiter served before an earlier one (FIFO)', () => {
    const r = conforms(
      [
        'T0/A acquire',
        'T0/A acquired',
        'T0/B acquire',
        'T0/B waiting',
        'T0/C acquire',
        'T0/C waiting',
        'T0/A release',
        'T0/A released',
        'T0/C acquired',
        'T0/C release',
        'T0/C released',
        'T0/B acquired',
      ],
      1,
    );
    expect(r.verdict).toBe('violation');
    if (r.verdict === 'violation') {
      expect(r.event.seq).toBe(8);
      expect(r.message).toMatch(/acquire\(\) by T0\/C returning acquired/);
    }
  });

  it('asyncio: a cancelled waiter that was handed the permit passes it on', () => {
    const r = conforms(
      [
        'T0/A acquire',
        'T0/A acquired',
        'T0/B acquire',
        'T0/B waiting',
        'T0/C acquire',
        'T0/C waiting',
        'T0/A release',
        'T0/A released',
        'T0/B cancelled',
        'T0/C acquired',
      ],
      1,
    );
    expect(r).toEqual({ verdict: 'ok' });
  });

  it('needs a release that has not returned yet to take effect first', () => {
    const r = conforms(['T1 release', 'T0 acquire', 'T0 acquired', 'T1 released'], 0, 'threading');
    expect(r).toEqual({ verdict: 'ok' });
  });

  it('a waiter still pending at the end may have been cancelled in flight, so it does not pin FIFO', () => {
    const r = conforms(
      ['T0/A acquire', 'T0/A acquired', 'T0/B acquire', 'T0/B waiting', 'T0/C acquire', 'T0/C waiting', 'T0/A release', 'T0/A released', 'T0/C acquired'],
      1,
    );
    expect(r).toEqual({ verdict: 'ok' });
  });

  it('pending operations of a hung run may or may not have taken effect', () => {
    expect(conforms(['T0/A acquire', 'T0/A acquired', 'T1/B acquire', 'T1/B waiting', 'T0/A release'], 1)).toEqual({ verdict: 'ok' });
    // A's acquire is pending but must have taken the permit for B to have waited.
    expect(conforms(['T0/A acquire', 'T1/B acquire', 'T1/B waiting'], 1)).toEqual({ verdict: 'ok' });
  });

  it('asyncio: a wrong-loop error is explained only while contended and bound to another loop', () => {
    const contended = ['T0/A acquire', 'T0/A acquired', 'T0/B acquire', 'T0/B waiting', 'T1/C acquire', 'T1/C error:wrong-loop'];
    expect(conforms(contended, 1)).toEqual({ verdict: 'ok' });
    const free = ['T0/A acquire', 'T0/A acquired', 'T0/A release', 'T0/A released', 'T1/C acquire', 'T1/C error:wrong-loop'];
    expect(conforms(free, 1).verdict).toBe('violation');
    // CPython 3.9 binds at construction to loop@main: a contended acquire from loop@T1 must fail.
    const eager = ['T0/A acquire', 'T0/A acquired', 'T1/C acquire', 'T1/C waiting'];
    expect(conforms(eager, 1, 'asyncio', 'cpython-3.9').verdict).toBe('violation');
    expect(conforms(eager, 1, 'asyncio', 'cpython-3.11')).toEqual({ verdict: 'ok' });
  });

  it('BoundedSemaphore: released-too-many only when the value is at the bound', () => {
    expect(conforms(['T0 release', 'T0 error:released-too-many'], 1, 'threading', undefined, true)).toEqual({ verdict: 'ok' });
    const r = conforms(['T0 acquire', 'T0 acquired', 'T1 release', 'T1 error:released-too-many'], 1, 'threading', undefined, true);
    expect(r.verdict).toBe('violation');
  });

  it('says inconclusive, not ok, when the search budget runs out', () => {
    const h = buildHistory(['T0 acquire', 'T1 acquire', 'T0 acquired', 'T1 acquired']);
    const r = checkLinearizable(h, modelFor('threading'), modelDecl({ id: 'S', kind: 'threading', initial: 1, bounded: false }), { maxNodes: 1 });
    expect(r.verdict).toBe('inconclusive');
  });

  it('reports a malformed history', () => {
    const r = conforms(['T0/A acquired'], 1);
    expect(r.verdict).toBe('violation');
    if (r.verdict === 'violation') expect(r.message).toMatch(/malformed/);
  });

  it('decides a history with many concurrent actors quickly', () => {
    const lines: string[] = [];
    const actors = ['T0', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'];
    for (const t of actors) lines.push(`${t} acquire`);
    for (const t of actors) lines.push(`${t} acquired`);
    const ok = conforms(lines, 8, 'threading');
    expect(ok).toEqual({ verdict: 'ok' });
    const bad = conforms(lines, 7, 'threading');
    expect(bad.verdict).toBe('violation');
    if (bad.verdict === 'violation') expect(bad.event.seq).toBe(15);
  });

  it('checks a long sequential history in about one search node per event (it runs on every explored run)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) lines.push(`T${i % 3} acquire`, `T${i % 3} acquired`, `T${i % 3} release`, `T${i % 3} released`);
    const d = modelDecl({ id: 'S', kind: 'threading', initial: 1, bounded: false });
    // Work, not wall time: 80 events within a budget of 2 nodes per event; a search that backtracked would run out.
    expect(checkLinearizable(buildHistory(lines), modelFor('threading'), d, { maxNodes: 2 * lines.length }).verdict).toBe('ok');
    expect(checkLinearizable(buildHistory(lines), modelFor('threading'), d, { maxNodes: 10 }).verdict).toBe('inconclusive');
  });
});
