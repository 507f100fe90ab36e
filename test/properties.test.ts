import { describe, expect, it } from 'vitest';
import { analyseRun } from '../src/explore/analyse.ts';
import type { Property, Violation } from '../properties/api.ts';
import { builtinProperties, checkProperties, classifyRun, maxConcurrency, noHolderAcrossLoops } from '../properties/index.ts';
import { buildHistory, runView, type RunViewOptions } from '../properties/testing/build-history.ts';

const asyncio1 = { S: { kind: 'asyncio', value: 1 } } as const;
const threading1 = { S: { kind: 'threading', value: 1 } } as const;

function check(lines: string[], options: RunViewOptions = {}) {
  const view = runView(buildHistory(lines), options);
  const result = checkProperties(view);
  const of = (name: string) => result.perProperty.get(name) ?? [];
  return { view, ...result, of, classification: classifyRun(view, result.violations) };
}

describe('registry', () => {
  it('lists the built-in properties in order, without the example', () => {
    expect(builtinProperties.map((p) => p.name)).toEqual([
      'at-most-n',
      'permit-conservation',
      'no-lost-wakeup',
      'fifo',
      'wakeup-latency',
      'errors-allowed',
      'conformance',
      'records',
    ]);
    expect(builtinProperties).not.toContain(noHolderAcrossLoops);
  });
});

describe('a correct sequential history', () => {
  const lines = [
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
  ];

  it('Semaphore(2) with 4 tasks holds every property', () => {
    const r = check(lines, { semaphores: { S: { kind: 'asyncio', value: 2 } } });
    expect(r.violations).toEqual([]);
    // Every property but records, which speaks only when the scenario expects records.
    expect([...r.perProperty.keys()]).toEqual(builtinProperties.map((p) => p.name).filter((n) => n !== 'records'));
    expect(r.classification).toEqual({ kinds: ['ok'], primary: 'ok' });
    expect(maxConcurrency(r.view.history)).toEqual({ perSemaphore: { S: 2 }, overall: 2 });
  });

  it('the same history breaks at-most-n on Semaphore(1)', () => {
    const r = check(lines, { semaphores: asyncio1, finals: { S: { value: 1 } } });
    expect(r.of('at-most-n')).toEqual([expect.objectContaining({ outcome: 'over-admission', step: 4 })]);
  });
});

describe('at-most-n and conformance: two threads in at once', () => {
  // Both threads see a free permit; both get in; nobody released in between.
  const lines = ['T0/A acquire', 'T1/B acquire', 'T1/B acquired', 'T0/A acquired t=0.5', 'T1/B release', 'T1/B released', 'T0/A release', 'T0/A released'];

  it('is over-admission at the second acquired, naming both holders', () => {
    const r = check(lines, { semaphores: asyncio1 });
    const [v] = r.of('at-most-n');
    expect(v).toMatchObject({ property: 'at-most-n', outcome: 'over-admission', step: 4 });
    expect(v!.message).toContain("sem 'S'");
    expect(v!.message).toContain('T0/A');
    expect(v!.message).toContain('T1/B');
    expect(v!.message).toContain('t=0.5s');
    expect(r.classification.primary).toBe('over-admission');
  });

  it('is non-conformant at the same step', () => {
    const r = check(lines, { semaphores: asyncio1 });
    expect(r.of('conformance')).toEqual([expect.objectContaining({ outcome: 'nonconformance', step: 4 })]);
  });

  it('a release by an actor holding nothing raises the capacity', () => {
    const r = check(['T2 release', 'T2 released', ...lines], { semaphores: threading1 });
    expect(r.of('at-most-n')).toEqual([]);
    expect(r.of('conformance')).toEqual([]);
  });
});

