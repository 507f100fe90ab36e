/**
 * The pool's shared stop flags (one SharedArrayBuffer of Int32): a worker reads them between two
 * runs, so a stop takes effect within one run, even in a loop of synchronous simulated runs.
 */

/** Set when the exploration is interrupted (Ctrl-C, SIGTERM): every unit stops. */
export const FLAG_INTERRUPT = 0;

/** Set when the unit running on worker `w` is no longer needed (an earlier unit already decided the merge). */
export function flagOfWorker(w: number): number {
  return 1 + w;
}

export function flagBuffer(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (1 + workers));
}
