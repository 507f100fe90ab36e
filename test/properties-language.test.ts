/**
 * What the scenario language adds to the judges, on hand-written histories: an acquire that ends
 * without a permit (not-acquired) in both models, release(n) in the counts, the `records` and
 * `wakeup-latency` properties, and waiters a scenario declares parked. Each case has its violating
 * twin, so none of them passes by judging nothing.
 */
import { describe, expect, it } from 'vitest';
import { checkProperties } from '../properties/index.ts';
import { buildHistory, runView, type RunViewOptions } from '../properties/testing/build-history.ts';

const asyncio1 = { S: { kind: 'asyncio', value: 1 } } as const;
const threading1 = { S: { kind: 'threading', value: 1 } } as const;

function violated(lines: string[], options: RunViewOptions = {}): Record<string, string[]> {
  const { perProperty } = checkProperties(runView(buildHistory(lines), options));
  const out: Record<string, string[]> = {};
  for (const [name, vs] of perProperty) if (vs.length > 0) out[name] = vs.map((v) => v.message);
  return out;
}

describe('not-acquired: an acquire that ends without a permit', () => {
  it('threading: acquire(False) may fail only when no permit is free, a timeout only while none is', () => {
    const held = ['T0 acquire', 'T0 acquired', 'T1 acquire', 'T1 not-acquired', 'T1 acquire', 'T1 waiting', 'T1 not-acquired'];
    expect(violated(held, { semaphores: threading1 })).toEqual({});
    // Nobody holds the permit: refusing it, or giving up on it, is what the model forbids.
    const free = ['T1 acquire', 'T1 not-acquired'];
    expect(violated(free, { semaphores: threading1 }).conformance?.[0]).toMatch(/cannot fail to take a free permit/);
    const gaveUp = ['T0 acquire', 'T0 acquired', 'T1 acquire', 'T1 waiting', 'T0 release', 'T0 released', 'T1 not-acquired', 'T2 acquire', 'T2 acquired'];
    expect(violated(gaveUp, { semaphores: threading1 })).toEqual({});
    // The permit came back before T1 even parked: no instant of its wait saw none free.
    const gaveUpFree = ['T0 acquire', 'T0 acquired', 'T1 acquire', 'T0 release', 'T0 released', 'T1 waiting', 'T1 not-acquired'];
    expect(violated(gaveUpFree, { semaphores: threading1 }).conformance?.[0]).toMatch(/may not give up while a permit is free/);
  });

  it('asyncio: a timed-out waiter leaves the line; one handed a permit must give it back (else a lost permit)', () => {
    const lines = ['T0/A acquire', 'T0/A acquired', 'T0/B acquire', 'T0/B waiting', 'T0/A release', 'T0/A released', 'T0/B not-acquired'];
    expect(violated(lines, { semaphores: asyncio1 })).toEqual({});
    const leaked = violated(lines, { semaphores: asyncio1, finals: { S: { value: 0 } } });
    expect(leaked['permit-conservation']?.[0]).toMatch(/1 permit lost; 1 acquire ended without a permit \(timed out or refused\)/);
    // A timed-out waiter is no holder: a newcomer may take the permit it gave up.
    expect(violated([...lines, 'T0/C acquire', 'T0/C acquired'], { semaphores: asyncio1 })).toEqual({});
  });
});

describe('fifo with timeouts', () => {
  it('a waiter that times out gives up its place; the next in line goes first, and a newcomer may not overtake it', () => {
    const head = ['T0/H acquire', 'T0/H acquired', 'T0/A acquire', 'T0/A waiting', 'T0/B acquire', 'T0/B waiting', 'T0/A not-acquired'];
    const fair = [...head, 'T0/H release', 'T0/H released', 'T0/C acquire', 'T0/C waiting', 'T0/B acquired', 'T0/B release', 'T0/B released', 'T0/C acquired'];
    expect(violated(fair, { semaphores: asyncio1 })).toEqual({});
    // C arrives after B parked and gets in first: barging, whatever happened to A.
    const barging = [...head, 'T0/H release', 'T0/H released', 'T0/C acquire', 'T0/C acquired', 'T0/B acquired'];
    expect(violated(barging, { semaphores: asyncio1 }).fifo?.[0]).toMatch(/T0\/C acquired .* before T0\/B/);
  });
});