describe('fifo', () => {
  const overtaking = [
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
    'T0/B release',
    'T0/B released',
  ];

  it('flags a waiter that began waiting later but acquired first', () => {
    const r = check(overtaking, { semaphores: asyncio1 });
    const [v] = r.of('fifo');
    expect(v).toMatchObject({ outcome: 'fifo', step: 9 });
    expect(v!.message).toMatch(/T0\/C acquired .* before T0\/B/);
    expect(r.of('conformance')).toEqual([expect.objectContaining({ step: 9 })]);
  });

  it('flags barging: a newcomer that gets in while someone waits', () => {
    const barging = [
      'T0/A acquire',
      'T0/A acquired',
      'T0/B acquire',
      'T0/B waiting',
      'T0/A release',
      'T0/A released',
      'T0/C acquire',
      'T0/C acquired',
      'T0/C release',
      'T0/C released',
      'T0/B acquired',
      'T0/B release',
      'T0/B released',
    ];
    const [v] = check(barging, { semaphores: asyncio1 }).of('fifo');
    expect(v).toMatchObject({ outcome: 'fifo', step: 8 });
    expect(v!.message).toMatch(/barging/);
  });

  it('does not compare waiters of different loops, nor a cancelled waiter', () => {
    const twoLoops = overtaking.map((l) => l.replace('T0/C', 'T1/C'));
    expect(check(twoLoops, { semaphores: asyncio1 }).of('fifo')).toEqual([]);
    const cancelled = [
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
      'T0/C release',
      'T0/C released',
    ];
    const r = check(cancelled, { semaphores: asyncio1 });
    expect(r.violations).toEqual([]);
  });

  it('does not apply to threading semaphores, which promise no order', () => {
    const outOfOrder = [
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
      'T1 release',
      'T1 released',
    ];
    const r = check(outOfOrder, { semaphores: threading1 });
    expect(r.perProperty.has('fifo')).toBe(false);
    expect(r.violations).toEqual([]);
  });
});

describe('no-lost-wakeup', () => {
  const blocked = [{ thread: 'T1', on: 'select(timeout=None) on loop@T1', tasks: [{ task: 'main', awaits: 'sem waiter future' }] }];

  it('a hang with a free permit and a waiter is a lost wake-up', () => {
    // T0 released to T1's waiter from another thread; T1's loop was never woken.
    const lines = ['T0/main acquire', 'T0/main acquired', 'T1/main acquire', 'T1/main waiting', 'T0/main release', 'T0/main released'];
    const r = check(lines, { semaphores: asyncio1, status: 'hang', blocked, steps: 40, finals: { S: { value: 0, inFlight: 1 } } });
    const [v] = r.of('no-lost-wakeup');
    expect(v).toMatchObject({ outcome: 'hang', step: 40 });
    expect(v!.message).toContain('lost wake-up: 1 permit free while T1/main waits');
    expect(v!.message).toContain('T1 waits on select(timeout=None) on loop@T1');
    expect(r.of('permit-conservation')).toEqual([]); // the in-flight permit is accounted for
    expect(r.classification.primary).toBe('hang');
  });

  it('a hang with no free permit is still a hang, without the lost wake-up wording', () => {
    const lines = ['T0/A acquire', 'T0/A acquired', 'T0/B acquire', 'T0/B waiting'];
    const [v] = check(lines, { semaphores: asyncio1, status: 'hang', blocked }).of('no-lost-wakeup');
    expect(v).toMatchObject({ outcome: 'hang' });
    expect(v!.message).not.toContain('lost wake-up');
  });

  it('a completed run with an acquire that never returned is a violation', () => {
    const [v] = check(['T0/A acquire'], { semaphores: asyncio1 }).of('no-lost-wakeup');
    expect(v!.message).toMatch(/completed .* acquire\(\) by T0\/A .* never returned/);
  });
});

