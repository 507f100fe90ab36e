/**
 * Checking one scenario: explore its schedules, check every property on every run, take a
 * census of outcome classes, shrink one counterexample per class, and compare all of it
 * with the scenario's expectations.
 */
import type { Scenario } from '../scenario/types.ts';
import type { Property } from '../../properties/api.ts';
import { builtinProperties } from '../../properties/index.ts';
import { maxConcurrency } from '../../properties/holders.ts';
import type { Schedule } from '../scheduler/deviation.ts';
import { preemptionCount, scheduleKey } from '../scheduler/deviation.ts';
import type { BackendName, Counterexample, OutcomeReport, PreemptionModel, PropertyReport, ScenarioReport } from './report-types.ts';
import { analyseRun, STEP_LIMIT, type RunAnalysis } from './analyse.ts';
import { DEFAULT_MAX_STEPS } from '../backends/sim/run.ts';
import type { Runner } from './backend-runner.ts';
import { isSingleThreaded, runsFor, sourceFor } from './plan.ts';
import { exploreExhaustively } from './exhaustive.ts';
import { shrinkSchedule } from './shrink.ts';
import { encodeToken } from './token.ts';
import { evaluateExpectations } from './expectations.ts';
import { openRunner } from './open-runner.ts';
import { confirmOnInterpreter } from './confirm.ts';

export interface CheckOptions {
  readonly seed: number;
  readonly runs?: number;
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  readonly python?: string;
  readonly onProgress?: (done: number, total: number) => void;
  /** Invariants to check; default: the built-in registry (properties/index.ts). */
  readonly properties?: readonly Property[];
  /** Step budget of one run. */
  readonly maxSteps?: number;
  /** Wall-clock budget of the exploration; when reached, exploration stops early and says so. */
  readonly timeLimitSeconds?: number;
  /** Simulated backend: replay each minimal counterexample on the real interpreter of the same version (default true). */
  readonly confirm?: boolean;
  /** cpython backend: `module.path:ClassName`, a user's class checked in place of every semaphore. */
  readonly target?: string;
  /** Directories to import `target` from (put first on the harness's sys.path). */
  readonly pythonpath?: readonly string[];
}

/** Upper bound on schedules an exhaustive enumeration may take before it is called partial. */
const EXHAUSTIVE_LIMIT = 5_000;

interface Census {
  runs: number;
  readonly schedules: Set<string>;
  readonly byPrimary: Map<string, number>;
  /** First schedule seen per outcome kind (any kind the run shows, not only its primary). */
  readonly witness: Map<string, Schedule>;
  /** First schedule seen per primary outcome kind: where its minimal counterexample is shrunk from. */
  readonly primaryWitness: Map<string, Schedule>;
  readonly violatedRuns: Map<string, number>;
  readonly applicable: Set<string>;
  makespan: { min: number; max: number } | null;
  readonly perSemaphore: Record<string, number>;
  overall: number;
}

