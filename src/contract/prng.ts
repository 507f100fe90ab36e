/**
 * The pseudo-random generator every seeded decision source draws from, on both backends. A
 * seeded source must make the same decisions in the simulation (src/scheduler/prng.ts) and in
 * the harness (semverify_harness/sources.py) wherever the two reach the same points, so the
 * generator is part of the contract: defined here, implemented once per language, and both
 * implementations are checked against the same vectors (exported in contract.json).
 *
 * Algorithm: sfc32 (Chris Doty-Humphrey's "small fast counting" generator, as in PractRand),
 * all arithmetic modulo 2^32:
 *
 *   seed(s):  h = FNV-1a-32 of the UTF-8 bytes of the seed string s
 *             (h = 0x811c9dc5; for each byte x: h = ((h ^ x) * 0x01000193) mod 2^32)
 *             a = 0, b = h, c = 0, d = 1; then draw and discard 12 outputs
 *   next():   t = a + b + d;  d = d + 1;  a = b ^ (b >>> 9);  b = c + (c << 3);
 *             c = ((c << 21) | (c >>> 11)) + t;  return t            (an unsigned 32-bit integer)
 *   float():  next() / 2^32, a number in [0, 1) that both languages represent exactly
 *   index(n): floor(float() * n), for choosing among n options
 *
 * Why sfc32: 128 bits of state, good statistical quality, a few lines of integer arithmetic
 * that JavaScript and Python compute identically (seedrandom's ARC4 and Python's Mersenne
 * Twister share nothing). Numeric seeds are their decimal strings ("7", "1:3").
 */

/** Name and version of the algorithm: a change of either changes which runs a seed explores. */
export const PRNG_ALGORITHM = 'sfc32/fnv1a-utf8/discard-12' as const;

export interface PrngVector {
  readonly seed: string;
  /** FNV-1a-32 of the seed's UTF-8 bytes. */
  readonly fnv1a: number;
  /** The first outputs of next() after seeding. */
  readonly outputs: readonly number[];
}

/**
 * Computed with an independent transcription of PractRand's sfc32 (not with either
 * implementation they check): the empty seed, numeric seeds as exploration forms them, a
 * non-ASCII seed (UTF-8, not UTF-16 code units).
 */
export const PRNG_VECTORS: readonly PrngVector[] = [
  { seed: '', fnv1a: 2166136261, outputs: [2223145380, 957132186, 846667067, 3095219541, 1888347743, 2933627587, 942743748, 3704358979] },
  { seed: '1', fnv1a: 873244444, outputs: [2357195254, 3970748781, 3740790421, 638991749, 3370558256, 3971055127, 1127769668, 277080827] },
  { seed: '1:3', fnv1a: 1646576179, outputs: [129377707, 2476584238, 2378899677, 567717540, 1023784592, 2287475369, 343163860, 722255665] },
  {
    seed: '20261125:0',
    fnv1a: 1295269834,
    outputs: [2762930565, 1962559364, 1256853619, 3416988079, 3459547038, 866473245, 3515363074, 3915429898],
  },
  { seed: 'semverify', fnv1a: 1129851125, outputs: [1063165628, 365657555, 1164677338, 2903598914, 598246031, 403110358, 197790080, 1240253206] },
  { seed: 'ü∞', fnv1a: 2466732490, outputs: [2892348185, 1932618879, 1949175973, 948339376, 2880475840, 1450018580, 1346488664, 1802180946] },
];
