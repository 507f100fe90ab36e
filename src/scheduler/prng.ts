/**
 * The contract's generator (src/contract/prng.ts): sfc32 seeded by FNV-1a of the seed string.
 * The harness implements the same in semverify_harness/sources.py; both are checked against
 * the contract's vectors, so a seeded source draws the same numbers on both backends.
 */

const UTF8 = new TextEncoder();

/** FNV-1a-32 of the UTF-8 bytes of `s`. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of UTF8.encode(s)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

export class Prng {
  private a = 0;
  private b: number;
  private c = 0;
  private d = 1;

  constructor(seed: string | number) {
    this.b = fnv1a(String(seed));
    for (let i = 0; i < 12; i++) this.next();
  }

  /** The next unsigned 32-bit output. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** A number in [0, 1): next() / 2^32, exact in a double. */
  float(): number {
    return this.next() / 4294967296;
  }

  /** An index in 0..n-1: floor(float() * n). */
  index(n: number): number {
    return Math.floor(this.float() * n);
  }
}
