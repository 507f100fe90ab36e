/**
 * Public entry of the properties package: the built-in registry and the helpers that run it.
 */
export type { Property, RunView, Violation } from './api.ts';
export { builtinProperties } from './builtin.ts';
export { checkProperties, type CheckResult } from './check-all.ts';
export { classifyRun, type RunClassification } from './classify.ts';
export { maxConcurrency, holderSnapshots, type Concurrency, type HolderSnapshot, type Holding } from './holders.ts';
export { atMostN } from './at-most-n.ts';
export { permitConservation } from './permit-conservation.ts';
export { noLostWakeup } from './no-lost-wakeup.ts';
export { fifo } from './fifo.ts';
export { errorsAllowed } from './errors-allowed.ts';
export { conformance } from './conformance.ts';
export { noHolderAcrossLoops } from './examples/no-holder-across-loops.ts';
