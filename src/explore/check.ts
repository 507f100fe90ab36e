/**
 * Checking one scenario: explore its schedules (src/explore/search/), check every property on
 * every run, take a census of outcome kinds, find a minimal counterexample per kind, and compare
 * all of it with the scenario's expectations for the version of the code that ran.
 */
import type { Scenario } from '../scenario/types.ts';
import type { Property } from '../../properties/api.ts';
import { builtinProperties } from '../../properties/index.ts';
import type { BackendName, PreemptionModel, PropertyReport, ScenarioReport } from './report-types.ts';
import { DEFAULT_MAX_STEPS } from '../contract/names.ts';
import { capabilitiesOf, openRunner } from '../backends/registry.ts';
import { runsFor } from './search/plan.ts';
import { BLOCKED_RUNS_BEFORE_STOPPING, explore, type Exploration, type ExploreOptions, type SearchMode } from './search/strategy.ts';
import type { BackendCapabilities, OpenOptions, Runner } from '../backends/runner.ts';
import { epochNow, inlineExecutor, type StopConditions, type UnitExecutor } from './pool/executor.ts';
import { WorkerPool } from './pool/worker-pool.ts';
import { adaptiveExecutor } from './pool/adaptive.ts';
import { isUserImplementation } from '../contract/user-implementations.ts';
import { evaluateExpectations } from './expectations.ts';
import { confirmAll } from './confirm-all.ts';
import { minimalOutcomes } from './minimal.ts';
import { addToCensus, newCensus, type Census } from './census.ts';
import { expectationsFor } from '../scenario/version-expectations.ts';
import { OUTCOME } from '../contract/outcomes.ts';
import { checkExpectationsAgainst } from '../scenario/expectation-names.ts';
import type { ProgramSpec } from '../contract/program.ts';

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
   * Threads to explore on (default 1): units of the exploration run in parallel and merge into the
   * report one thread gives. Ignored when `pool` is given (its size counts).
   */
  readonly workers?: number;
  /** A pool shared by several checks (the CLI's), so threads start once. */
  readonly pool?: WorkerPool;
  /** Wall time a step of the exploration runs in this thread before the pool takes the rest (src/explore/pool/adaptive.ts); tests set 0. */
  readonly inlineMs?: number;
  /** The run budget from which a check explores on the pool at all (default: POOL_FROM_RUNS of its backend); tests set 0. */
  readonly poolFromRuns?: number;
  /** cpython only: the per-run wall-time guard in ms (tests of blocking code). */
  readonly wallTimeMs?: number;
  /**
   * A Python program run as it is instead of the scenario (docs/programs.md), on a backend that
   * `runsPrograms`; `scenario` is then its description (src/program/spec.ts): name and expectations.
   */
  readonly program?: ProgramSpec;
  /**
   * Aborted (by Ctrl-C or SIGTERM): stop after the run in flight and report what was found, marked
   * partial, with counterexamples as found (not shrunk) and not confirmed.
   */
  readonly signal?: AbortSignal;
}

export async function checkScenario(scenario: Scenario, opts: CheckOptions): Promise<ScenarioReport> {
  return withCheck(scenario, opts, async (session) => {
    const census = newCensus();
    const exploration = await explore(session.exec, session.capabilities, session.judged, exploreOptions(opts, session.total), (r) => addToCensus(census, r));
    return reportCheck(session, census, exploration);
  });
}

/** What explore() is asked for by a check's options. */
export function exploreOptions(opts: CheckOptions, total: number): ExploreOptions {
  return {
    mode: opts.search ?? 'auto',
    ...(opts.bound !== undefined && { bound: opts.bound }),
    runs: total,
    seed: opts.seed,
    ...(opts.signal !== undefined && { signal: opts.signal }),
  };
}

/**
 * The run budget from which a check uses the worker pool. A worker thread compiles the simulation
 * afresh (its first thousand runs are three to four times slower) and shares two cores with the
 * compiler: measured on 2 cores from a fresh process, a simulated check gains only from about
 * 20,000 runs (docs/scaling.md). A real interpreter's run costs about ten times a simulated one,
 * while a worker's own harness starts in 0.08 s: those checks always may.
 */
export const POOL_FROM_RUNS: Readonly<Record<BackendCapabilities['executes'], number>> = { port: 20_000, interpreter: 0 };

/** One check's open resources: its runner, the executor of its units, and what judges the runs. */
export interface CheckSession {
  readonly scenario: Scenario;
  readonly opts: CheckOptions;
  readonly properties: readonly Property[];
  readonly runner: Runner;
  readonly judged: Scenario;
  readonly expect: ReturnType<typeof expectationsFor>;
  /** The run budget. */
  readonly total: number;
  readonly exec: UnitExecutor;
  readonly capabilities: BackendCapabilities;
  /** When the check started, by the monotonic clock (see `started` below): the report's seconds only, never a verdict. */
  readonly started: number;
}

