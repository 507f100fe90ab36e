/**
 * The happens-before relation of a run so far, as a fingerprint.
 *
 * A step is what one thread executes between two scheduling points. Every shared object it
 * reads or writes (semaphore fields, deques, locks, futures, loop queues, the history, the
 * clock) is recorded (Machine.touch). Two steps of different threads conflict when they access
 * the same object and one of them writes it. A step's dependencies are the earlier conflicting
 * steps it directly follows: the last writer of each object it reads, and the last writer and
 * the readers since of each object it writes.
 *
 * Two runs whose steps have the same (thread, index, dependencies, decisions) are linearizations
 * of the same partial order: every read saw the same write, so every thread is in the same
 * state and every shared object holds the same value. The fingerprint is an order-independent
 * sum over steps, so it is equal for such runs whatever order their independent steps ran in.
 * That is what lets the bounded search skip a schedule equivalent to one it has explored
 * (src/explore/search/). It is only as good as the tracking: an access not recorded is a
 * dependency missed (tested by comparing searches with and without reduction).
 */

type StepId = number;

const LOCAL_BITS = 2 ** 20;

export class HappensBefore {
  private readonly lastWrite = new Map<string, StepId>();
  private readonly readsSince = new Map<string, StepId[]>();
  /** Steps completed per thread (thread index -> count). */
  private readonly counts: number[] = [];
  private laneA = 0;
  private laneB = 0;

  /**
   * The running step of thread `thread` (an index; the clock is its own pseudo-thread) ends,
   * having read `reads` and written `writes`. `choices` are the state-changing decisions taken
   * inside it (which waiter a lock woke, the order of tied timers, a cancellation that fired, an
   * OS delay), as text.
   */
  endStep(thread: number, reads: ReadonlySet<string>, writes: ReadonlySet<string>, choices: string): void {
    const local = this.counts[thread] ?? 0;
    this.counts[thread] = local + 1;
    const me = thread * LOCAL_BITS + local;
    const deps: StepId[] = [];
    const lo = thread * LOCAL_BITS;
    const hi = lo + LOCAL_BITS;
    // Steps of other threads only: program order is implied by the step's own index.
    for (const o of reads) {
      const w = this.lastWrite.get(o);
      if (w !== undefined && (w < lo || w >= hi)) deps.push(w);
    }
    for (const o of writes) {
      const w = this.lastWrite.get(o);
      if (w !== undefined && (w < lo || w >= hi)) deps.push(w);
      const rs = this.readsSince.get(o);
      if (rs !== undefined) for (const r of rs) if (r < lo || r >= hi) deps.push(r);
    }
    for (const o of writes) {
      this.lastWrite.set(o, me);
      this.readsSince.set(o, []);
    }
    for (const o of reads) {
      if (writes.has(o)) continue;
      const rs = this.readsSince.get(o);
      if (rs === undefined) this.readsSince.set(o, [me]);
      else rs.push(me);
    }
    // The step's identity, its dependencies (sorted: a set) and its choices, mixed into two lanes.
    let a = mix(0x811c9dc5, me);
    let b = mix(0x050c5d1f, me);
    deps.sort((x, y) => x - y);
    for (let i = 0; i < deps.length; i++) {
      const d = deps[i]!;
      if (i > 0 && d === deps[i - 1]) continue; // a set: once each
      a = mix(a, d);
      b = mix(b, d);
    }
    if (choices !== '') {
      a = mix(a, fnv1a(choices, 0x811c9dc5));
      b = mix(b, fnv1a(choices, 0x050c5d1f));
    }
    this.laneA = (this.laneA + finish(a)) >>> 0;
    this.laneB = (this.laneB + finish(b)) >>> 0;
  }

  /** Equal for runs that are linearizations of the same partial order (with overwhelming probability). */
  fingerprint(): string {
    return `${this.laneA},${this.laneB}`;
  }
}

function fnv1a(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's mixing of a value (it may exceed 32 bits: both halves go in). */
function mix(h: number, value: number): number {
  return mixWord(mixWord(h, value >>> 0), Math.floor(value / 2 ** 32) >>> 0);
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * murmur3's avalanche. It matters: the fingerprint is a *sum* of step hashes, and without a
 * strong finish, steps whose inputs differ the same way cancel out in a sum (seen with raw
 * FNV-1a: two tie orders swapped between two threads gave equal sums).
 */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
