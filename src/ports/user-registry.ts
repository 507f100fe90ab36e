/**
 * Implementations written by users in TypeScript against the simulated runtime (docs/api.md,
 * "Checking your own implementation"), registered at run time from a config file or the library.
 * They run on the simulated backend like the CPython ports, but no interpreter runs their code:
 * their counterexamples are marked "no reference interpreter" instead of being confirmed.
 */
import type { Implementation, SemaphoreArgs, SemaphorePort } from './port.ts';
import { KNOWN_IMPLEMENTATIONS } from '../contract/implementations.ts';
import { addUserImplementationId, removeUserImplementationId } from '../contract/user-implementations.ts';
import { InputError } from '../contract/input-error.ts';

/** What a user writes: one or both semaphore kinds; a kind left out refuses scenarios that use it. */
export interface UserImplementation {
  /** How scenarios name it (`"impl": "my-sem"`): lower-case letters, digits, `.`, `-`. */
  readonly id: string;
  /** One line for reports. */
  readonly description?: string;
  /**
   * The CPython release whose semantics judge it (the conformance model, `expect.versions`):
   * default 3.11.7, an asyncio semaphore that binds to a loop lazily. Nothing of that release runs.
   */
  readonly follows?: string;
  readonly asyncio?: (args: SemaphoreArgs) => SemaphorePort;
  readonly threading?: (args: SemaphoreArgs) => SemaphorePort;
}

const ID = /^[a-z][a-z0-9.-]{0,63}$/;
const RELEASE = /^\d+\.\d+\.\d+$/;
const DEFAULT_FOLLOWS = '3.11.7';
const registry = new Map<string, Implementation>();

/** Register (or replace) a user implementation; bad shapes are InputErrors naming the field. */
export function registerImplementation(impl: UserImplementation, source = 'implementation'): void {
  const where = (f: string) => `implementations[${JSON.stringify(impl?.id ?? '?')}].${f}`;
  if (typeof impl !== 'object' || impl === null) throw new InputError('implementations', 'expected an object', source);
  if (typeof impl.id !== 'string' || !ID.test(impl.id))
    throw new InputError(where('id'), 'expected lower-case letters, digits, "." and "-" (e.g. "my-sem")', source);
  if ((KNOWN_IMPLEMENTATIONS as readonly string[]).includes(impl.id)) throw new InputError(where('id'), `"${impl.id}" is a built-in implementation`, source);
  if (impl.follows !== undefined && (typeof impl.follows !== 'string' || !RELEASE.test(impl.follows)))
    throw new InputError(where('follows'), 'expected a CPython release such as "3.11.7"', source);
  for (const kind of ['asyncio', 'threading'] as const) {
    if (impl[kind] !== undefined && typeof impl[kind] !== 'function') throw new InputError(where(kind), 'expected a function (args) => SemaphorePort', source);
  }
  if (impl.asyncio === undefined && impl.threading === undefined) throw new InputError(where('asyncio'), 'give asyncio, threading or both', source);
  const missing = (kind: 'asyncio' | 'threading') => (): SemaphorePort => {
    throw new InputError('impl', `${impl.id} has no ${kind} semaphore (its registration gives ${kind === 'asyncio' ? 'threading' : 'asyncio'} only)`);
  };
  registry.set(impl.id, {
    id: impl.id,
    follows: impl.follows ?? DEFAULT_FOLLOWS,
    asyncio: impl.asyncio ?? missing('asyncio'),
    threading: impl.threading ?? missing('threading'),
  });
  addUserImplementationId(impl.id);
}

export function unregisterImplementation(id: string): void {
  registry.delete(id);
  removeUserImplementationId(id);
}

export function findUserImplementation(id: string): Implementation | undefined {
  return registry.get(id);
}

export function userImplementationIds(): string[] {
  return [...registry.keys()];
}
