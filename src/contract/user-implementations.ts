/**
 * Ids of implementations a user registered (a config file's `implementations`, or the library's
 * `registerImplementation`), beside the built-in ones of implementations.ts. Only the ids live
 * here, so validating a scenario's `impl` loads no runtime; the code is in
 * src/ports/user-registry.ts. Registration is per process: a config is read once per command.
 */
import { KNOWN_IMPLEMENTATIONS } from './implementations.ts';

const registered = new Set<string>();

export function addUserImplementationId(id: string): void {
  registered.add(id);
}

export function removeUserImplementationId(id: string): void {
  registered.delete(id);
}

export function isUserImplementation(id: string | undefined): boolean {
  return id !== undefined && registered.has(id);
}

/** Every id a scenario may name now: the built-in ones, then the registered ones. */
export function knownImplementations(): readonly string[] {
  return [...KNOWN_IMPLEMENTATIONS, ...registered];
}