describe('errors-allowed', () => {
  it('allows wrong-loop from a contended acquire while bound to another loop', () => {
    const lines = [
      'T0/A acquire',
      'T0/A acquired',
      'T0/B acquire',
      'T0/B waiting',
      'T1/C acquire',
      'T1/C error:wrong-loop',
      'T0/A release',
      'T0/A released',
      'T0/B acquired',
      'T0/B release',
      'T0/B released',
    ];
    const r = check(lines, { semaphores: asyncio1 });
    expect(r.violations).toEqual([]);
    // Allowed, but still an outcome class of its own.
    expect(r.classification).toEqual({ kinds: ['wrong-loop'], primary: 'wrong-loop' });
  });

  it('judges wrong-loop over the whole call, not only at the error event', () => {
    // Contended when C called acquire(); no longer contended when the error was recorded.
    const lines = [
      'T0/A acquire',
      'T0/A acquired',
      'T0/B acquire',
      'T0/B waiting',
      'T1/C acquire',
      'T0/A release',
      'T0/A released',
      'T0/B acquired',
      'T0/B release',
      'T0/B released',
      'T1/C error:wrong-loop',
    ];
    const r = check(lines, { semaphores: asyncio1 });
    expect(r.of('errors-allowed')).toEqual([]);
    expect(r.of('conformance')).toEqual([]);
  });

  it('flags wrong-loop when the semaphore was never contended', () => {
    const lines = ['T0/A acquire', 'T0/A acquired', 'T0/A release', 'T0/A released', 'T1/C acquire', 'T1/C error:wrong-loop'];
    const r = check(lines, { semaphores: asyncio1 });
    const [v] = r.of('errors-allowed');
    expect(v).toMatchObject({ outcome: 'unexpected-error', step: 6 });
    expect(v!.message).toMatch(/acquire\(\) by T1\/C .* never contended/);
    // Most severe first: an error the model forbids outranks the wrong-loop outcome it also is.
    expect(r.classification.kinds).toEqual(['unexpected-error', 'wrong-loop', 'nonconformance']);
  });

  it('flags wrong-loop when nothing can have bound it elsewhere (3.10+), allows it when bound at construction (3.9)', () => {
    const lines = ['T0/A acquire', 'T0/A acquired', 'T1/C acquire', 'T1/C error:wrong-loop'];
    expect(check(lines, { semaphores: asyncio1 }).of('errors-allowed')[0]?.message).toMatch(/bound/);
    expect(check(lines, { semaphores: asyncio1, impl: 'cpython-3.9' }).of('errors-allowed')).toEqual([]);
  });

  it('flags future-other-loop and other errors', () => {
    const r = check(['T1/C acquire', 'T1/C waiting', 'T1/C error:future-other-loop'], { semaphores: { S: { kind: 'asyncio', value: 0 } } });
    expect(r.of('errors-allowed')).toEqual([expect.objectContaining({ outcome: 'unexpected-error', step: 3 })]);
  });

  it('allows released-too-many only from a full BoundedSemaphore', () => {
    const bounded = { S: { kind: 'threading', value: 1, bounded: true } } as const;
    expect(check(['T0 release', 'T0 error:released-too-many'], { semaphores: bounded }).violations).toEqual([]);
    const notFull = check(['T0 acquire', 'T0 acquired', 'T1 release', 'T1 error:released-too-many'], { semaphores: bounded });
    expect(notFull.of('errors-allowed')).toEqual([expect.objectContaining({ step: 4 })]);
    const unbounded = check(['T0 release', 'T0 error:released-too-many'], { semaphores: threading1 });
    expect(unbounded.of('errors-allowed')[0]?.message).toMatch(/not bounded/);
  });
});

