/**
 * The `--json` document: a stable, explicit shape for scripts and CI, built field by field
 * (never by spreading ScenarioReport) so that adding a field to the internal report does
 * not silently change the public format.
 */
import type { Confirmation, SavedReplay } from '../explore/report-types.ts';
import type { TraceEntry } from '../contract/run-result.ts';
import type { Counterexample, OutcomeReport, PropertyReport, ScenarioReport } from '../explore/report-types.ts';
import type { HistoryEvent } from '../contract/events.ts';
import type { Schedule } from '../contract/schedule.ts';
import type { Violation } from '../../properties/api.ts';

export interface JsonProperty {
  readonly name: string;
  readonly status: PropertyReport['status'];
  readonly expected: PropertyReport['expected'];
  readonly matches: boolean;
  readonly violatedRuns: number;
}

export interface JsonCounterexample {
  readonly preemptions: number;
  readonly steps: number;
  readonly replay: string;
  readonly trace: readonly TraceEntry[];
  readonly schedule: Schedule;
  readonly violations: readonly Violation[];
  /** Every outcome kind the counterexample's run shows, most severe first. */
  readonly kinds: readonly string[];
  /** False when an interrupt came before it could be shrunk: the run as found, not minimal. */
  readonly shrunk: boolean;
  /** No schedule with fewer preemptions shows this kind (a complete bounded search stands behind it). */
  readonly provenMinimal: boolean;
  /** What the minimality rests on, in words. */
  readonly minimality: string;
  /** The race it exposes (check-then-act, lost wake-up, ...), where the backend records accesses. */
  readonly explanation?: { readonly race: string; readonly text: string };
  /** Simulated counterexamples: the replay on the real interpreter of the same version. */
  readonly confirmation?: Confirmation;
  /** A program's counterexample: what the program printed in that run. */
  readonly output?: string;
}

export interface JsonOutcome {
  readonly kind: string;
  /** Runs in which the kind occurred (a run counts under every kind it shows). */
  readonly count: number;
  /** Runs the kind headlined (their most severe kind). */
  readonly primary: number;
  readonly minimal: JsonCounterexample | null;
}

export interface JsonScenario {
  readonly id: string;
  /** A program checked as it is (docs/programs.md): its path, content digest and arguments. */
  readonly program?: { readonly path: string; readonly digest: string; readonly args: readonly string[] };
  readonly backend: ScenarioReport['backend'];
  readonly model: ScenarioReport['model'];
  readonly seed: number;
  /** The CPython version whose code ran (the interpreter's, or the release the port follows). */
  readonly version: string;
  /** The implementation that ran: a CPython port's id, or a user's registered implementation. */
  readonly impl?: string;
  readonly runs: number;
  readonly schedules: number;
  readonly exhaustive: boolean;
  /** What the verdict covers: `exhaustive` / `bounded-exhaustive` (a proof over that space) or `sampled`. */
  readonly coverage: ScenarioReport['coverage'];
  readonly verdict: ScenarioReport['verdict'];
  readonly properties: readonly JsonProperty[];
  readonly outcomes: readonly JsonOutcome[];
  /** null when no explored run completed. */
  readonly makespan: { readonly min: number; readonly max: number; readonly claim?: number } | null;
  readonly concurrency: ScenarioReport['concurrency'];
  readonly expectationsMet: boolean;
  readonly notes: ScenarioReport['notes'];
  /** Present when interrupted: the report covers only the runs done before the signal. */
  readonly partial?: { readonly signal: string };
  /** Failures saved by earlier checks (.semverify/failures/), replayed before this check. */
  readonly savedFailures?: readonly SavedReplay[];
}

/** The document's format: bumped when a field changes meaning or goes away (a new field does not bump it). Schema: schema/report.schema.json. */
export const JSON_FORMAT = 'semverify/1';

export interface JsonDocument {
  readonly format: typeof JSON_FORMAT;
  readonly tool: 'semverify';
  readonly version: string;
  /** True when an interrupt stopped the command: scenarios after the interrupted one are missing. */
  readonly partial?: true;
  readonly scenarios: readonly JsonScenario[];
}

export function jsonDocument(reports: readonly ScenarioReport[], version: string): JsonDocument {
  const partial = reports.some((r) => r.partial !== undefined);
  return { format: JSON_FORMAT, tool: 'semverify', version, ...(partial && { partial: true as const }), scenarios: reports.map(scenarioJson) };
}

export function scenarioJson(r: ScenarioReport): JsonScenario {
  return {
    id: r.id,
    ...(r.program !== undefined && { program: { path: r.program.path, digest: r.program.digest, args: [...r.program.args] } }),
    backend: r.backend,
    model: r.model,
    seed: r.seed,
    version: r.version,
    ...(r.impl !== undefined && { impl: r.impl }),
    runs: r.runs,
    schedules: r.schedules,
    exhaustive: r.exhaustive,
    coverage: { ...r.coverage },
    verdict: r.verdict,
    properties: r.properties.map(propertyJson),
    outcomes: r.outcomes.map(outcomeJson),
    makespan:
      r.makespan === undefined ? null : { min: r.makespan.min, max: r.makespan.max, ...(r.makespan.claim !== undefined && { claim: r.makespan.claim }) },
    concurrency: { perSemaphore: { ...r.concurrency.perSemaphore }, overall: r.concurrency.overall },
    expectationsMet: r.expectationsMet,
    notes: r.notes.map((n) => ({ level: n.level, text: n.text })),
    ...(r.partial !== undefined && { partial: { signal: r.partial.signal } }),
    ...(r.savedFailures !== undefined && {
      savedFailures: r.savedFailures.map((f) => ({
        kind: f.kind,
        file: f.file,
        status: f.status,
        kinds: [...f.kinds],
        ...(f.detail !== undefined && { detail: f.detail }),
      })),
    }),
  };
}

function propertyJson(p: PropertyReport): JsonProperty {
  return { name: p.name, status: p.status, expected: p.expected, matches: p.matches, violatedRuns: p.violatedRuns };
}

function outcomeJson(o: OutcomeReport): JsonOutcome {
  return { kind: o.kind, count: o.count, primary: o.primary, minimal: o.minimal === undefined ? null : counterexampleJson(o.minimal) };
}

function counterexampleJson(m: Counterexample): JsonCounterexample {
  return {
    preemptions: m.preemptions,
    steps: m.steps,
    replay: m.replay,
    trace: m.trace,
    schedule: m.schedule,
    violations: m.violations,
    kinds: m.kinds,
    shrunk: m.shrunk,
    provenMinimal: m.provenMinimal,
    minimality: m.minimality,
    ...(m.explanation !== undefined && { explanation: { race: m.explanation.race, text: m.explanation.text } }),
    ...(m.confirmation ? { confirmation: m.confirmation } : {}),
    ...(m.output !== undefined && { output: m.output }),
  };
}

/** `semverify replay --json`: the run itself, for scripts that diff runs across backends. */
export interface JsonReplay {
  readonly tool: 'semverify';
  readonly version: string;
  readonly replay: {
    readonly scenario: string;
    readonly backend: string;
    readonly model: string;
    readonly status: string;
    readonly steps: number;
    readonly endTime: number;
    readonly primary: string;
    readonly kinds: readonly string[];
    readonly schedule: Schedule;
    readonly trace: readonly TraceEntry[];
    readonly history: readonly HistoryEvent[];
    readonly violations: readonly Violation[];
    /** A program's run: what it printed. */
    readonly output?: string;
  };
}

/** Serialise with a trailing newline, as every JSON the CLI prints. */
export function toJsonText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
