/**
 * Expectations name properties and outcome kinds, which the scenario validator cannot know: they
 * depend on the properties a check runs with. Checked before exploring, because a misspelt name
 * is otherwise silent (`"at-most-m": "violated"` was simply never compared) or misleading (an
 * unknown kind in `reachable` is "not reached", exit 1, after the whole exploration).
 */
import { InputError } from '../contract/input-error.ts';
import { childPath, closest, describeValue, indexPath } from './field-reader.ts';
import type { Scenario, VersionExpectations } from './types.ts';
import type { Property } from '../../properties/api.ts';
import { BUILTIN_OUTCOMES } from '../contract/outcomes.ts';

/**
 * Throws an InputError (source: the scenario id) naming the first unknown name in `scenario.expect`,
 * its `expect.versions` blocks included.
 */
export function checkExpectationNames(scenario: Scenario, propertyNames: readonly string[], outcomeNames: readonly string[]): void {
  const blocks: [string, VersionExpectations | undefined][] = [
    ['expect', scenario.expect],
    ...Object.entries(scenario.expect?.versions ?? {}).map(([range, block]): [string, VersionExpectations] => [childPath('expect.versions', range), block]),
  ];
  for (const [path, block] of blocks) {
    for (const name of Object.keys(block?.properties ?? {})) {
      if (!propertyNames.includes(name)) {
        throw new InputError(
          childPath(`${path}.properties`, name),
          `unknown property${didYouMean(name, propertyNames)} (properties: ${propertyNames.join(', ')})`,
          scenario.id,
        );
      }
    }
    (block?.reachable ?? []).forEach((kind, i) => {
      if (!outcomeNames.includes(kind)) {
        throw new InputError(
          indexPath(`${path}.reachable`, i),
          `unknown outcome ${describeValue(kind)}${didYouMean(kind, outcomeNames)} (outcomes: ${outcomeNames.join(', ')})`,
          scenario.id,
        );
      }
    });
  }
}

/** The names a check with these properties can produce: their names, and the built-in outcome kinds plus the ones they declare. */
export function checkExpectationsAgainst(scenario: Scenario, properties: readonly Pick<Property, 'name' | 'outcomes'>[]): void {
  const outcomes = [...new Set([...BUILTIN_OUTCOMES, ...properties.flatMap((p) => p.outcomes ?? [])])];
  checkExpectationNames(
    scenario,
    properties.map((p) => p.name),
    outcomes,
  );
}

function didYouMean(name: string, known: readonly string[]): string {
  const guess = closest(name, known);
  return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
}
