/**
 * Checking one scenario: explore its schedules, check every property on every run, take a
 * census of outcome classes, shrink one counterexample per class, and compare all of it
 * with the scenario's expectations for the version of the code that ran.
 */
import type { Scenario } from '../scenario/types.ts';
import type { Property } from '../../properties/api.ts';
import { builtinProperties } from '../../properties/index.ts';
import { preemptionCount } from '../contract/schedule.ts';
import type { BackendName, Counterexample, Coverage, OutcomeReport, PreemptionModel, PropertyReport, ScenarioReport } from './report-types.ts';
import { analyseRun, type RunAnalysis } from './analyse.ts';
import { DEFAULT_MAX_STEPS } from '../contract/names.ts';
import type { Runner } from '../backends/runner.ts';
import { capabilitiesOf, interpreterBackend, openRunner } from '../backends/registry.ts';
import { InputError } from '../contract/input-error.ts';
import { isSingleThreaded, runsFor, sourceFor } from './plan.ts';
import { exploreExhaustively } from './exhaustive.ts';
import { shrinkSchedule } from './shrink.ts';
import { encodeToken } from './token.ts';
import { evaluateExpectations } from './expectations.ts';
import { confirmOnInterpreter } from './confirm.ts';
import { addToCensus, kindsBySeverity, newCensus, type Census } from './census.ts';
import { expectationsFor } from '../scenario/version-expectations.ts';
import { OUTCOME } from '../contract/outcomes.ts';
import { checkExpectationsAgainst } from '../scenario/expectation-names.ts';
import { yieldToEventLoop, YIELD_EVERY } from './yield.ts';

export interface CheckOptions {
  readonly seed: number;
  readonly runs?: number;
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  readonly python?: string;
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
  /**
   * Aborted (by Ctrl-C or SIGTERM): stop after the run in flight and report what was found, marked
   * partial, with counterexamples as found (not shrunk) and not confirmed.
   */
  readonly signal?: AbortSignal;
}

/** Upper bound on schedules an exhaustive enumeration may take before it is called partial. */
const EXHAUSTIVE_LIMIT = 5_000;

/** Consecutive runs stopped by the wall-time guard after which exploring further is pointless. */
const BLOCKED_RUNS_BEFORE_STOPPING = 3;

