/**
 * Checking one scenario: explore its schedules (src/explore/search/), check every property on
 * every run, take a census of outcome kinds, find a minimal counterexample per kind, and compare
 * all of it with the scenario's expectations for the version of the code that ran.
 */
import type { Scenario } from '../scenario/types.ts';
import type { Property } from '../../properties/api.ts';
import { builtinProperties } from '../../properties/index.ts';
import type { BackendName, PreemptionModel, PropertyReport, ScenarioReport } from './report-types.ts';
import type { RunAnalysis } from './analyse.ts';
import { DEFAULT_MAX_STEPS } from '../contract/names.ts';
import { capabilitiesOf, openRunner } from '../backends/registry.ts';
import { runsFor } from './search/plan.ts';
import { BLOCKED_RUNS_BEFORE_STOPPING, explore, type SearchMode } from './search/strategy.ts';
import { evaluateExpectations } from './expectations.ts';
import { confirmAll } from './confirm-all.ts';
import { minimalOutcomes } from './minimal.ts';
import { addToCensus, newCensus, type Census } from './census.ts';
import { expectationsFor } from '../scenario/version-expectations.ts';
import { OUTCOME } from '../contract/outcomes.ts';
import { checkExpectationsAgainst } from '../scenario/expectation-names.ts';

export interface CheckOptions {
  readonly seed: number;
  readonly runs?: number;
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  readonly python?: string;
  /** A simulated backend: the port to run (`cpython-3.9`), in place of the scenario's `impl`. */
  readonly impl?: string;
  readonly onProgress?: (done: number, total: number) => void;
  /** Invariants to check; default: the built-in registry (properties/builtin.ts). */
  readonly properties?: readonly Property[];
  /** Step budget of one run. */
  readonly maxSteps?: number;
  /** Wall-clock budget of the exploration; when reached, exploration stops early and says so. */
  readonly timeLimitSeconds?: number;
  /** Backends that declare `confirmsOn` (the simulation): replay each minimal counterexample on the real interpreter of the same version (default true). */
  readonly confirm?: boolean;
  /** cpython backend: `module.path:ClassName`, a user's class checked in place of every semaphore. */
  readonly target?: string;
  /** Directories to import `target` from (put first on the harness's sys.path). */
  readonly pythonpath?: readonly string[];
  /** How schedules are explored (src/explore/search/strategy.ts); default `auto`. */
  readonly search?: SearchMode;
  /** The preemption bound of `search: 'bounded'`. */
  readonly bound?: number;
  /**
   * Aborted (by Ctrl-C or SIGTERM): stop after the run in flight and report what was found, marked
   * partial, with counterexamples as found (not shrunk) and not confirmed.
   */
  readonly signal?: AbortSignal;
}

