/**
 * The contract's generator (src/contract/prng.ts) as the simulation implements it: the same
 * numbers as the contract's vectors, which the harness is checked against too
 * (test/contract-python.test.ts), so a seed means the same draws on both backends.
 */
import { describe, expect, it } from 'vitest';
import { PRNG_VECTORS } from '../src/contract/prng.ts';
import { fnv1a, Prng } from '../src/scheduler/prng.ts';

describe('the seeded generator (sfc32 over FNV-1a)', () => {
  it('hashes and draws exactly the contract vectors', () => {
    expect(PRNG_VECTORS.length).toBeGreaterThan(3);
    for (const v of PRNG_VECTORS) {
      expect(fnv1a(v.seed), v.seed).toBe(v.fnv1a);
      const rng = new Prng(v.seed);
      expect(
        v.outputs.map(() => rng.next()),
        v.seed,
      ).toEqual(v.outputs);
    }
  });

  it('floats are outputs / 2^32 and indices are floor(float * n)', () => {
    const a = new Prng('1:3');
    const b = new Prng('1:3');
    for (let i = 0; i < 100; i++) {
      const u = b.next();
      if (i % 2 === 0) expect(a.float()).toBe(u / 2 ** 32);
      else expect(a.index(7)).toBe(Math.floor((u / 2 ** 32) * 7));
    }
  });

  it('a numeric seed is its decimal string', () => {
    expect(new Prng(7).next()).toBe(new Prng('7').next());
  });
});
