/**
 * Where a run's choices come from, as data: both backends build the same decision source from it
 * (the simulation in src/backends/run-request.ts, the harness in semverify_harness/sources.py).
 * Seeded sources draw from the contract's generator (prng.ts), so a spec makes the same decisions
 * on both backends wherever they reach the same points.
 */
export type SourceSpec =
  | { readonly kind: 'random'; readonly seed: string; readonly pSwitch: number; readonly pDelay: number; readonly pCancel: number }
  | {
      readonly kind: 'bounded';
      readonly seed: string;
      readonly preemptions: number;
      readonly horizon: number;
      readonly delayShare: number;
      readonly pCancel: number;
    }
  /**
   * Depth-first enumeration (src/explore/search/dfs.ts): choice `prefix[i]` at the i-th decision,
   * the default after the prefix, at most `budget` preemptions. The run reports every decision it
   * met (RunResult.decisions). Sent only to backends that declare `enumerates`.
   */
  | {
      readonly kind: 'prefix';
      readonly prefix: readonly number[];
      readonly budget: number;
      /**
       * Runs of one search that share the memory of states reached, for backends that `prune`
       * (a run may then come back `pruned`); ignored by the others. Absent: no reduction.
       */
      readonly session?: string;
    };
