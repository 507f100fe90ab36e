/**
 * Expectations name properties and outcome kinds, which the scenario validator cannot know: they
 * depend on the properties a check runs with. Checked before exploring, because a misspelt name
 * is otherwise silent (`"at-most-m": "violated"` was simply never compared) or misleading (an
 * unknown kind in `reachable` is "not reached", exit 1, after the whole exploration).
 */
import { InputError } from './errors.ts';
import { childPath, closest, describeValue, indexPath } from './field-reader.ts';
import type { Scenario } from './types.ts';

/** Throws an InputError (source: the scenario id) naming the first unknown name in `scenario.expect`. */
export function checkExpectationNames(scenario: Scenario, propertyNames: readonly string[], outcomeNames: readonly string[]): void {
  for (const name of Object.keys(scenario.expect?.properties ?? {})) {
    if (!propertyNames.includes(name)) {
      throw new InputError(childPath('expect.properties', name), `unknown property${didYouMean(name, propertyNames)} (properties: ${propertyNames.join(', ')})`, scenario.id);
    }
  }
  (scenario.expect?.reachable ?? []).forEach((kind, i) => {
    if (!outcomeNames.includes(kind)) {
      throw new InputError(indexPath('expect.reachable', i), `unknown outcome ${describeValue(kind)}${didYouMean(kind, outcomeNames)} (outcomes: ${outcomeNames.join(', ')})`, scenario.id);
    }
  });
}

function didYouMean(name: string, known: readonly string[]): string {
  const guess = closest(name, known);
  return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
}