export async function checkScenario(scenario: Scenario, opts: CheckOptions): Promise<ScenarioReport> {
  const started = performance.now(); // wall-clock for the report only, never in a verdict
  const properties = opts.properties ?? builtinProperties;
  const runner = await openRunner(scenario, opts);
  // Judge runs by the implementation really executed (a --python 3.9 run binds loops like 3.9).
  const judged: Scenario = { ...scenario, impl: runner.impl };
  try {
    const census = newCensus();
    const record = (a: RunAnalysis) => addToCensus(census, a);
    const total = runsFor(scenario, opts.runs);
    let exhaustive = false;
    if (isSingleThreaded(scenario) && opts.backend === 'sim') {
      const budget = 0; // one thread: nothing to preempt to; ties and cancellations are the whole space
      const res = exploreExhaustively(judged, opts.model, properties, { limit: EXHAUSTIVE_LIMIT, budget, ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}) }, record, opts.onProgress);
      exhaustive = res.complete;
    } else {
      const probe = analyseRun(judged, await runner.run({ schedule: [] }), properties);
      record(probe);
      const horizon = Math.max(10, probe.run.steps);
      const hasCancellations = (scenario.cancellations?.length ?? 0) > 0;
      const deadline = opts.timeLimitSeconds === undefined ? Infinity : started + opts.timeLimitSeconds * 1000;
      for (let i = 1; i < total; i++) {
        if (performance.now() > deadline) break; // wall-clock budget: stops exploring, never changes a run
        const run = await runner.run({ source: sourceFor(opts.seed, i, horizon, hasCancellations) });
        record(analyseRun(judged, run, properties));
        if (opts.onProgress && i % 50 === 0) opts.onProgress(i, total);
      }
      opts.onProgress?.(total, total);
    }
    const minimal = await minimalOutcomes(judged, runner, census, properties, opts);
    const outcomes = opts.backend === 'sim' && opts.confirm !== false ? await confirmAll(judged, minimal, properties, opts) : minimal;
    const propertyReports: PropertyReport[] = properties.map((p) => {
      const applies = census.applicable.has(p.name);
      const violatedRuns = census.violatedRuns.get(p.name) ?? 0;
      const status = !applies ? 'n/a' : violatedRuns > 0 ? 'violated' : 'holds';
      const expected = !applies ? 'n/a' : (scenario.expect?.properties?.[p.name] ?? 'holds');
      return { name: p.name, description: p.description, status, violatedRuns, expected, matches: expected === 'any' || status === expected };
    });
    const base = {
      id: scenario.id,
      title: scenario.title,
      ...(scenario.claim !== undefined ? { claim: scenario.claim } : {}),
      backend: opts.backend,
      model: opts.model,
      seed: opts.seed,
      runs: census.runs,
      schedules: census.schedules.size,
      exhaustive,
      verdict: propertyReports.some((p) => p.status === 'violated') ? ('violated' as const) : ('holds' as const),
      properties: propertyReports,
      outcomes,
      ...(census.makespan ? { makespan: { ...census.makespan, ...scenario.expect?.makespan } } : {}),
      concurrency: { perSemaphore: census.perSemaphore, overall: census.overall },
    };
    const evaluated = evaluateExpectations(scenario, base, census.witness);
    const notes = [...evaluated.notes];
    let met = evaluated.met;
    const cut = census.byPrimary.get(STEP_LIMIT) ?? 0;
    if (cut > 0 && !(scenario.expect?.reachable ?? []).includes(STEP_LIMIT)) {
      met = false;
      notes.push({ level: 'mismatch', text: `${cut} of ${census.runs} runs exceeded the step budget (${opts.maxSteps ?? DEFAULT_MAX_STEPS} steps) and were not checked to the end: raise --max-steps` });
    }
    if (!exhaustive && census.runs < total && !isSingleThreaded(scenario)) {
      notes.push({ level: 'flag', text: `time limit reached: ${census.runs} of ${total} runs explored` });
    }
    const seconds = (performance.now() - started) / 1000; // wall-clock, reported only
    return { ...base, expectationsMet: met, notes, seconds };
  } finally {
    await runner.close();
  }
}

function newCensus(): Census {
  return {
    runs: 0,
    schedules: new Set(),
    byPrimary: new Map(),
    witness: new Map(),
    primaryWitness: new Map(),
    violatedRuns: new Map(),
    applicable: new Set(),
    makespan: null,
    perSemaphore: {},
    overall: 0,
  };
}

function addToCensus(c: Census, a: RunAnalysis): void {
  c.runs++;
  c.schedules.add(scheduleKey(a.run.schedule));
  c.byPrimary.set(a.primary, (c.byPrimary.get(a.primary) ?? 0) + 1);
  for (const k of [a.primary, ...a.kinds]) if (!c.witness.has(k)) c.witness.set(k, a.run.schedule);
  if (!c.primaryWitness.has(a.primary)) c.primaryWitness.set(a.primary, a.run.schedule);
  for (const [name, vs] of a.perProperty) {
    c.applicable.add(name);
    if (vs.length > 0) c.violatedRuns.set(name, (c.violatedRuns.get(name) ?? 0) + 1);
  }
  // Makespan is a property of scheduling, not of OS hiccups: runs with forced delays do not count.
  if (a.run.status === 'completed' && !a.run.schedule.some((d) => d.kind === 'delay')) {
    const t = a.run.endTime;
    c.makespan = c.makespan ? { min: Math.min(c.makespan.min, t), max: Math.max(c.makespan.max, t) } : { min: t, max: t };
  }
  const conc = maxConcurrency(a.run.history);
  for (const [sem, n] of Object.entries(conc.perSemaphore)) c.perSemaphore[sem] = Math.max(c.perSemaphore[sem] ?? 0, n);
  c.overall = Math.max(c.overall, conc.overall);
}

