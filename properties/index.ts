/**
 * The public entry of the properties package. The registry of built-in properties, checked on
 * every run of every scenario, is `builtinProperties` in builtin.ts: to add an invariant, write it
 * in its own file and append it there (docs/adding-an-invariant.md).
 */
import { atMostN } from './at-most-n.ts';
import { conformance } from './conformance.ts';
import { errorsAllowed } from './errors-allowed.ts';
import { fifo } from './fifo.ts';
import { noLostWakeup } from './no-lost-wakeup.ts';
import { permitConservation } from './permit-conservation.ts';
import { records } from './records.ts';
import { wakeupLatency } from './wakeup-latency.ts';

export { builtinProperties } from './builtin.ts';

export type { Property, RunView, Violation } from './api.ts';
export { checkProperties, type CheckResult } from './check-all.ts';
export { classifyRun, type RunClassification } from './classify.ts';
export { maxConcurrency, holderSnapshots, type Concurrency, type HolderSnapshot, type Holding } from './holders.ts';
export { atMostN, permitConservation, noLostWakeup, fifo, wakeupLatency, errorsAllowed, conformance, records };
export { noHolderAcrossLoops } from './examples/no-holder-across-loops.ts';