export async function checkScenario(scenario: Scenario, opts: CheckOptions): Promise<ScenarioReport> {
  const started = performance.now(); // wall-clock for the report only, never in a verdict
  const properties = opts.properties ?? builtinProperties;
  checkExpectationsAgainst(scenario, properties);
  const runner = await openRunner(scenario, opts);
  // Judge runs by the implementation really executed (a --python 3.9 run binds loops like 3.9).
  const judged: Scenario = { ...scenario, impl: runner.impl };
  const expect = expectationsFor(scenario.expect, runner.version);
  try {
    const census = newCensus();
    const record = (a: RunAnalysis) => addToCensus(census, a);
    const total = runsFor(scenario, opts.runs);
    let coverage: Coverage;
    let stoppedBlocked = false;
    const capabilities = capabilitiesOf(opts.backend);
    if (isSingleThreaded(scenario) && capabilities.enumerates) {
      const budget = 0; // one thread: nothing to preempt to; ties and cancellations are the whole space
      const res = await exploreExhaustively(
        runner,
        judged,
        properties,
        { limit: EXHAUSTIVE_LIMIT, budget, ...(opts.signal !== undefined && { signal: opts.signal }) },
        record,
        opts.onProgress,
      );
      coverage = { method: 'exhaustive', preemptionBound: null, executions: res.runs, complete: res.complete };
    } else {
      const probe = analyseRun(judged, await runner.run({ schedule: [] }), properties);
      record(probe);
      const horizon = Math.max(10, probe.run.steps);
      const hasCancellations = (scenario.cancellations?.length ?? 0) > 0;
      const deadline = opts.timeLimitSeconds === undefined ? Infinity : started + opts.timeLimitSeconds * 1000;
      let blockedInARow = probe.run.failure?.kind === 'wall-time' ? 1 : 0;
      for (let i = 1; i < total && opts.signal?.aborted !== true; i++) {
        if (performance.now() > deadline) break; // wall-clock budget: stops exploring, never changes a run
        // Code that blocks outside semverify's control costs the wall-time guard per run: a few in a row say enough.
        if (blockedInARow >= BLOCKED_RUNS_BEFORE_STOPPING) {
          stoppedBlocked = true;
          break;
        }
        const run = await runner.run({ source: sourceFor(opts.seed, i, horizon, hasCancellations) });
        blockedInARow = run.failure?.kind === 'wall-time' ? blockedInARow + 1 : 0;
        record(analyseRun(judged, run, properties));
        if (opts.onProgress && i % 50 === 0) opts.onProgress(i, total);
        if (i % YIELD_EVERY === 0) await yieldToEventLoop();
      }
      opts.onProgress?.(total, total);
      coverage = { method: 'sampled', preemptionBound: null, executions: census.runs, complete: false };
    }
    const interrupted = opts.signal?.aborted === true ? String(opts.signal.reason ?? 'interrupt') : null;
    const minimal = await minimalOutcomes(judged, runner, census, properties, opts, interrupted === null);
    const confirms = capabilities.confirmsOn === 'interpreter-of-port' && opts.confirm !== false && interrupted === null;
    const outcomes = confirms ? await confirmAll(judged, minimal, properties, opts) : minimal;
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

/**
 * One shrunk counterexample per outcome kind that occurred, most severe first. `ok` gets one only
 * where other kinds exist: the least it takes to come out clean.
 */
async function minimalOutcomes(
  scenario: Scenario,
  runner: Runner,
  census: Census,
  properties: readonly Property[],
  opts: CheckOptions,
  shrink: boolean,
): Promise<OutcomeReport[]> {
  const out: OutcomeReport[] = [];
  for (const kind of kindsBySeverity(census)) {
    const tally = census.kinds.get(kind)!;
    const row = { kind, count: tally.count, primary: tally.primary };
    if (kind === OUTCOME.ok && census.kinds.size === 1) {
      out.push(row);
      continue;
    }
    const shows = (run: Parameters<typeof analyseRun>[1]) => {
      const kinds = analyseRun(scenario, run, properties).kinds;
      return kind === OUTCOME.ok ? kinds.length === 1 && kinds[0] === OUTCOME.ok : kinds.includes(kind);
    };
    const shrunk = shrink
      ? await shrinkSchedule(tally.witness, (s) => runner.run({ schedule: s }), shows, {
          seed: opts.seed,
          ...(opts.signal !== undefined && { signal: opts.signal }),
        })
      : { schedule: tally.witness };
    if (!shrunk) {
      out.push(row);
      continue;
    }
    const replay = await runner.run({ schedule: shrunk.schedule, recordTrace: true });
    const analysis = analyseRun(scenario, replay, properties);
    const minimal: Counterexample = {
      preemptions: preemptionCount(shrunk.schedule),
      steps: replay.steps,
      schedule: shrunk.schedule,
      replay: encodeToken({
        backend: opts.backend,
        model: opts.model,
        ...(opts.python ? { python: opts.python } : {}),
        ...(opts.target !== undefined ? { target: { spec: opts.target, pythonpath: opts.pythonpath ?? [] } } : {}),
        scenario,
        schedule: shrunk.schedule,
        properties: properties.map((p) => p.name),
      }),
      trace: replay.trace,
      history: replay.history,
      violations: analysis.violations,
      kinds: analysis.kinds,
      endTime: replay.endTime,
      shrunk: shrink && opts.signal?.aborted !== true,
      ...('found' in shrunk && shrunk.found ? { found: shrunk.found } : {}),
    };
    out.push({ ...row, minimal });
  }
  return out;
}

/** Replays every simulated minimal counterexample on the interpreter whose code the port follows. */
async function confirmAll(scenario: Scenario, outcomes: OutcomeReport[], properties: readonly Property[], opts: CheckOptions): Promise<OutcomeReport[]> {
  if (!outcomes.some((o) => o.minimal)) return outcomes;
  const short = /(\d+\.\d+)/.exec(scenario.impl ?? '')?.[1] ?? '3.11';
  const unavailable = (detail: string): OutcomeReport[] =>
    outcomes.map((o) => (o.minimal ? { ...o, minimal: { ...o.minimal, confirmation: { interpreter: short, status: 'unavailable', detail } } } : o));
  const interpreter = interpreterBackend();
  if (interpreter === undefined) return unavailable('no backend runs an installed interpreter');
  if (!interpreter.capabilities.preemptionModels.includes(opts.model)) return unavailable(`the ${opts.model} model is simulated only`);
  let real: Runner;
  try {
    real = await interpreter.open(scenario, {
      model: opts.model,
      python: short,
      ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
    });
  } catch (e) {
    // The backend says a missing interpreter as bad input on --python.
    if (e instanceof InputError && e.field === '--python') return unavailable(`CPython ${short} is not installed here`);
    return unavailable(`cannot start CPython ${short}: ${(e as Error).message}`);
  }
  try {
    const out: OutcomeReport[] = [];
    for (const o of outcomes) {
      if (!o.minimal) {
        out.push(o);
        continue;
      }
      const confirmation = await confirmOnInterpreter(scenario, o.kind, o.minimal, properties, real, real.version);
      out.push({ ...o, minimal: { ...o.minimal, confirmation } });
    }
    return out;
  } finally {
    await real.close();
  }
}
