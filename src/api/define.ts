/** Typed helpers for what users write: scenarios, properties, configs, implementations. */
import type { Property } from '../../properties/api.ts';
import type { Scenario } from '../scenario/types.ts';
import { parseScenario } from '../scenario/validate.ts';
import { readConfig, type SemverifyConfig } from '../project/config.ts';
import { resolveScenario } from '../scenario/load.ts';
import { InputError } from '../contract/input-error.ts';
import type { UserImplementation } from '../ports/user-registry.ts';

/**
 * A scenario written in code: validated now, as a file would be (every problem an `InputError`
 * naming the field), and returned as the exact documented shape.
 */
export function defineScenario(scenario: Scenario): Scenario {
  return readScenarioObject(scenario);
}

export function readScenarioObject(scenario: Scenario): Scenario {
  return parseScenario(scenario, `scenario ${typeof scenario?.id === 'string' ? scenario.id : '(no id)'}`);
}

/** A property, checked for shape (kebab-case name, a description, a `check` function). */
export function defineProperty(property: Property): Property {
  readConfig({ properties: [property] }, 'property');
  return property;
}

/** A config file's default export, typed (`export default defineConfig({ ... })`). */
export function defineConfig(config: SemverifyConfig): SemverifyConfig {
  return config;
}

/** A TypeScript implementation, typed for a config's `implementations`. */
export function defineImplementation(impl: UserImplementation): UserImplementation {
  return impl;
}

/** A built-in id or a scenario file (.json, .yaml), validated. */
export function loadScenario(idOrPath: string): Scenario {
  if (typeof idOrPath !== 'string') throw new InputError('scenario', 'expected a built-in id or a file path');
  return resolveScenario(idOrPath);
}