export async function checkScenario(given: Scenario, opts: CheckOptions): Promise<ScenarioReport> {
  const started = performance.now(); // wall-clock for the report only, never in a verdict
  // --impl: the run, its expectations and its replay tokens are about that port.
  const scenario: Scenario = opts.impl === undefined ? given : { ...given, impl: opts.impl };
  const properties = opts.properties ?? builtinProperties;
  checkExpectationsAgainst(scenario, properties);
  const runner = await openRunner(scenario, opts);
  // Judge runs by the implementation really executed (a --python 3.9 run binds loops like 3.9).
  const judged: Scenario = { ...scenario, impl: runner.impl };
  const expect = expectationsFor(scenario.expect, runner.version);
  try {
    const census = newCensus();
    const record = (a: RunAnalysis, preemptions?: number) => addToCensus(census, a, preemptions);
    const total = runsFor(scenario, opts.runs);
    const capabilities = capabilitiesOf(opts.backend);
    const deadline = opts.timeLimitSeconds === undefined ? Infinity : started + opts.timeLimitSeconds * 1000;
    const { coverage, provenBound, stoppedBlocked } = await explore(
      runner,
      capabilities,
      judged,
      properties,
      {
        mode: opts.search ?? 'auto',
        ...(opts.bound !== undefined && { bound: opts.bound }),
        runs: total,
        seed: opts.seed,
        deadline,
        ...(opts.signal !== undefined && { signal: opts.signal }),
        ...(opts.onProgress !== undefined && { onProgress: opts.onProgress }),
      },
      record,
    );
    const interrupted = opts.signal?.aborted === true ? String(opts.signal.reason ?? 'interrupt') : null;
    const minimal = await minimalOutcomes(judged, runner, census, properties, {
      seed: opts.seed,
      backend: opts.backend,
      model: opts.model,
      ...(opts.python !== undefined && { python: opts.python }),
      ...(opts.target !== undefined && { target: opts.target, pythonpath: opts.pythonpath ?? [] }),
      ...(opts.signal !== undefined && { signal: opts.signal }),
      shrink: interrupted === null,
      provenBound,
    });
    const confirms = capabilities.confirmsOn === 'interpreter-of-port' && opts.confirm !== false && interrupted === null;
    const outcomes = confirms
      ? await confirmAll(judged, minimal, properties, { model: opts.model, ...(opts.maxSteps !== undefined && { maxSteps: opts.maxSteps }) })
      : minimal;
    const propertyReports: PropertyReport[] = properties.map((p) => {
      const applies = census.applicable.has(p.name);
      const violatedRuns = census.violatedRuns.get(p.name) ?? 0;
      const status = !applies ? 'n/a' : violatedRuns > 0 ? 'violated' : 'holds';
      const expected = !applies ? 'n/a' : (expect.properties?.[p.name] ?? 'holds');
      return { name: p.name, description: p.description, status, violatedRuns, expected, matches: expected === 'any' || status === expected };
    });
    const base = {
      id: scenario.id,
      title: scenario.title,
      ...(scenario.claim !== undefined ? { claim: scenario.claim } : {}),
      backend: opts.backend,
      model: opts.model,
      seed: opts.seed,
      version: runner.version,
      runs: census.runs,
      schedules: census.schedules.size,
      exhaustive: coverage.method === 'exhaustive' && coverage.complete,
      coverage,
      verdict:
        propertyReports.some((p) => p.status === 'violated') || outcomes.some((o) => o.kind === OUTCOME.error || o.kind === OUTCOME.stepLimit)
          ? ('violated' as const)
          : ('holds' as const),
      properties: propertyReports,
      outcomes,
      ...(census.makespan ? { makespan: { ...census.makespan, ...expect.makespan } } : {}),
      concurrency: { perSemaphore: census.perSemaphore, overall: census.overall },
    };
    const evaluated = evaluateExpectations(expect, base, new Set(census.kinds.keys()));
    const notes = [...evaluated.notes, ...budgetNotes(scenario, census, expect.reachable ?? [], opts)];
    if (interrupted !== null) {
      notes.push({
        level: 'mismatch',
        text: `interrupted (${interrupted}) after ${census.runs} runs: a partial report; counterexamples are as found, not shrunk or confirmed`,
      });
    } else if (coverage.method === 'sampled' && census.runs < total) {
      const why = stoppedBlocked ? `${BLOCKED_RUNS_BEFORE_STOPPING} runs in a row blocked outside semverify's control` : 'time limit reached';
      notes.push({ level: 'flag', text: `${why}: ${census.runs} of ${total} runs explored` });
    }
    const seconds = (performance.now() - started) / 1000; // wall-clock, reported only
    return {
      ...base,
      ...(interrupted !== null && { partial: { signal: interrupted } }),
      expectationsMet: !notes.some((n) => n.level === 'mismatch'),
      notes,
      seconds,
    };
  } finally {
    await runner.close();
  }
}

/** Runs that failed or were cut off prove nothing: unless the scenario declares them reachable, they fail the check. */
function budgetNotes(scenario: Scenario, census: Census, reachable: readonly string[], opts: CheckOptions): ScenarioReport['notes'] {
  const notes: { level: 'mismatch' | 'flag'; text: string }[] = [];
  const cut = census.kinds.get(OUTCOME.stepLimit)?.count ?? 0;
  if (cut > 0 && !reachable.includes(OUTCOME.stepLimit)) {
    notes.push({
      level: 'mismatch',
      text: `${cut} of ${census.runs} runs exceeded the step budget (${opts.maxSteps ?? DEFAULT_MAX_STEPS} steps) and were not checked to the end: raise --max-steps`,
    });
  }
  const failed = census.kinds.get(OUTCOME.error)?.count ?? 0;
  if (failed > 0 && !reachable.includes(OUTCOME.error)) {
    notes.push({ level: 'mismatch', text: `${failed} of ${census.runs} runs of ${scenario.id} failed instead of completing: ${census.firstError}` });
  }
  return notes;
}
