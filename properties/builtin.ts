/**
 * The built-in property registry: every property here is checked on every run of every scenario
 * (`npx semverify`), in this order. To add an invariant, write it in its own file and append it
 * here: see docs/adding-an-invariant.md. Apart from index.ts so that check-all.ts can default to
 * it without importing the package entry that re-exports check-all.ts (an import cycle).
 */
import type { Property } from './api.ts';
import { atMostN } from './at-most-n.ts';
import { conformance } from './conformance.ts';
import { errorsAllowed } from './errors-allowed.ts';
import { fifo } from './fifo.ts';
import { noLostWakeup } from './no-lost-wakeup.ts';
import { permitConservation } from './permit-conservation.ts';
import { records } from './records.ts';
import { wakeupLatency } from './wakeup-latency.ts';

export const builtinProperties: readonly Property[] = [atMostN, permitConservation, noLostWakeup, fifo, wakeupLatency, errorsAllowed, conformance, records];
