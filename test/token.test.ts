import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeToken, encodeToken, sealToken, type ReplayToken } from '../src/explore/token.ts';
import { InputError } from '../src/contract/input-error.ts';
import type { Scenario } from '../src/scenario/types.ts';
import type { Deviation } from '../src/contract/schedule.ts';

const scenario: Scenario = {
  id: 'tok',
  title: 'token fixture',
  semaphores: { sem: { kind: 'asyncio', value: 1 } },
  threads: [
    {
      name: 'T0',
      loop: true,
      tasks: [
        { name: 'A', ops: [{ op: 'hold', seconds: 1 }] },
        { name: 'B', ops: [{ op: 'hold', seconds: 1 }] },
      ],
    },
    { name: 'T1', loop: true, tasks: [{ name: 'C', ops: [{ op: 'acquire' }, { op: 'release' }] }] },
  ],
  cancellations: [{ task: 'B' }],
};

const token: ReplayToken = {
  v: 2,
  backend: 'sim',
  model: 'gil',
  scenario,
  schedule: [
    { kind: 'switch', thread: 'T0', label: 'asyncio/locks.py:Semaphore.acquire:373', occ: 1, to: 'T1' },
    { kind: 'delay', thread: 'T1', label: 'scenario:C:0', occ: 2 },
    { kind: 'cancel', thread: 'T0', label: 'asyncio/base_events.py:BaseEventLoop._run_once:slot', occ: 3, task: 'B' },
    { kind: 'wake', thread: 'T0', label: 'threading.py:Condition.wait:327', occ: 1, waiter: 'T1' },
    { kind: 'tie', thread: 'T0', label: 'asyncio/base_events.py:BaseEventLoop._run_once:timers', occ: 1, order: [1, 0] },
    { kind: 'switch', thread: 'clock', label: 'clock:advance', occ: 1 },
  ],
  maxSteps: 5000,
};

/** A token of arbitrary JSON content, for testing the layers below the shape check. */
function rawToken(json: string): string {
  return sealToken(json);
}

function tokenError(s: string): InputError {
  try {
    decodeToken(s);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).field).toBe('token');
    expect((e as InputError).message).not.toContain('\n');
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('replay tokens', () => {
  it('round-trip exactly, with the documented prefix and a URL-safe body', () => {
    const s = encodeToken(token);
    expect(s).toMatch(/^sv2\.[A-Za-z0-9_-]+$/);
    expect(decodeToken(s)).toEqual(token);
    expect(decodeToken(`  ${s}\n`)).toEqual(token);
  });

  it('round-trip the optional fields', () => {
    const t: ReplayToken = { v: 2, backend: 'cpython', model: 'gil', python: '3.11', scenario, schedule: [] };
    expect(decodeToken(encodeToken(t))).toEqual(t);
  });

  it('round-trip arbitrary schedules over the scenario', () => {
    const threads = ['T0', 'T1'];
    const key = {
      thread: fc.constantFrom(...threads, 'clock'),
      label: fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
      occ: fc.integer({ min: 1, max: 1e6 }),
    };
    const deviation: fc.Arbitrary<Deviation> = fc.oneof(
      fc.record({ kind: fc.constant('switch' as const), ...key, to: fc.constantFrom(...threads) }, { requiredKeys: ['kind', 'thread', 'label', 'occ'] }),
      fc.record({ kind: fc.constant('delay' as const), ...key }),
      fc.record({ kind: fc.constant('cancel' as const), ...key, task: fc.constantFrom('A', 'B', 'C') }),
      fc.record({ kind: fc.constant('wake' as const), ...key, waiter: fc.constantFrom(...threads) }),
      fc.record({ kind: fc.constant('tie' as const), ...key, order: fc.uniqueArray(fc.nat(9), { minLength: 1 }) }),
    );
    fc.assert(
      fc.property(fc.array(deviation, { maxLength: 20 }), fc.constantFrom('gil' as const, 'free-threaded' as const), (schedule, model) => {
        const t: ReplayToken = { v: 2, backend: 'sim', model, scenario, schedule };
        expect(decodeToken(encodeToken(t))).toEqual(t);
      }),
      { numRuns: 200 },
    );
  });
});