describe('release(n)', () => {
  it('returns n permits: counted by permit-conservation, at-most-n and the threading model', () => {
    const lines = ['T0 acquire', 'T0 acquired', 'T0 release n=2', 'T0 released', 'T1 acquire', 'T1 acquired', 'T2 acquire', 'T2 acquired'];
    const end = { semaphores: threading1, finals: { S: { value: 0 } } };
    expect(violated(lines, end)).toEqual({});
    // Counted as one permit, the same history is an over-admission and a created permit.
    const once = lines.map((l) => l.replace(' n=2', ''));
    expect(Object.keys(violated(once, end)).sort()).toEqual(['at-most-n', 'conformance', 'permit-conservation']);
  });

  it('a BoundedSemaphore refuses release(n) past its initial value, and only then', () => {
    const bounded2 = { S: { kind: 'threading', value: 2, bounded: true } } as const;
    const ok = ['T0 acquire', 'T0 acquired', 'T0 release n=2', 'T0 error:released-too-many'];
    expect(violated(ok, { semaphores: bounded2 })).toEqual({});
    const wrong = ['T0 acquire', 'T0 acquired', 'T0 acquire', 'T0 acquired', 'T0 release n=2', 'T0 error:released-too-many'];
    expect(violated(wrong, { semaphores: bounded2 })['errors-allowed']?.[0]).toMatch(/releasing 2 does not exceed the initial 2/);
  });
});

describe('records', () => {
  const lines = ['T0/c1 record:1', 'T0/c2 record:2', 'T0/c4 record:4', 'T0/c3 record:3'];

  it('holds when the tags come in the expected order, and names the first difference when not', () => {
    expect(violated(lines, { expect: { records: ['1', '2', '4', '3'] } })).toEqual({});
    expect(violated(lines, { expect: { records: ['1', '2', '3', '4'] } }).records).toEqual([
      'records ["1", "2", "4", "3"] differ from the expected ["1", "2", "3", "4"] at position 3: T0/c4 recorded "4" at step 3, t=0s where "3" was expected',
    ]);
    expect(violated(lines.slice(0, 2), { expect: { records: ['1', '2', '3'] } }).records?.[0]).toMatch(/the run ended .* before "3" was recorded/);
  });

  it('judges a run that hung on what it recorded so far', () => {
    const hung = { status: 'hang' as const, expect: { records: ['1', '2', '3', '4'] } };
    expect(violated(lines.slice(0, 2), hung).records).toBeUndefined();
    expect(violated(['T0/c1 record:1', 'T0/c4 record:4'], hung).records?.[0]).toMatch(/at position 2/);
  });
});

