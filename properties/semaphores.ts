/**
 * What properties need to know about each semaphore instance of a run, whichever backend produced it.
 */
import { semaphoreEvents, type HistoryEvent, type SemaphoreEvent } from '../src/contract/events.ts';
import type { SemaphoreFinal } from '../src/contract/run-result.ts';
import type { SemaphoreKind } from '../src/scenario/types.ts';
import type { RunView } from './api.ts';

export interface SemaphoreInfo {
  readonly id: string;
  readonly kind: SemaphoreKind;
  readonly initial: number;
  readonly bounded: boolean;
  /** The backend's final state, when it reported one. */
  readonly final?: SemaphoreFinal;
}

/**
 * The instance's declaration: the backend's SemaphoreFinal first, else the scenario's declaration
 * of its name ("S@T1" is declared as "S"). Undefined when neither knows it.
 */
export function semaphoreInfo(view: RunView, id: string): SemaphoreInfo | undefined {
  const final = view.run.semaphores.find((s) => s.id === id);
  if (final !== undefined) return { id, kind: final.kind, initial: final.initial, bounded: final.bounded, final };
  const at = id.lastIndexOf('@');
  const decl = view.scenario.semaphores[at < 0 ? id : id.slice(0, at)];
  if (decl === undefined) return undefined;
  return { id, kind: decl.kind, initial: decl.value, bounded: decl.bounded ?? false };
}

/** Every instance of the run: those the backend reported, then any others the history mentions. */
export function semaphoreIds(view: RunView): readonly string[] {
  const ids = view.run.semaphores.map((s) => s.id);
  for (const e of semaphoreEvents(view.history)) if (!ids.includes(e.sem)) ids.push(e.sem);
  return ids;
}

export function eventsOf(history: readonly HistoryEvent[], sem: string): readonly SemaphoreEvent[] {
  return semaphoreEvents(history).filter((e) => e.sem === sem);
}
