/**
 * Implementations under test, by id. Add a port of another CPython version (or your own
 * semaphore) by writing its classes beside ports/cpython-3.11/ and registering it here.
 */
import type { Implementation } from './port.ts';
import { createAsyncioSemaphore311 } from './cpython-3.11/asyncio-semaphore.ts';
import { createThreadingSemaphore311 } from './cpython-3.11/threading-semaphore.ts';
import { createAsyncioSemaphore39 } from './cpython-3.9/asyncio-semaphore.ts';

export const DEFAULT_IMPLEMENTATION = 'cpython-3.11';

const implementations: readonly Implementation[] = [
  { id: 'cpython-3.11', follows: '3.11.7', asyncio: createAsyncioSemaphore311, threading: createThreadingSemaphore311 },
  // threading.Semaphore/Condition are the same algorithm in 3.9 and 3.11: the 3.11 port (and its 3.11 line labels) serves both.
  { id: 'cpython-3.9', follows: '3.9.18', asyncio: createAsyncioSemaphore39, threading: createThreadingSemaphore311 },
];

export function implementationIds(): string[] {
  return implementations.map((i) => i.id);
}

export function findImplementation(id: string): Implementation | undefined {
  return implementations.find((i) => i.id === id);
}
