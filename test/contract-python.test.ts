/**
 * The harness reads the contract instead of declaring it again: its contract module (loaded by
 * the installed interpreter, beside contract.json) has the same names and budgets as
 * src/contract/, classifies and normalises every message as classifyError/normaliseMessage do,
 * and its seeded generator and decision sources draw and decide exactly as the TypeScript ones,
 * decision for decision, given the same contexts. Skipped, with the reason printed, without python3.
 */
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARNESS_PATH } from '../src/backends/cpython/process.ts';
import { findInterpreters, resolveInterpreter } from '../src/backends/cpython/interpreters.ts';
import { classifyError, normaliseMessage } from '../src/contract/error-rules.ts';
import { CLOCK_THREAD, DEFAULT_MAX_STEPS, LABELS } from '../src/contract/names.ts';
import type { OpName } from '../src/contract/events.ts';
import { PRNG_VECTORS } from '../src/contract/prng.ts';
import { buildSource, type SourceSpec } from '../src/backends/run-request.ts';
import { PrefixSource } from '../src/scheduler/prefix-source.ts';
import { Prng } from '../src/scheduler/prng.ts';

function interpreters(): { path: string; version: string }[] {
  let def: { path: string; version: string } | undefined;
  try {
    def = resolveInterpreter(undefined);
  } catch {
    return [];
  }
  // The default one, and the oldest installed (3.6's re and str are where a difference would hide).
  const oldest = findInterpreters()[0];
  return oldest && oldest.path !== def.path ? [def, oldest] : [def];
}

const PYTHONS = interpreters();
if (PYTHONS.length === 0) console.warn('[contract-python] skipped: no python3 interpreter found');

