/**
 * The property registry and the public entry of the properties package.
 *
 * Every property in `builtinProperties` is checked on every run of every scenario (`npx semverify`),
 * in this order. To add an invariant, write it in its own file and append it here: see
 * docs/adding-an-invariant.md.
 */
import type { Property } from './api.ts';
import { atMostN } from './at-most-n.ts';
import { conformance } from './conformance.ts';
import { errorsAllowed } from './errors-allowed.ts';
import { fifo } from './fifo.ts';
import { noLostWakeup } from './no-lost-wakeup.ts';
import { permitConservation } from './permit-conservation.ts';

export const builtinProperties: readonly Property[] = [atMostN, permitConservation, noLostWakeup, fifo, errorsAllowed, conformance];

export type { Property, RunView, Violation } from './api.ts';
export { checkProperties, type CheckResult } from './check-all.ts';
export { classifyRun, type RunClassification } from './classify.ts';
export { maxConcurrency, holderSnapshots, type Concurrency, type HolderSnapshot, type Holding } from './holders.ts';
export { atMostN, permitConservation, noLostWakeup, fifo, errorsAllowed, conformance };
export { noHolderAcrossLoops } from './examples/no-holder-across-loops.ts';
