/**
 * Implementations under test, by id. A CPython release is served by the port of its algorithm
 * family over its own label table (versions.ts; CONTRIBUTING.md, "Adding a version port"); 3.11
 * keeps its hand-written port. Add an id to SIMULATED_IMPLEMENTATIONS
 * (src/contract/implementations.ts) and register it here with the exact release it follows.
 */
import type { Implementation } from './port.ts';
import { SIMULATED_IMPLEMENTATIONS, type SimulatedImplementation } from '../contract/implementations.ts';
import { findUserImplementation, userImplementationIds } from './user-registry.ts';
import { createAsyncioSemaphore311 } from './cpython-3.11/asyncio-semaphore.ts';
import { createThreadingSemaphore311 } from './cpython-3.11/threading-semaphore.ts';
import { ASYNCIO_FAMILIES as F, versionPorts } from './versions.ts';

// Keyed by the ids of src/contract/implementations.ts, so an id without a port does not compile.
const implementations: Readonly<Record<SimulatedImplementation, Implementation>> = {
  'cpython-3.6': versionPorts('3.6', '3.6.15', F.waiterDeque),
  'cpython-3.7': versionPorts('3.7', '3.7.16', F.waiterDeque),
  'cpython-3.8': versionPorts('3.8', '3.8.18', F.waiterDeque),
  'cpython-3.9': versionPorts('3.9', '3.9.18', F.wakeupScheduled),
  'cpython-3.10': versionPorts('3.10', '3.10.13', F.handOff),
  'cpython-3.11': { id: 'cpython-3.11', follows: '3.11.7', asyncio: createAsyncioSemaphore311, threading: createThreadingSemaphore311 },
  'cpython-3.12': versionPorts('3.12', '3.12.1', F.handOff),
  'cpython-3.13': versionPorts('3.13', '3.13.0', F.wakeMany),
};

export function implementationIds(): string[] {
  return [...SIMULATED_IMPLEMENTATIONS, ...userImplementationIds()];
}

export function findImplementation(id: string): Implementation | undefined {
  // A user's implementation (ports/user-registry.ts) when no built-in port has the id.
  return Object.hasOwn(implementations, id) ? implementations[id as SimulatedImplementation] : findUserImplementation(id);
}
