/**
 * The simulated backend: one run of a scenario on the TypeScript ports, synchronous and
 * deterministic for a given decision source.
 */
import type { Scenario } from '../../scenario/types.ts';
import type { RunResult, SemaphoreFinal } from '../../contract/run-result.ts';
import type { DecisionSource } from '../../scheduler/source.ts';
import { PyRuntime } from '../../runtime/runtime.ts';
import { DEFAULT_MAX_STEPS, type PreemptionModel } from '../../contract/names.ts';
import { DEFAULT_IMPLEMENTATION } from '../../contract/implementations.ts';
import { findImplementation, implementationIds } from '../../ports/registry.ts';
import { ScenarioProgram } from './interpret.ts';

export interface SimRunOptions {
  readonly source: DecisionSource;
  readonly model?: PreemptionModel;
  readonly maxSteps?: number;
  readonly recordTrace?: boolean;
  /** Keep the happens-before fingerprint, for a search that prunes equivalent schedules. */
  readonly happensBefore?: boolean;
}

export class UnknownImplementationError extends Error {
  constructor(readonly impl: string) {
    super(`unknown implementation '${impl}' (known: ${implementationIds().join(', ')})`);
  }
}

export function runSim(scenario: Scenario, options: SimRunOptions): RunResult {
  const implId = scenario.impl ?? DEFAULT_IMPLEMENTATION;
  const impl = findImplementation(implId);
  if (!impl) throw new UnknownImplementationError(implId);
  const rt = new PyRuntime({
    model: options.model ?? 'gil',
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    source: options.source,
    recordTrace: options.recordTrace ?? false,
    happensBefore: options.happensBefore ?? false,
  });
  const program = new ScenarioProgram(rt, scenario, impl);
  const outcome = rt.machine.run();
  const semaphores: SemaphoreFinal[] = [...program.semaphores].map(([id, port]) => {
    const decl = scenario.semaphores[id.split('@')[0]!]!;
    return { id, kind: decl.kind, initial: decl.value, bounded: decl.bounded ?? false, ...port.snapshot() };
  });
  const m = rt.machine;
  return {
    status: outcome.status,
    history: m.history,
    trace: m.trace,
    semaphores,
    ...(outcome.status === 'completed' || outcome.failure !== undefined ? {} : { blocked: outcome.blocked }),
    ...(outcome.failure !== undefined && { failure: outcome.failure.failure, detail: outcome.failure.detail }),
    endTime: m.now,
    steps: m.steps,
    schedule: m.applied,
  };
}