/** Runs `body` in Python with the harness package importable; `input` on stdin as JSON; returns its JSON output. */
function python(py: string, body: string, input: unknown): any {
  const script = `import json, sys\nsys.path.insert(0, ${JSON.stringify(dirname(HARNESS_PATH))})\nreq = json.loads(sys.stdin.read())\n${body}`;
  const r = spawnSync(py, ['-X', 'utf8', '-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const MESSAGES = [
  '<asyncio.locks.Semaphore object at 0x7f3a2b1c [locked, waiters:1]> is bound to a different event loop',
  'Task <Task pending name=T1-use coro=<main() running at /x/y.py:12> cb=[gather()]> got Future <Future pending> attached to a different loop',
  'Semaphore released too many times',
  'BoundedSemaphore released too many times',
  'invalid state',
  '<Future at 0xDEADbeef state=finished> raised at /usr/lib/python3.11/asyncio/locks.py:373 and at /a.py:1',
  'is bound to a different event loop, twice: is bound to a different event loop',
  'nothing to normalise',
  '',
  'ünïcödé at 0x1 ∞ running at here>',
];

/** Exceptions built in Python from these (class, base) pairs; the harness classifies them by their MRO. */
const EXCEPTIONS: { cls: string; base: string; message: string; op: OpName }[] = [
  ...MESSAGES.flatMap((message) =>
    (['acquire', 'release'] as const).flatMap((op) => [
      { cls: 'RuntimeError', base: '', message, op },
      { cls: 'ValueError', base: '', message, op },
      { cls: 'LoopBound', base: 'RuntimeError', message, op },
      { cls: 'TooMany', base: 'ValueError', message, op },
      { cls: 'TypeError', base: '', message, op },
    ]),
  ),
];

const CONTRACT_BODY = `
from semverify_harness import contract, sources
out = {'labels': contract.LABELS, 'clockThread': contract.CLOCK_THREAD, 'defaultMaxSteps': contract.DEFAULT_MAX_STEPS,
       'named': [contract.SELECT_LABEL, contract.SLOT_LABEL, contract.TIMERS_LABEL, contract.SLEEP_LABEL, contract.CLOCK_LABEL],
       'normalised': [contract.normalise(m) for m in req['messages']], 'classified': []}
for e in req['exceptions']:
    cls = getattr(__builtins__, e['cls'], None) or type(e['cls'], (getattr(__builtins__, e['base']),), {})
    exc = cls(e['message'])
    err = contract.py_error(exc, e['op'])
    out['classified'].append({'mro': contract.type_names(exc), 'error': err})
out['prng'] = []
for v in req['vectors']:
    rng = sources.Prng(v['seed'])
    out['prng'].append({'fnv1a': sources.fnv1a(v['seed']), 'outputs': [rng.next() for _ in v['outputs']]})
print(json.dumps(out))
`;

describe.skipIf(PYTHONS.length === 0)('the harness reads the contract (contract.json) and agrees with src/contract/', () => {
  for (const py of PYTHONS) {
    it(`CPython ${py.version}: names, budgets, classification, normalisation and the generator's vectors are identical`, () => {
      const out = python(py.path, CONTRACT_BODY, { messages: MESSAGES, exceptions: EXCEPTIONS, vectors: PRNG_VECTORS });
      expect(out.labels).toEqual(LABELS);
      expect(out.named).toEqual([LABELS.select, LABELS.slot, LABELS.timers, LABELS.sleep, LABELS.clock]);
      expect(out.clockThread).toBe(CLOCK_THREAD);
      expect(out.defaultMaxSteps).toBe(DEFAULT_MAX_STEPS);
      expect(out.normalised).toEqual(MESSAGES.map(normaliseMessage));
      expect(out.classified).toHaveLength(EXCEPTIONS.length);
      const classes = new Set<string>();
      EXCEPTIONS.forEach((e, i) => {
        const got = out.classified[i];
        // The MRO as Python sees it: a subclass is matched by its base's rule on both sides.
        if (e.base) expect(got.mro.slice(0, 2)).toEqual([e.cls, e.base]);
        const expected = { type: e.cls, message: normaliseMessage(e.message), class: classifyError(got.mro, e.message, e.op) };
        expect(got.error, `${e.cls}(${JSON.stringify(e.message)}) in ${e.op}`).toEqual(expected);
        classes.add(expected.class);
      });
      // Every class of the rules is reached by some case, so a rule the harness reads wrongly shows.
      expect([...classes].sort()).toEqual(['future-other-loop', 'other', 'released-too-many', 'wrong-loop']);
      expect(out.prng).toEqual(PRNG_VECTORS.map((v) => ({ fnv1a: v.fnv1a, outputs: v.outputs })));
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The decision sources, decision for decision, on the same contexts
// ---------------------------------------------------------------------------------------------

type Ctx =
  | { type: 'point'; thread: string; label: string; occ: number; step: number; others: string[]; canDelay: boolean; blocking: boolean }
  | { type: 'slot'; key: [string, string, number]; cancellable: string[] }
  | { type: 'wake'; key: [string, string, number]; options: string[] }
  | { type: 'clock'; key: [string, string, number]; options: string[] }
  | { type: 'tie'; key: [string, string, number]; n: number };

/** A fixed, varied sequence of decision contexts (drawn once from the generator itself). */
function contexts(count: number): Ctx[] {
  const g = new Prng('contexts');
  const threads = ['T0', 'T1', 'T2', 'T3'];
  const some = (xs: string[]) => xs.filter(() => g.index(2) === 1);
  const key = (): [string, string, number] => [threads[g.index(4)]!, `f.py:f:${g.index(9)}`, 1 + g.index(3)];
  const out: Ctx[] = [];
  for (let step = 1; out.length < count; ) {
    const k = g.index(10);
    if (k < 6) {
      const blocking = g.index(4) === 0;
      out.push({
        type: 'point',
        thread: 'T0',
        label: `f.py:f:${g.index(9)}`,
        occ: 1 + g.index(3),
        step: step++,
        others: some(threads.slice(1)),
        canDelay: !blocking && g.index(3) > 0,
        blocking,
      });
    } else if (k === 6) out.push({ type: 'slot', key: key(), cancellable: some(['A', 'B', 'C']) });
    else if (k === 7) out.push({ type: 'wake', key: key(), options: threads.slice(0, 2 + g.index(3)) });
    else if (k === 8) out.push({ type: 'tie', key: key(), n: 2 + g.index(4) });
    else out.push({ type: 'clock', key: key(), options: threads.slice(0, 2 + g.index(3)) });
  }
  return out;
}

/** What the TypeScript source decides in each context, in a form both languages can print. */
function tsDecisions(spec: SourceSpec, ctxs: readonly Ctx[]): { decisions: unknown[]; log: unknown } {
  const src = buildSource(spec);
  const identity = (n: number) => [...Array(n).keys()];
  const decisions = ctxs.map((c): unknown => {
    if (c.type === 'point') {
      const ch = src.point({
        key: { thread: c.thread, label: c.label, occ: c.occ },
        step: c.step,
        others: c.others,
        canDelay: c.canDelay,
        blocking: c.blocking,
      });
      return ch.kind === 'switch' ? `switch:${ch.to}` : ch.kind;
    }
    const key = { thread: c.key[0], label: c.key[1], occ: c.key[2] };
    // The machine asks about a slot only when something is cancellable.
    if (c.type === 'slot') return c.cancellable.length === 0 ? null : src.slot({ key, cancellable: c.cancellable });
    if (c.type === 'wake') return src.wake({ key, options: c.options });
    if (c.type === 'clock') return src.clock({ key, options: c.options });
    const order = src.tie({ key, options: identity(c.n).map(String) });
    return order && JSON.stringify(order) !== JSON.stringify(identity(c.n)) ? order : null;
  });
  return { decisions, log: src instanceof PrefixSource ? src.log : null };
}

const SOURCES_BODY = `
from semverify_harness import sources
out = []
for spec in req['specs']:
    src = sources.build(spec, None)
    decisions = []
    for c in req['contexts']:
        t = c['type']
        if t == 'point':
            ctx = sources.PointCtx()
            ctx.thread, ctx.label, ctx.occ, ctx.step = c['thread'], c['label'], c['occ'], c['step']
            ctx.others, ctx.can_delay, ctx.blocking, ctx.unfinished = c['others'], c['canDelay'], c['blocking'], c['canDelay']
            d = src.point(ctx)
            decisions.append('continue' if d is None else d['kind'] + (':' + d['to'] if d['kind'] == 'switch' else ''))
        elif t == 'slot':
            fired = src.slot(tuple(c['key']), c['cancellable']) if c['cancellable'] else []
            decisions.append(fired[0]['task'] if fired else None)
        elif t == 'wake':
            decisions.append(src.wake(tuple(c['key']), c['options'])[0])
        elif t == 'clock':
            decisions.append(src.clock(tuple(c['key']), c['options'])[0])
        else:
            decisions.append(src.tie(tuple(c['key']), c['n'])[0])
    out.append({'decisions': decisions, 'log': src.log})
print(json.dumps(out))
`;

describe.skipIf(PYTHONS.length === 0)('the harness decision sources decide as the TypeScript ones', () => {
  const ctxs = contexts(600);
  const specs: SourceSpec[] = [
    { kind: 'random', seed: '1:3', pSwitch: 0.15, pDelay: 0.1, pCancel: 0.3 },
    { kind: 'random', seed: 'ü', pSwitch: 0.5, pDelay: 0.5, pCancel: 1 },
    { kind: 'bounded', seed: '7:2', preemptions: 3, horizon: 40, delayShare: 0.3, pCancel: 0.2 },
    { kind: 'bounded', seed: '9:1', preemptions: 8, horizon: 200, delayShare: 0.6, pCancel: 0 },
    { kind: 'prefix', prefix: [], budget: 2 },
    { kind: 'prefix', prefix: [1, 0, 2, 3, 1, 5, 1, 1, 0, 2], budget: 3 },
  ];
  for (const py of PYTHONS) {
    it(`CPython ${py.version}: the same decision in each of ${ctxs.length} contexts, for random, bounded and prefix sources`, () => {
      const out = python(py.path, SOURCES_BODY, { specs, contexts: ctxs });
      specs.forEach((spec, i) => {
        const ts = tsDecisions(spec, ctxs);
        expect(out[i], JSON.stringify(spec)).toEqual(ts);
        // Not a comparison of two sources that never decide anything: each made non-default choices
        // (the empty prefix takes every default, and logs the choices it had instead).
        const nonDefault = ts.decisions.filter((d) => d !== 'continue' && d !== null && d !== 0);
        const evidence = spec.kind === 'prefix' && spec.prefix.length === 0 ? (ts.log as unknown[]).length : nonDefault.length;
        expect(evidence, JSON.stringify(spec)).toBeGreaterThan(3);
      });
    });
  }
});
