/**
 * Which model speaks for a semaphore instance, given the implementation under test.
 */
import { DEFAULT_IMPLEMENTATION } from '../src/contract/implementations.ts';
import type { SemaphoreKind } from '../src/scenario/types.ts';
import { asyncioModel } from './asyncio-semaphore.ts';
import type { AnyModel, ModelDecl } from './model.ts';
import { threadingModel } from './threading-semaphore.ts';

const BOUND_AT_CONSTRUCTION = asyncioModel({ bindAtConstruction: true });
const BOUND_LAZILY = asyncioModel({ bindAtConstruction: false });

/** CPython <= 3.9 binds an asyncio semaphore to a loop in its constructor; later versions on first contended acquire. */
export function bindsAtConstruction(impl: string = DEFAULT_IMPLEMENTATION): boolean {
  const m = /(\d+)\.(\d+)/.exec(impl);
  if (m === null) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major < 3 || (major === 3 && minor <= 9);
}

export function modelFor(kind: SemaphoreKind, impl: string = DEFAULT_IMPLEMENTATION): AnyModel {
  if (kind === 'threading') return threadingModel as AnyModel;
  return (bindsAtConstruction(impl) ? BOUND_AT_CONSTRUCTION : BOUND_LAZILY) as AnyModel;
}

/**
 * The loop whose code constructed the instance: shared instances are built by the main thread
 * ("loop@main", the loop `get_event_loop()` creates there), per-thread ones ("S@T1") by their
 * thread's main coroutine ("loop@T1").
 */
export function creatorLoopOf(semId: string): string {
  const at = semId.lastIndexOf('@');
  return at < 0 ? 'loop@main' : `loop@${semId.slice(at + 1)}`;
}

export function modelDecl(sem: { readonly id: string; readonly kind: SemaphoreKind; readonly initial: number; readonly bounded: boolean }): ModelDecl {
  return { id: sem.id, kind: sem.kind, initial: sem.initial, bounded: sem.bounded, creatorLoop: creatorLoopOf(sem.id) };
}
