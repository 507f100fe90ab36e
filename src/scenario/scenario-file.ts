/**
 * Scenario files (.json, .yaml, .yml): read within limits and parsed, with every problem an
 * InputError naming the file. Only regular files are read: a directory, a device or a FIFO named
 * by mistake gets a plain answer, not "file not found" and not a read that never ends.
 */
import { closeSync, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../contract/input-error.ts';
import { parseJsonText } from './json-text.ts';
import { LIMITS } from './limits.ts';
import type { Scenario } from './types.ts';
import { parseScenario } from './validate.ts';

/** Read and validate a scenario file. `display` is the path shown in messages. */
export function scenarioFromFile(path: string, display: string = path): Scenario {
  const text = readScenarioText(path, display);
  const ext = extname(path).toLowerCase();
  return parseScenario(ext === '.json' ? parseJsonText(text, display) : parseYamlText(text, display), display);
}

/** The problem with reading `path` as a scenario file, from what stat says; undefined when it is fine. */
export function fileKindProblem(st: Stats): string | undefined {
  if (st.isDirectory()) return 'is a directory, not a scenario file';
  if (!st.isFile()) return 'is not a regular file';
  if (st.size > LIMITS.fileBytes) return `is ${st.size} bytes; a scenario file is at most ${LIMITS.fileBytes} bytes (1 MiB)`;
  return undefined;
}

function readScenarioText(path: string, display: string): string {
  const ext = extname(path).toLowerCase();
  const typeProblem =
    ext === '.json' || ext === '.yaml' || ext === '.yml' ? undefined : `unsupported file type "${ext || '(none)'}" (expected .json, .yaml or .yml)`;
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw new InputError(display, typeProblem ?? fileProblem(e));
  }
  // What the path is comes first: "/dev/null is not a regular file" says more than "no extension".
  const problem = fileKindProblem(st) ?? typeProblem;
  if (problem !== undefined) throw new InputError(display, problem);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    // Checked again on the open file: it may have been replaced since the stat.
    const again = fileKindProblem(fstatSync(fd));
    if (again !== undefined) throw new InputError(display, again);
    // Some editors start UTF-8 files with a byte-order mark, which JSON.parse rejects.
    return readFileSync(fd, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(display, fileProblem(e));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EISDIR':
      return 'is a directory, not a scenario file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return `cannot read file (${code ?? (e as Error).message})`;
  }
}

function parseYamlText(text: string, display: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: true, prettyErrors: true });
  } catch (e) {
    // The yaml package appends a multi-line source excerpt; the CLI prints one line.
    const first = (e as Error).message.split('\n')[0]!.replace(/:\s*$/, '');
    throw new InputError(display, `invalid YAML: ${first}`);
  }
}
