/**
 * Check a run against a list of properties.
 */
import type { Property, RunView, Violation } from './api.ts';
import { builtinProperties } from './builtin.ts';

export interface CheckResult {
  /** One entry per property that applies to the scenario (absent: n/a), in list order. */
  readonly perProperty: ReadonlyMap<string, readonly Violation[]>;
  /** All violations, in property order. */
  readonly violations: readonly Violation[];
}

/** Judges a run; a run whose status is 'error' proves nothing and is never handed to a property (src/explore/analyse.ts). */
export function checkProperties(view: RunView, properties: readonly Property[] = builtinProperties): CheckResult {
  const perProperty = new Map<string, readonly Violation[]>();
  for (const p of properties) {
    if (p.appliesTo !== undefined && !p.appliesTo(view.scenario)) continue;
    if (p.appliesToRun !== undefined && !p.appliesToRun(view)) continue;
    perProperty.set(p.name, p.check(view));
  }
  return { perProperty, violations: [...perProperty.values()].flat() };
}
