/**
 * Replay tokens: one self-contained string that reproduces a run exactly, anywhere:
 * the scenario itself (not its id: built-ins change, files move), the backend and model,
 * the properties that judged it, and the schedule.
 * Format (version 2): `sv2.` + base64url(digest ‖ deflateRaw(JSON)), where digest is the first
 * 12 bytes of SHA-256 over the prefix and the compressed payload.
 *
 * Tokens are user input (pasted from reports, issues, chats), so decoding validates every
 * layer and reports the first problem as an InputError on field `token`. The digest makes a
 * token that was altered or cut in transit fail loudly instead of replaying something else:
 * without it, a third of all one-character edits still decoded to a valid, different run.
 * It is a checksum, not a signature (anyone can compute it): what a token may *do* is limited
 * elsewhere (a token never imports code the command line did not name; see replay.ts).
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { InputError } from '../contract/input-error.ts';
import type { Scenario } from '../scenario/types.ts';
import { readScenario } from '../scenario/validate.ts';
import { childPath, describeValue, FieldReader, indexPath } from '../scenario/field-reader.ts';
import { readSchedule } from '../scenario/read-schedule.ts';
import type { Schedule } from '../contract/schedule.ts';
import { PREEMPTION_MODELS, type BackendName, type PreemptionModel } from '../contract/names.ts';
import { backendNames, backendsThat, capabilitiesOf, orList } from '../backends/registry.ts';
import { targetShapeProblem, type TargetSpec } from '../contract/target.ts';
import type { ProgramSpec } from '../contract/program.ts';
import { CLOCK_THREAD } from '../contract/names.ts';
import { programScenario, readProgramSpec, scheduleScenario } from '../program/spec.ts';

export interface ReplayToken {
  readonly v: 2;
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  /** CPython version or interpreter path, for the cpython backend. */
  readonly python?: string;
  /** cpython only: the user's class that stood in for the scenario's semaphores (`--target`). */
  readonly target?: TargetSpec;
  /**
   * A program token (docs/programs.md): the program that ran, by path and content digest. The
   * token's JSON then carries no scenario: `scenario` is the program's description, made on reading.
   */
  readonly program?: ProgramSpec;
  readonly scenario: Scenario;
  readonly schedule: Schedule;
  readonly maxSteps?: number;
  /**
   * Names of the properties that judged the run when the token was made (src/explore/replay.ts
   * re-checks exactly these). Absent in tokens made without naming them: replay then checks the
   * properties it is given (the built-ins by default).
   */
  readonly properties?: readonly string[];
}

/**
 * What encodeToken takes: a token's content. `v` may be omitted and is ignored: the encoder
 * always writes the current version (callers written for version 1 still pass `v: 1`).
 */
export type TokenContent = Omit<ReplayToken, 'v'> & { readonly v?: 1 | 2 };

export const TOKEN_PREFIX = 'sv2.';
/** Version-1 tokens had no digest: they are refused with a message of their own, not read. */
const OLD_PREFIX = 'sv1.';
const DIGEST_BYTES = 12;
/** A real token inflates to kilobytes; anything near this is not one of ours (or a zip bomb). */
const MAX_JSON_BYTES = 8 * 1024 * 1024;
const BAD_BASE64URL = /[^A-Za-z0-9_-]/;

export function encodeToken(t: TokenContent): string {
  const { v: _written, ...content } = t;
  // A program's description is made from the program when the token is read: only the program is written.
  const { scenario: _scenario, ...programContent } = content;
  return sealToken(JSON.stringify({ v: 2, ...(t.program !== undefined ? programContent : content) }));
}

/** The layer under encodeToken: any JSON text, compressed and sealed with its digest (tests build odd tokens with it). */
export function sealToken(json: string): string {
  const payload = deflateRawSync(Buffer.from(json, 'utf8'), { level: 9 });
  return TOKEN_PREFIX + Buffer.concat([digest(payload), payload]).toString('base64url');
}

function digest(payload: Buffer): Buffer {
  return createHash('sha256').update(TOKEN_PREFIX).update(payload).digest().subarray(0, DIGEST_BYTES);
}

