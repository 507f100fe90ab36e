/**
 * The backends a scenario can run on, and what each can do. explore/, the CLI and replay tokens
 * take backend names, capabilities and runners from here, and never test a backend's name.
 *
 * Adding a backend: a folder under src/backends/ whose entry.ts exports its Backend
 * (src/backends/runner.ts), its name in BACKENDS (src/contract/names.ts), and one line in
 * REGISTRY below (CONTRIBUTING.md). This module and the entries are light: a backend's code is
 * imported only when a runner is opened, so `--help`, `list` and input errors load no runtime.
 */
import type { Scenario } from '../scenario/types.ts';
import { BACKENDS, type BackendName } from '../contract/names.ts';
import { InputError } from '../contract/input-error.ts';
import type { Backend, BackendCapabilities, OpenOptions, Runner } from './runner.ts';
import { cpython } from './cpython/entry.ts';
import { sim } from './sim/entry.ts';

// Keyed by the names of src/contract/names.ts: a name without a backend, or a backend without a name, does not compile.
const REGISTRY: Readonly<Record<BackendName, Backend>> = { sim, cpython };

/** The backend of `check` without --backend. */
export const DEFAULT_BACKEND: BackendName = 'sim';

/** Every backend, in the order of BACKENDS (help text and error messages list them so). */
export function registeredBackends(): readonly Backend[] {
  return BACKENDS.map((name) => REGISTRY[name]);
}

export function backendNames(): readonly BackendName[] {
  return registeredBackends().map((b) => b.name);
}

export function capabilitiesOf(name: BackendName): BackendCapabilities {
  return REGISTRY[name].capabilities;
}

/** The names of the backends whose capabilities pass `test`, in registry order. */
export function backendsThat(test: (c: BackendCapabilities) => boolean): BackendName[] {
  return registeredBackends()
    .filter((b) => test(b.capabilities))
    .map((b) => b.name);
}

/** "cpython", "sim or cpython": backend names for a message. */
export function orList(names: readonly string[]): string {
  return names.join(' or ');
}

/** The backend that runs installed interpreters: where `confirmsOn: 'interpreter-of-port'` replays counterexamples. */
export function interpreterBackend(): Backend | undefined {
  return registeredBackends().find((b) => b.capabilities.executes === 'interpreter');
}

export interface RunnerOptions extends OpenOptions {
  readonly backend: BackendName;
}

/** A runner on the backend `opts.backend` names, after checking the options against its capabilities. */
export async function openRunner(scenario: Scenario, opts: RunnerOptions): Promise<Runner> {
  const { backend: name, ...options } = opts;
  const backend = REGISTRY[name];
  // Whoever the caller: a backend that cannot run a user's class must not quietly check the standard library instead.
  if (options.target !== undefined && !backend.capabilities.runsTargets) {
    throw new InputError('--target', `requires --backend ${orList(backendsThat((c) => c.runsTargets))}`);
  }
  // Nor may one that cannot run a program check something else in its place.
  if (options.program !== undefined && !backend.capabilities.runsPrograms) {
    throw new InputError('--backend', `a program runs on ${orList(backendsThat((c) => c.runsPrograms))} only (got ${name})`);
  }
  return backend.open(scenario, options);
}