/** Open a check's runner and executor, run `body`, and close them whatever happens. */
export async function withCheck<T>(given: Scenario, opts: CheckOptions, body: (session: CheckSession) => Promise<T>): Promise<T> {
  const started = performance.now(); // wall-clock for the report only, never in a verdict
  // --impl: the run, its expectations and its replay tokens are about that port.
  const scenario: Scenario = opts.impl === undefined ? given : { ...given, impl: opts.impl };
  const properties = opts.properties ?? builtinProperties;
  checkExpectationsAgainst(scenario, properties);
  const runner = await openRunner(scenario, opts);
  // Judge runs by the implementation really executed (a --python 3.9 run binds loops like 3.9).
  const judged: Scenario = { ...scenario, impl: runner.impl };
  const expect = expectationsFor(scenario.expect, runner.version);
  const total = runsFor(scenario, opts.runs);
  let done = 0;
  const progress = opts.onProgress;
  const onRuns =
    progress &&
    ((n: number) => {
      done += n;
      progress(done, total);
    });
  const stop = {
    ...(opts.signal !== undefined && { signal: opts.signal }),
    deadlineEpochMs: opts.timeLimitSeconds === undefined ? Number.POSITIVE_INFINITY : epochNow() + opts.timeLimitSeconds * 1000,
  };
  const { exec, ownPool } = executorFor(scenario, judged, runner, properties, { ...opts, runs: total }, stop, onRuns);
  try {
    const result = await body({ scenario, opts, properties, runner, judged, expect, total, exec, capabilities: capabilitiesOf(opts.backend), started });
    progress?.(total, total);
    return result;
  } finally {
    await exec.close();
    await ownPool?.close();
    await runner.close();
  }
}

/** The report of an exploration: minimal counterexamples (shrunk, confirmed), property verdicts, expectations. */
export async function reportCheck(session: CheckSession, census: Census, exploration: Exploration): Promise<ScenarioReport> {
  const { scenario, opts, properties, runner, judged, expect, total, capabilities } = session;
  const { coverage, provenBound, stoppedBlocked } = exploration;
  const interrupted = opts.signal?.aborted === true ? String(opts.signal.reason ?? 'interrupt') : null;
  const minimal = await minimalOutcomes(judged, runner, census, properties, {
    seed: opts.seed,
    backend: opts.backend,
    model: opts.model,
    ...(opts.python !== undefined && { python: opts.python }),
    ...(opts.target !== undefined && { target: opts.target, pythonpath: opts.pythonpath ?? [] }),
    ...(opts.program !== undefined && { program: opts.program }),
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
    ...(opts.program !== undefined && { program: opts.program }),
    backend: opts.backend,
    model: opts.model,
    seed: opts.seed,
    version: runner.version,
    impl: runner.impl,
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
  const seconds = (performance.now() - session.started) / 1000; // wall-clock, reported only
  return {
    ...base,
    ...(interrupted !== null && { partial: { signal: interrupted } }),
    expectationsMet: !notes.some((n) => n.level === 'mismatch'),
    notes,
    seconds,
  };
}

/**
 * Units run on the pool's threads when there is more than one and they can rebuild this check on
 * their own (the built-in properties and implementations; a user's objects, properties or a
 * TypeScript implementation, cannot cross threads), else here.
 */
function executorFor(
  scenario: Scenario,
  judged: Scenario,
  runner: Runner,
  properties: readonly Property[],
  opts: CheckOptions,
  stop: StopConditions,
  onRuns: ((n: number) => void) | undefined,
): { exec: UnitExecutor; ownPool?: WorkerPool } {
  const workers = opts.pool?.size ?? opts.workers ?? 1;
  const small = (opts.runs ?? 0) < (opts.poolFromRuns ?? POOL_FROM_RUNS[capabilitiesOf(opts.backend).executes]);
  // A user's TypeScript implementation is registered in this thread only.
  if (workers <= 1 || small || properties !== builtinProperties || isUserImplementation(judged.impl)) {
    return { exec: inlineExecutor(runner, judged, properties, stop, onRuns && (() => onRuns(1))) };
  }
  const ownPool = opts.pool === undefined ? new WorkerPool(workers) : undefined;
  const pool = opts.pool ?? ownPool!;
  const open: OpenOptions = {
    model: opts.model,
    ...(opts.python !== undefined && { python: opts.python }),
    ...(opts.maxSteps !== undefined && { maxSteps: opts.maxSteps }),
    ...(opts.target !== undefined && { target: opts.target, pythonpath: opts.pythonpath ?? [] }),
    ...(opts.wallTimeMs !== undefined && { wallTimeMs: opts.wallTimeMs }),
    ...(opts.program !== undefined && { program: opts.program }),
  };
  const inline = inlineExecutor(runner, judged, properties, stop, onRuns && (() => onRuns(1)));
  const exec = adaptiveExecutor(inline, pool.executor({ scenario, backend: opts.backend, open, properties: 'builtin' }, stop, onRuns), opts.inlineMs);
  return ownPool === undefined ? { exec } : { exec, ownPool };
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
