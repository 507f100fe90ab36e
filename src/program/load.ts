/**
 * A Python program named on the command line (`semverify check script.py`, docs/programs.md): the
 * file read and digested, its title (the first line of its docstring), and its expectations: from
 * a sidecar file beside it (`script.semverify.json`, the same `expect` block as a scenario's, plus
 * `explore` and `args`), overridden by the command line's. Without any, every property must hold.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InputError } from '../contract/input-error.ts';
import type { ProgramSpec } from '../contract/program.ts';
import { FieldReader, indexPath } from '../scenario/field-reader.ts';
import { parseJsonText } from '../scenario/json-text.ts';
import type { Expectations, PropertyVerdict, Scenario } from '../scenario/types.ts';
import { readExpectations, readExploreHints } from '../scenario/validate.ts';
import { programScenario } from './spec.ts';

/** A script larger than this is not a program to check by hand. */
const MAX_PROGRAM_BYTES = 4 * 1024 * 1024;
const MAX_SIDECAR_BYTES = 1024 * 1024;

/** Expectations given on the command line: they override the sidecar's. */
export interface ExpectFlags {
  /** `--expect name=holds|violated|any`, per property. */
  readonly properties?: Readonly<Record<string, PropertyVerdict>>;
  /** `--reachable kind,...`: outcome kinds the exploration must reach. */
  readonly reachable?: readonly string[];
}

export interface LoadedProgram {
  readonly spec: ProgramSpec;
  readonly scenario: Scenario;
  /** The path as named on the command line. */
  readonly display: string;
  /** The sidecar file read, if any. */
  readonly sidecar?: string;
}

/** A program file's path ends so; anything else named to `check` is a scenario. */
export function isProgramPath(p: string): boolean {
  return extname(p).toLowerCase() === '.py';
}

/** The sidecar file of a script: `x.py` → `x.semverify.json` beside it. */
export function sidecarPath(script: string): string {
  return join(dirname(script), `${basename(script, extname(script))}.semverify.json`);
}

/** The SHA-256 of a program's bytes, as tokens and the harness write it. */
export function digestOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Read the program's bytes, with every problem a one-line InputError naming the path as given. */
export function readProgramBytes(path: string, display: string = path): Buffer {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new InputError(display, 'is a directory, not a Python program');
    if (!st.isFile()) throw new InputError(display, 'is not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(display, code === 'ENOENT' ? 'file not found' : `cannot read it (${code ?? (e as Error).message})`);
  }
  if (size > MAX_PROGRAM_BYTES) throw new InputError(display, `is ${size} bytes; a program to check is at most ${MAX_PROGRAM_BYTES} bytes`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(display, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The first line of a module docstring, if the script starts with one. */
export function docstringTitle(text: string): string | undefined {
  const m = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*[rRuU]?("""|''')([\s\S]*?)\1/.exec(text);
  const line = m?.[2]
    ?.split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (line === undefined) return undefined;
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** The program at `path` (as typed), run with `args` unless its sidecar names some and none are given. */
export function loadProgram(path: string, args: readonly string[] | undefined, flags: ExpectFlags = {}): LoadedProgram {
  const abs = resolve(path);
  const bytes = readProgramBytes(abs, path);
  const side = readSidecar(sidecarPath(abs), sidecarPath(path));
  const expect = mergeExpectations(side?.expect, flags);
  const title = docstringTitle(bytes.toString('utf8'));
  const spec: ProgramSpec = { path: abs, digest: digestOf(bytes), args: args !== undefined && args.length > 0 ? [...args] : (side?.args ?? []) };
  return {
    spec,
    scenario: programScenario(spec, {
      ...(title !== undefined && { title }),
      ...(expect !== undefined && { expect }),
      ...(side?.explore !== undefined && { explore: side.explore }),
    }),
    display: path,
    ...(side !== undefined && { sidecar: sidecarPath(path) }),
  };
}

interface Sidecar {
  readonly expect?: Expectations;
  readonly explore?: { readonly runs?: number };
  readonly args?: readonly string[];
}

function readSidecar(path: string, display: string): Sidecar | undefined {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new InputError(display, 'is not a regular file');
    if (st.size > MAX_SIDECAR_BYTES) throw new InputError(display, `is ${st.size} bytes; a sidecar file is at most ${MAX_SIDECAR_BYTES} bytes`);
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    if (e instanceof InputError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(display, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const r = new FieldReader(display);
  const o = r.object(parseJsonText(text, display), '', ['expect', 'explore', 'args', 'comment']);
  return {
    ...(o.expect !== undefined && { expect: readExpectations(r, o.expect, 'expect') }),
    ...(o.explore !== undefined && { explore: readExploreHints(r, o.explore, 'explore') }),
    ...(o.args !== undefined && { args: r.array(o.args, 'args').map((a, i) => r.string(a, indexPath('args', i))) }),
  };
}

function mergeExpectations(side: Expectations | undefined, flags: ExpectFlags): Expectations | undefined {
  if (flags.properties === undefined && flags.reachable === undefined) return side;
  return {
    ...side,
    ...(flags.properties !== undefined && { properties: { ...side?.properties, ...flags.properties } }),
    ...(flags.reachable !== undefined && { reachable: [...flags.reachable] }),
  };
}

/** The program a replay's --program names: read and digested, so that it can be held against a token's. */
export function programOnCommandLine(path: string): ProgramSpec {
  return { path: resolve(path), digest: digestOf(readProgramBytes(resolve(path), path)), args: [] };
}
