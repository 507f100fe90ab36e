/**
 * Implementations under test, by id. Add a port of another CPython version (or your own
 * semaphore) by writing its classes beside ports/cpython-3.11/, adding its id to
 * SIMULATED_IMPLEMENTATIONS (src/contract/implementations.ts) and registering it here.
 */
import type { Implementation } from './port.ts';
import { SIMULATED_IMPLEMENTATIONS, type SimulatedImplementation } from '../contract/implementations.ts';
import { findUserImplementation, userImplementationIds } from './user-registry.ts';
import { createAsyncioSemaphore311 } from './cpython-3.11/asyncio-semaphore.ts';
import { createThreadingSemaphore311 } from './cpython-3.11/threading-semaphore.ts';
import { createAsyncioSemaphore39 } from './cpython-3.9/asyncio-semaphore.ts';

// Keyed by the ids of src/contract/implementations.ts, so an id without a port does not compile.
const implementations: Readonly<Record<SimulatedImplementation, Implementation>> = {
  'cpython-3.11': { id: 'cpython-3.11', follows: '3.11.7', asyncio: createAsyncioSemaphore311, threading: createThreadingSemaphore311 },
  // threading.Semaphore/Condition are the same algorithm in 3.9 and 3.11: the 3.11 port (and its 3.11 line labels) serves both.
  'cpython-3.9': { id: 'cpython-3.9', follows: '3.9.18', asyncio: createAsyncioSemaphore39, threading: createThreadingSemaphore311 },
};

export function implementationIds(): string[] {
  return [...SIMULATED_IMPLEMENTATIONS, ...userImplementationIds()];
}

export function findImplementation(id: string): Implementation | undefined {
  // A user's implementation (ports/user-registry.ts) when no built-in port has the id.
  return Object.hasOwn(implementations, id) ? implementations[id as SimulatedImplementation] : findUserImplementation(id);
}