export function decodeToken(s: string): ReplayToken {
  const text = s.trim();
  if (text.startsWith(OLD_PREFIX)) {
    throw new InputError(
      'token',
      `this is a version-1 token (${OLD_PREFIX}…), made by an older semverify without an integrity check; this one reads ${TOKEN_PREFIX} tokens only: re-run the check that printed it to get one`,
    );
  }
  if (!text.startsWith(TOKEN_PREFIX)) {
    const shown = text.length > 12 ? `${text.slice(0, 12)}…` : text;
    throw new InputError('token', `expected a token starting with "${TOKEN_PREFIX}", got ${JSON.stringify(shown)}`);
  }
  const body = text.slice(TOKEN_PREFIX.length);
  if (body === '') throw new InputError('token', 'empty after the prefix');
  const bad = BAD_BASE64URL.exec(body);
  if (bad) {
    throw new InputError(
      'token',
      `not base64url: character ${JSON.stringify(bad[0])} at position ${bad.index + TOKEN_PREFIX.length} (was the token wrapped or altered?)`,
    );
  }
  // No whole number of bytes ends one character into a 4-character group.
  if (body.length % 4 === 1) throw new InputError('token', 'not base64url: impossible length (was the token cut?)');
  const bytes = Buffer.from(body, 'base64url');
  // The last character of a group may carry unused bits that decoding drops: only the canonical spelling is ours.
  if (bytes.toString('base64url') !== body) throw new InputError('token', 'altered: not the canonical base64url spelling of its bytes');
  if (bytes.length <= DIGEST_BYTES) throw new InputError('token', 'too short to be a token (was it cut?)');
  const payload = bytes.subarray(DIGEST_BYTES);
  if (!digest(payload).equals(bytes.subarray(0, DIGEST_BYTES))) throw new InputError('token', 'altered or cut: integrity check failed');
  let json: string;
  try {
    json = inflateRawSync(payload, { maxOutputLength: MAX_JSON_BYTES }).toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ERR_BUFFER_TOO_LARGE' ? 'inflates to more than 8 MiB' : 'corrupt compressed data';
    throw new InputError('token', `${why} (was the token cut or altered?)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new InputError('token', 'the decompressed content is not JSON');
  }
  return parseReplayToken(value);
}

/** Validate a decoded token document; every problem names its path inside the token. */
export function parseReplayToken(value: unknown): ReplayToken {
  const r = new TokenReader();
  const o = r.object(
    value,
    '',
    ['v', 'backend', 'model', 'python', 'target', 'program', 'scenario', 'schedule', 'maxSteps', 'properties'],
    ['v', 'backend', 'model', 'schedule'],
  );
  if (o.program === undefined && o.scenario === undefined) r.fail('scenario', 'missing (required)');
  if (o.program !== undefined && o.scenario !== undefined) r.fail('program', 'a token replays a scenario or a program, not both');
  if (o.v !== 2) r.fail('v', `unsupported token version ${describeValue(o.v)} (this semverify reads version 2)`);
  const backend = r.oneOf(o.backend, 'backend', backendNames());
  const model = r.oneOf(o.model, 'model', PREEMPTION_MODELS);
  const python = o.python === undefined ? undefined : r.string(o.python, 'python', { nonEmpty: true });
  const target = o.target === undefined ? undefined : readTarget(r, o.target, 'target');
  if (target !== undefined && !capabilitiesOf(backend).runsTargets)
    r.fail('target', `only a ${orList(backendsThat((c) => c.runsTargets))} token can carry a target`);
  const program = o.program === undefined ? undefined : readProgramSpec(r, o.program, 'program');
  if (program !== undefined && !capabilitiesOf(backend).runsPrograms)
    r.fail('program', `only a ${orList(backendsThat((c) => c.runsPrograms))} token can carry a program`);
  if (program !== undefined && target !== undefined) r.fail('target', 'a program token carries no target');
  const scenario = program !== undefined ? programScenario(program) : readScenario(r, o.scenario, 'scenario');
  const schedule = readSchedule(r, o.schedule, 'schedule', program !== undefined ? scheduleScenario(scenario, o.schedule, CLOCK_THREAD) : scenario);
  const maxSteps = o.maxSteps === undefined ? undefined : r.integer(o.maxSteps, 'maxSteps', 1, Number.MAX_SAFE_INTEGER);
  const properties = o.properties === undefined ? undefined : readPropertyNames(r, o.properties, 'properties');
  return {
    v: 2,
    backend,
    model,
    ...(python !== undefined && { python }),
    ...(target !== undefined && { target }),
    ...(program !== undefined && { program }),
    scenario,
    schedule,
    ...(maxSteps !== undefined && { maxSteps }),
    ...(properties !== undefined && { properties }),
  };
}

function readPropertyNames(r: FieldReader, value: unknown, path: string): string[] {
  const names = r.array(value, path).map((n, i) => r.name(n, indexPath(path, i)));
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) r.fail(path, `property "${twice}" named twice`);
  return names;
}

/** Problems inside a token read as `semverify: token: scenario.threads[0].name: ...`. */
class TokenReader extends FieldReader {
  constructor() {
    super(undefined);
  }
  override fail(path: string, problem: string): never {
    throw new InputError('token', `${path === '' ? '' : `${path}: `}${problem}`);
  }
}

function readTarget(r: FieldReader, value: unknown, path: string): TargetSpec {
  const o = r.object(value, path, ['spec', 'pythonpath'], ['spec', 'pythonpath']);
  const spec = r.string(o.spec, childPath(path, 'spec'), { nonEmpty: true });
  const shape = targetShapeProblem(spec);
  if (shape !== undefined) r.fail(childPath(path, 'spec'), shape);
  const pythonpath = r
    .array(o.pythonpath, childPath(path, 'pythonpath'))
    .map((d, i) => r.string(d, indexPath(childPath(path, 'pythonpath'), i), { nonEmpty: true }));
  return { spec, pythonpath };
}
