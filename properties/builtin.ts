/**
 * The registry of built-in properties, in report order. Every property here is checked on every
 * run of every scenario. Add your own here (or pass a list to checkProperties): see
 * docs/adding-an-invariant.md.
 */
import type { Property } from './api.ts';
import { atMostN } from './at-most-n.ts';
import { conformance } from './conformance.ts';
import { errorsAllowed } from './errors-allowed.ts';
import { fifo } from './fifo.ts';
import { noLostWakeup } from './no-lost-wakeup.ts';
import { permitConservation } from './permit-conservation.ts';

export const builtinProperties: readonly Property[] = [
  atMostN,
  permitConservation,
  noLostWakeup,
  fifo,
  errorsAllowed,
  conformance,
];
