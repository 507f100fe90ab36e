/**
 * Implementation ids (`Scenario.impl`): which CPython's semaphores a scenario is about. Listed
 * here, apart from the ports' code, so that validating a scenario file does not load the
 * simulated runtime (src/ports/registry.ts maps each simulated id to its port).
 */

/** Ids the simulation has a port for. */
export const SIMULATED_IMPLEMENTATIONS = [
  'cpython-3.6',
  'cpython-3.7',
  'cpython-3.8',
  'cpython-3.9',
  'cpython-3.10',
  'cpython-3.11',
  'cpython-3.12',
  'cpython-3.13',
] as const;
export type SimulatedImplementation = (typeof SIMULATED_IMPLEMENTATIONS)[number];

/** What a scenario without `impl` is about: the simulation's default port, and the model that judges a `--target` class. */
export const DEFAULT_IMPLEMENTATION: SimulatedImplementation = 'cpython-3.11';

/** CPython versions the real backend runs (its harness is stdlib-only from 3.6). */
export const SUPPORTED_VERSIONS = ['3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13'] as const;

/** Every id a scenario may name: a simulated port, or a CPython version the real backend runs. */
export const KNOWN_IMPLEMENTATIONS: readonly string[] = [...new Set([...SIMULATED_IMPLEMENTATIONS, ...SUPPORTED_VERSIONS.map((v) => `cpython-${v}`)])];

export function isSimulated(id: string): id is SimulatedImplementation {
  return (SIMULATED_IMPLEMENTATIONS as readonly string[]).includes(id);
}