/** One shrunk counterexample per outcome kind seen, in census order (most frequent first). */
async function minimalOutcomes(
  scenario: Scenario,
  runner: Runner,
  census: Census,
  properties: readonly Property[],
  opts: CheckOptions,
): Promise<OutcomeReport[]> {
  const kinds = [...census.witness.keys()].sort((a, b) => (census.byPrimary.get(b) ?? 0) - (census.byPrimary.get(a) ?? 0) || a.localeCompare(b));
  const out: OutcomeReport[] = [];
  for (const kind of kinds) {
    const count = census.byPrimary.get(kind) ?? 0;
    // A kind that is never a run's earliest outcome only co-occurs with another: that one's counterexample shows it.
    // `ok` is worth a minimal schedule only where other outcomes exist: it shows what it takes to come out clean.
    if (count === 0 || (kind === 'ok' && census.byPrimary.size === 1)) {
      out.push({ kind, count });
      continue;
    }
    const shows = (run: Parameters<typeof analyseRun>[1]) => analyseRun(scenario, run, properties).primary === kind;
    const shrunk = await shrinkSchedule(census.primaryWitness.get(kind)!, (s) => runner.run({ schedule: s }), shows, { seed: opts.seed });
    if (!shrunk) {
      out.push({ kind, count });
      continue;
    }
    const replay = await runner.run({ schedule: shrunk.schedule, recordTrace: true });
    const analysis = analyseRun(scenario, replay, properties);
    const minimal: Counterexample = {
      preemptions: preemptionCount(shrunk.schedule),
      steps: replay.steps,
      schedule: shrunk.schedule,
      replay: encodeToken({ v: 1, backend: opts.backend, model: opts.model, ...(opts.python ? { python: opts.python } : {}), ...(opts.target !== undefined ? { target: { spec: opts.target, pythonpath: opts.pythonpath ?? [] } } : {}), scenario, schedule: shrunk.schedule }),
      trace: replay.trace,
      history: replay.history,
      violations: analysis.violations,
      endTime: replay.endTime,
      ...(shrunk.found ? { found: shrunk.found } : {}),
    };
    out.push({ kind, count, minimal });
  }
  return out;
}

/** Replays every simulated minimal counterexample on the interpreter whose code the port follows. */
async function confirmAll(scenario: Scenario, outcomes: OutcomeReport[], properties: readonly Property[], opts: CheckOptions): Promise<OutcomeReport[]> {
  if (!outcomes.some((o) => o.minimal)) return outcomes;
  const short = /(\d+\.\d+)/.exec(scenario.impl ?? '')?.[1] ?? '3.11';
  const unavailable = (detail: string): OutcomeReport[] =>
    outcomes.map((o) => (o.minimal ? { ...o, minimal: { ...o.minimal, confirmation: { interpreter: short, status: 'unavailable', detail } } } : o));
  if (opts.model !== 'gil') return unavailable('the free-threaded model is simulated only');
  const { findInterpreter } = await import('../backends/cpython/interpreters.ts');
  const interp = findInterpreter(short);
  if (!interp) return unavailable(`CPython ${short} is not installed here`);
  let real: Runner;
  try {
    real = await openRunner(scenario, { backend: 'cpython', model: 'gil', python: interp.path, ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}) });
  } catch (e) {
    return unavailable(`cannot start CPython ${short}: ${(e as Error).message}`);
  }
  try {
    const out: OutcomeReport[] = [];
    for (const o of outcomes) {
      if (!o.minimal) {
        out.push(o);
        continue;
      }
      const confirmation = await confirmOnInterpreter(scenario, o.kind, o.minimal.schedule, o.minimal, properties, real, interp.version);
      out.push({ ...o, minimal: { ...o.minimal, confirmation } });
    }
    return out;
  } finally {
    await real.close();
  }
}