describe('malformed tokens are InputErrors on field "token"', () => {
  const good = encodeToken(token);
  const cases: [string, string, RegExp][] = [
    ['a missing prefix', good.slice(4), /starting with "sv2\."/],
    ['another version prefix', `sv3.${good.slice(4)}`, /starting with "sv2\."/],
    ['a version-1 token', `sv1.${good.slice(4)}`, /^token: this is a version-1 token \(sv1\.…\), made by an older semverify without an integrity check/],
    ['nothing after the prefix', 'sv2.', /empty after the prefix/],
    ['a character outside base64url', `${good.slice(0, 20)}+${good.slice(21)}`, /not base64url: character "\+" at position 20/],
    ['a line break inside (wrapped when pasted)', `${good.slice(0, 30)}\n${good.slice(30)}`, /not base64url/],
    ['a cut token', good.slice(0, Math.floor(good.length / 2) + 1), /integrity check failed/],
    ['a token cut to its digest', good.slice(0, 4 + 16), /too short to be a token/],
    ['garbage that is valid base64url', `sv2.${'A'.repeat(40)}`, /^token: altered or cut: integrity check failed$/],
    [
      'a sealed payload that is not deflate data',
      `sv2.${Buffer.concat([Buffer.from(sealToken('{}').slice(4), 'base64url').subarray(0, 12), Buffer.from([0xff, 0xff])]).toString('base64url')}`,
      /integrity check failed/,
    ],
    ['content that is not JSON', rawToken('{not json'), /not JSON/],
    ['an unsupported version field', rawToken(JSON.stringify({ ...token, v: 3 })), /^token: v: unsupported token version 3 \(this semverify reads version 2\)/],
    ['an unknown backend', rawToken(JSON.stringify({ ...token, backend: 'pypy' })), /^token: backend: expected one of "sim", "cpython", got "pypy"/],
    ['an unknown key', rawToken(JSON.stringify({ ...token, seed: 3 })), /^token: seed: unknown key/],
    [
      'a bad scenario field',
      rawToken(JSON.stringify({ ...token, scenario: { ...scenario, semaphores: { sem: { kind: 'asyncio', value: -1 } } } })),
      /^token: scenario\.semaphores\.sem\.value: expected an integer from 0 to 1000, got -1/,
    ],
    [
      'a deviation on an unknown thread',
      rawToken(JSON.stringify({ ...token, schedule: [{ kind: 'delay', thread: 'T9', label: 'x', occ: 1 }] })),
      /^token: schedule\[0\]\.thread: unknown thread "T9"/,
    ],
    [
      'a deviation with occ 0',
      rawToken(JSON.stringify({ ...token, schedule: [{ kind: 'delay', thread: 'T0', label: 'x', occ: 0 }] })),
      /^token: schedule\[0\]\.occ: expected an integer from 1/,
    ],
    [
      'an unknown deviation kind',
      rawToken(JSON.stringify({ ...token, schedule: [{ kind: 'yield', thread: 'T0', label: 'x', occ: 1 }] })),
      /^token: schedule\[0\]\.kind: expected one of/,
    ],
    [
      'a cancel of an unknown task',
      rawToken(JSON.stringify({ ...token, schedule: [{ kind: 'cancel', thread: 'T0', label: 'x', occ: 1, task: 'Z' }] })),
      /^token: schedule\[0\]\.task: unknown task "Z"/,
    ],
    [
      'a tie order with repeats',
      rawToken(JSON.stringify({ ...token, schedule: [{ kind: 'tie', thread: 'T0', label: 'x', occ: 1, order: [0, 0] }] })),
      /^token: schedule\[0\]\.order: expected distinct indices/,
    ],
    ['a zero maxSteps', rawToken(JSON.stringify({ ...token, maxSteps: 0 })), /^token: maxSteps: /],
    ['a document that is not an object', rawToken('[1,2]'), /^token: expected an object, got an array/],
  ];

  it.each(cases)('%s', (_what, text, problem) => {
    expect(tokenError(text).message).toMatch(problem);
  });

  it('a last character changed only in its unused bits (same bytes, another spelling)', () => {
    // A body whose length is not a multiple of 4 ends in a character with unused low bits.
    const spare = [0, 1, 2, 3].map((k) => sealToken(JSON.stringify(token) + ' '.repeat(k))).find((t) => (t.length - 4) % 4 !== 0)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(spare.at(-1)!);
    const altered = spare.slice(0, -1) + alphabet[last ^ 1];
    expect(Buffer.from(altered.slice(4), 'base64url')).toEqual(Buffer.from(spare.slice(4), 'base64url'));
    expect(tokenError(altered).message).toMatch(/^token: altered: not the canonical base64url spelling/);
  });

  it('a token that inflates to megabytes (not one of ours)', () => {
    const huge = sealToken(' '.repeat(9 * 1024 * 1024));
    expect(tokenError(huge).message).toMatch(/inflates to more than 8 MiB/);
  });
});
