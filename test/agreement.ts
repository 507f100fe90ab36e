/**
 * What the tests that compare a simulated port with its interpreter run for run share: one run of
 * a scenario on a port, as a RunResult like the harness's, and the views both backends must agree
 * on (points with their decisions, semaphore events, records).
 */
import { buildSource } from '../src/backends/run-request.ts';
import { ScenarioProgram } from '../src/backends/sim/interpret.ts';
import { semaphoreEvents } from '../src/contract/events.ts';
import type { RunResult, TraceEntry } from '../src/contract/run-result.ts';
import type { SourceSpec } from '../src/contract/source-spec.ts';
import type { Implementation } from '../src/ports/port.ts';
import { findImplementation } from '../src/ports/registry.ts';
import { PyRuntime } from '../src/runtime/runtime.ts';
import type { Scenario } from '../src/scenario/types.ts';

export const VERSIONS = ['3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13'] as const;
export type Version = (typeof VERSIONS)[number];

/** The port a version runs: the registered one. */
export function portOf(v: Version): Implementation {
  return findImplementation(`cpython-${v}`)!;
}

/** One run of `scenario` on `impl`, following `spec` (null: the default schedule), traced. */
export function simRun(scenario: Scenario, impl: Implementation, spec: SourceSpec | null): RunResult {
  const rt = new PyRuntime({ model: 'gil', maxSteps: 20_000, source: buildSource(spec ?? { kind: 'prefix', prefix: [], budget: 0 }), recordTrace: true });
  const program = new ScenarioProgram(rt, scenario, impl);
  const outcome = rt.machine.run();
  return {
    status: outcome.status,
    history: rt.machine.history,
    trace: rt.machine.trace,
    semaphores: [...program.semaphores].map(([id, p]) => ({ id, kind: 'asyncio', initial: 0, bounded: false, ...p.snapshot() })),
    endTime: rt.machine.now,
    steps: rt.machine.steps,
    schedule: rt.machine.applied,
  };
}

/** Each point as both backends report it; slots and timer ties are decisions only, counted alike but traced by the harness alone. */
export const points = (trace: readonly TraceEntry[]) =>
  trace
    .filter((t) => t.occ !== undefined && !t.label.endsWith(':slot') && !t.label.endsWith(':timers'))
    .map((t) => `${t.thread} ${t.label}#${t.occ}${t.decision ? ` ${t.decision.kind}${'to' in t.decision && t.decision.to ? `>${t.decision.to}` : ''}` : ''}`);

export const events = (run: RunResult) =>
  semaphoreEvents(run.history).map((e) => `${e.thread}/${e.task ?? '-'} ${e.kind} ${e.sem}${e.error ? ` ${e.error.type}(${e.error.class})` : ''}`);

export const recordsOf = (run: RunResult) => run.history.flatMap((e) => (e.kind === 'record' ? [e.tag] : []));