describe('wakeup-latency', () => {
  // CPython's test_acquire_fifo_order_4: c1 waits, c2 releases three times and waits, c3 waits; then c1 returns.
  const head = [
    'T0/c1 acquire',
    'T0/c1 waiting',
    ...['release', 'released', 'release', 'released', 'release', 'released'].map((k) => `T0/c2 ${k}`),
    'T0/c2 acquire',
    'T0/c2 waiting',
    'T0/c3 acquire',
    'T0/c3 waiting',
    'T0/c1 acquired',
    'T0/c1 spawn:c4',
    'T0/c1 record:1',
  ];
  const zero = { semaphores: { S: { kind: 'asyncio', value: 0 } } } as const;

  it('3.10-3.12: c4, created after c3 could be woken, runs first (GH-111694)', () => {
    const late = [...head, 'T0/c2 acquired', 'T0/c2 record:2', 'T0/c4 record:4', 'T0/c3 acquired', 'T0/c3 record:3'];
    const found = violated(late, zero)['wakeup-latency'];
    expect(found).toHaveLength(1);
    expect(found![0]).toMatch(
      /T0\/c3 was due from step 13.*T0\/c1 returned from acquire\(\) with 2 permits free for the 2 waiters.*T0\/c4, created at step 14, after that, ran \(record "4"/,
    );
  });

  it('3.13: every waiter that can take a permit runs before c4', () => {
    const prompt = [...head, 'T0/c2 acquired', 'T0/c2 record:2', 'T0/c3 acquired', 'T0/c3 record:3', 'T0/c4 record:4'];
    expect(violated(prompt, zero)).toEqual({});
  });

  it('a task created before the waiter was due may run first; so may one woken on another semaphore it parked on before', () => {
    const early = [
      'T0/c1 acquire',
      'T0/c1 waiting',
      'T0/c2 spawn:c4',
      'T0/c2 acquire',
      'T0/c2 waiting',
      'T0/c0 release',
      'T0/c0 released',
      'T0/c0 release',
      'T0/c0 released',
      'T0/c1 acquired',
      'T0/c4 record:4',
      'T0/c2 acquired',
    ];
    expect(violated(early, zero)).toEqual({});
    // c5 parks on another semaphore after c2 is due and is woken before it: that wake-up was scheduled later.
    const other = [
      ...early.slice(0, 10),
      'T0/c5 acquire sem=R',
      'T0/c5 waiting sem=R',
      'T0/c0 release sem=R',
      'T0/c0 released sem=R',
      'T0/c5 acquired sem=R',
      'T0/c2 acquired',
    ];
    const found = violated(other, { semaphores: { S: { kind: 'asyncio', value: 0 }, R: { kind: 'asyncio', value: 0 } } })['wakeup-latency'];
    expect(found?.[0]).toMatch(/T0\/c2 was due .* while T0\/c5, parked in acquire\(\) on sem 'R' at step 12, after that, and was woken first/);
  });

  it('does not judge a semaphore used from two loops', () => {
    const late = [...head, 'T0/c2 acquired', 'T0/c2 record:2', 'T0/c4 record:4', 'T0/c3 acquired', 'T0/c3 record:3', 'T1/x release', 'T1/x released'];
    expect(violated(late, zero)['wakeup-latency']).toBeUndefined();
  });
});

describe('expect.parked: waiters that may stay parked', () => {
  const lines = ['T0/A acquire', 'T0/A acquired', 'T0/B acquire', 'T0/B waiting'];
  const blocked = [{ thread: 'T0', on: 'select(timeout=None) on loop@T0' }];
  const threads = [
    {
      name: 'T0',
      loop: true,
      tasks: [
        { name: 'A', ops: [] },
        { name: 'B', ops: [] },
      ],
    },
  ];

  it('a hang in which only declared waiters wait, with no permit for them, is how the run ends', () => {
    expect(violated(lines, { status: 'hang', blocked, threads, expect: { parked: ['B'] }, finals: { S: { waiters: 1 } } })).toEqual({});
    expect(violated(lines, { status: 'hang', blocked, threads })['no-lost-wakeup']?.[0]).toMatch(/^hang at/);
    expect(violated(lines, { status: 'hang', blocked, threads, expect: { parked: ['A'] } })['no-lost-wakeup']).toHaveLength(1);
  });

  it('still a lost wake-up when a permit is free for the declared waiter', () => {
    const released = [...lines, 'T0/A release', 'T0/A released'];
    const found = violated(released, { status: 'hang', blocked, threads, expect: { parked: ['B'] } })['no-lost-wakeup'];
    expect(found?.[0]).toMatch(/lost wake-up: 1 permit free while T0\/B waits/);
  });

  it('names a plain thread through one of its tasks', () => {
    const plain = [{ name: 'P', loop: false, tasks: [{ name: 'p1', ops: [] }] }];
    const h = ['P acquire', 'P waiting'];
    const v = { status: 'hang' as const, blocked: [{ thread: 'P', on: 'lock' }], threads: plain, semaphores: { S: { kind: 'threading', value: 0 } } } as const;
    expect(violated(h, { ...v, expect: { parked: ['p1'] } })).toEqual({});
    expect(violated(h, v)['no-lost-wakeup']).toHaveLength(1);
  });
});
