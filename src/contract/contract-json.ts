/**
 * The contract as data, for the Python harness: what both backends must mean by the same
 * names. Generated into the harness (`npm run contract`), checked for freshness by a test, and
 * compared with what the harness actually uses by another test (test/contract.test.ts).
 */
import { fileURLToPath } from 'node:url';
import { ERROR_RULES, MESSAGE_NORMALISATION } from './error-rules.ts';
import { ERROR_CLASSES, EVENT_KINDS, OP_NAMES, SCENARIO_EVENT_KINDS } from './events.ts';
import { BACKENDS, CLOCK_THREAD, DEFAULT_MAX_STEPS, LABELS, PREEMPTION_MODELS } from './names.ts';
import { BUILTIN_OUTCOMES } from './outcomes.ts';
import { PRNG_ALGORITHM, PRNG_VECTORS } from './prng.ts';
import { HARNESS_FAILURE_KINDS, RUN_STATUSES, UNCONTROLLED_USES } from './run-result.ts';
import { PROGRAM_MAIN_THREAD } from './program.ts';
import { DEVIATION_KINDS } from './schedule.ts';

/** Where the harness reads it. */
export const CONTRACT_JSON_PATH = fileURLToPath(new URL('../backends/cpython/harness/semverify_harness/contract.json', import.meta.url));

/** Bumped when the meaning of a field changes (not when a value is added). */
export const CONTRACT_VERSION = 1;

export function contractDocument() {
  return {
    comment: 'Generated from src/contract/ by `npm run contract`. Do not edit: change the TypeScript and regenerate.',
    version: CONTRACT_VERSION,
    backends: BACKENDS,
    preemptionModels: PREEMPTION_MODELS,
    defaultMaxSteps: DEFAULT_MAX_STEPS,
    labels: LABELS,
    clockThread: CLOCK_THREAD,
    eventKinds: EVENT_KINDS,
    scenarioEventKinds: SCENARIO_EVENT_KINDS,
    opNames: OP_NAMES,
    errorClasses: ERROR_CLASSES,
    errorRules: ERROR_RULES,
    messageNormalisation: MESSAGE_NORMALISATION,
    runStatuses: RUN_STATUSES,
    harnessFailureKinds: HARNESS_FAILURE_KINDS,
    uncontrolledUses: UNCONTROLLED_USES,
    programMainThread: PROGRAM_MAIN_THREAD,
    deviationKinds: DEVIATION_KINDS,
    outcomes: BUILTIN_OUTCOMES,
    prng: { algorithm: PRNG_ALGORITHM, vectors: PRNG_VECTORS },
  };
}

/** The file's exact text: stable key order, two-space indent, trailing newline. */
export function contractText(): string {
  return `${JSON.stringify(contractDocument(), null, 2)}\n`;
}