describe('permit-conservation', () => {
  const lines = ['T0 acquire', 'T0 acquired', 'T0 release', 'T0 released'];

  it('flags a final value lower than the history implies as a lost permit', () => {
    const [v] = check(lines, { semaphores: threading1, finals: { S: { value: 0 } }, steps: 9 }).of('permit-conservation');
    expect(v).toMatchObject({ outcome: 'lost-permit', step: 9 });
    expect(v!.message).toContain("sem 'S'");
  });

  it('flags a higher one as an extra permit', () => {
    const [v] = check(lines, { semaphores: threading1, finals: { S: { value: 2 } } }).of('permit-conservation');
    expect(v).toMatchObject({ outcome: 'extra-permit' });
  });

  it('lets operations in flight go either way', () => {
    const pending = ['T0 acquire', 'T0 acquired', 'T0 release', 'T1 acquire'];
    for (const value of [-1, 0, 1, 2]) {
      const r = check(pending, { semaphores: threading1, status: 'step-limit', finals: { S: { value } } });
      expect(r.of('permit-conservation').length).toBe(value >= -1 && value <= 1 ? 0 : 1);
    }
  });
});

describe('classifyRun', () => {
  const view = runView(buildHistory(['T0/A acquire', 'T0/A acquired']));
  const v = (outcome: string, step: number): Violation => ({ property: 'x', outcome, step, message: '' });

  it('lists every kind, most severe first whatever the order of evidence; the headline is the most severe', () => {
    expect(classifyRun(view, [v('fifo', 5), v('hang', 5), v('over-admission', 7)])).toEqual({
      kinds: ['over-admission', 'hang', 'fifo'],
      primary: 'over-admission',
    });
    expect(classifyRun(view, [v('nonconformance', 2), v('over-admission', 3)]).primary).toBe('over-admission');
    expect(classifyRun(view, [v('fifo', 1), v('nonconformance', 2)]).kinds).toEqual(['nonconformance', 'fifo']);
    // A user property's own kind ranks after the built-in symptoms and before nonconformance.
    expect(classifyRun(view, [v('nonconformance', 1), v('my-kind', 9), v('hang', 9)]).kinds).toEqual(['hang', 'my-kind', 'nonconformance']);
  });
});

describe('checkProperties', () => {
  it('honours appliesTo and takes any list of properties', () => {
    const never: Property = { name: 'never', description: '', appliesTo: () => false, check: () => [v()] };
    const always: Property = { name: 'always', description: '', check: () => [v()] };
    function v(): Violation {
      return { property: 'p', outcome: 'o', step: 1, message: 'm' };
    }
    const r = checkProperties(runView(buildHistory(['T0/A acquire'])), [never, always]);
    expect([...r.perProperty.keys()]).toEqual(['always']);
    expect(r.violations).toHaveLength(1);
  });

  it('gives no verdict on a run the backend failed: the run is outcome error, and no property applies to it', () => {
    const view = runView(buildHistory(['T0/A acquire', 'T1/B acquired']), { status: 'error' });
    const a = analyseRun(view.scenario, { ...view.run, detail: 'the harness exited with code 3' }, builtinProperties);
    expect(a.kinds).toEqual(['error']);
    expect(a.perProperty.size).toBe(0);
    expect(a.violations).toEqual([{ property: 'run', outcome: 'error', step: view.run.steps, message: 'the run failed: the harness exited with code 3' }]);
  });
});

describe('example invariant: no-holder-across-loops', () => {
  const two = { S: { kind: 'asyncio', value: 2 } } as const;

  it('flags tasks of two loops holding one asyncio semaphore at once', () => {
    const view = runView(buildHistory(['T0/A acquire', 'T0/A acquired', 'T1/B acquire', 'T1/B acquired']), { semaphores: two });
    const r = checkProperties(view, [...builtinProperties, noHolderAcrossLoops]);
    expect(r.perProperty.get('no-holder-across-loops')).toEqual([expect.objectContaining({ outcome: 'cross-loop-holders', step: 4 })]);
    expect(r.perProperty.get('at-most-n')).toEqual([]);
  });

  it('holds when the holders share a loop', () => {
    const view = runView(buildHistory(['T0/A acquire', 'T0/A acquired', 'T1/B acquire', 'T0/A release', 'T1/B acquired']), { semaphores: two });
    expect(noHolderAcrossLoops.check(view)).toEqual([]);
  });
});
