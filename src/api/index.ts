/**
 * semverify as a library: `import { check, replay, loadScenario, defineProperty, defineScenario } from 'semverify'`.
 * Documented in docs/api.md. Everything a user's code names is exported from here (types included),
 * so nothing needs a deep import; what is not here may change without notice.
 */
export { formatCounterexample } from './format.ts';
export { check, replay, type CheckApiOptions, type ReplayApiOptions, type ScenarioSource } from './check.ts';
export { defineConfig, defineImplementation, defineProperty, defineScenario, loadScenario } from './define.ts';
export { registerImplementation, unregisterImplementation, type UserImplementation } from '../ports/user-registry.ts';
export type { SemverifyConfig, ConfigDefaults } from '../project/config.ts';
export { InputError } from '../contract/input-error.ts';

// Properties: the API to write one, the built-ins to build on, and helpers over a run's history.
export type { Property, RunView, Violation } from '../../properties/api.ts';
export { builtinProperties } from '../../properties/builtin.ts';
export { atMostN, permitConservation, noLostWakeup, fifo, errorsAllowed, conformance } from '../../properties/index.ts';
export { holderSnapshots, maxConcurrency, type HolderSnapshot, type Holding, type Concurrency } from '../../properties/holders.ts';
export { at, who } from '../../properties/format.ts';
export type { HistoryEvent } from '../contract/events.ts';
export type { RunResult, TraceEntry } from '../contract/run-result.ts';
export type { Schedule, Deviation } from '../contract/schedule.ts';

// Scenarios.
export type {
  Scenario,
  SemaphoreDecl,
  SemaphoreKind,
  ThreadDecl,
  TaskDecl,
  Op,
  Expectations,
  VersionExpectations,
  DeclaredCancellation,
  PropertyVerdict,
} from '../scenario/types.ts';

// The documents check and replay resolve to (`--json`), and the token.
export {
  JSON_FORMAT,
  type JsonDocument,
  type JsonScenario,
  type JsonOutcome,
  type JsonCounterexample,
  type JsonProperty,
  type JsonReplay,
} from '../report/json.ts';
export type { Confirmation, SavedReplay } from '../explore/report-types.ts';
export { decodeToken, type ReplayToken } from '../explore/token.ts';
export type { BackendName, PreemptionModel } from '../contract/names.ts';
export type { SearchMode } from '../explore/search/strategy.ts';

// Writing an implementation against the simulated runtime (docs/api.md, "Checking your own implementation").
export * from '../ports/sdk.ts';
