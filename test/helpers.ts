/** Test helpers: built-in scenarios by id, straight from scenarios/. */
import { builtinScenarios } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/types.ts';

export function builtin(id: string): Scenario {
  const s = builtinScenarios().find((x) => x.id === id);
  if (!s) throw new Error(`no built-in scenario ${id}`);
  return s;
}
