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
    const deps = new Set<StepId>();
    const other = (s: StepId | undefined) => s !== undefined && Math.floor(s / LOCAL_BITS) !== thread;
    for (const o of reads) {
      const w = this.lastWrite.get(o);
      if (other(w)) deps.add(w!);
    }
    for (const o of writes) {
      const w = this.lastWrite.get(o);
      if (other(w)) deps.add(w!);
      for (const r of this.readsSince.get(o) ?? []) if (other(r)) deps.add(r);
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
    for (const d of [...deps].sort((x, y) => x - y)) {
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
    return `${this.laneA.toString(36)}.${this.laneB.toString(36)}`;
  }
}

function fnv1a(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's mixing of one 32-bit word (the value may exceed 32 bits: both halves go in). */
function mix(h: number, value: number): number {
  for (const word of [value >>> 0, Math.floor(value / 2 ** 32) >>> 0]) {
    let k = Math.imul(word, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return h;
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
