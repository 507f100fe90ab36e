/**
 * Which scenarios a command means: ids (built-in or from the config's `scenarios`), files,
 * directories (every scenario file below) and globs, several per command; none means the
 * config's scenarios, or the built-ins when the config names none.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, relative, resolve } from 'node:path';
import { InputError } from '../contract/input-error.ts';
import { BUILTIN_DIR, builtinScenarios, resolveScenario } from '../scenario/load.ts';
import { scenarioFromFile } from '../scenario/scenario-file.ts';
import type { Scenario } from '../scenario/types.ts';
import type { LoadedConfig } from './config.ts';
import { expandGlob, isGlob } from './glob.ts';

const EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

function isScenarioFile(p: string): boolean {
  return EXTENSIONS.has(extname(p).toLowerCase());
}

/** The config's scenario files, read and validated, in glob then file-name order. */
export function configScenarios(config: LoadedConfig): Scenario[] {
  const out: Scenario[] = [];
  for (const glob of config.scenarios) {
    const files = expandGlob(glob, config.root).filter(isScenarioFile);
    if (files.length === 0) throw new InputError(`scenarios: ${glob}`, 'matches no scenario file', config.file ?? undefined);
    for (const f of files) out.push(scenarioFromFile(f, relative(config.root, f) || f));
  }
  return unique(out);
}

/** Ids are how users name scenarios: two files with one id would make `check <id>` ambiguous. */
function unique(scenarios: readonly Scenario[]): Scenario[] {
  const seen = new Set<string>();
  const out: Scenario[] = [];
  for (const s of scenarios) {
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    out.push(s);
  }
  return out;
}

/** Every scenario the words name, in order, each once. */
export function selectScenarios(words: readonly string[], config: LoadedConfig, cwd: string = process.cwd()): Scenario[] {
  const fromConfig = configScenarios(config);
  if (words.length === 0) {
    const all = fromConfig.length > 0 ? fromConfig : builtinScenarios();
    if (all.length === 0) throw new InputError('scenarios', `no built-in scenarios found in ${BUILTIN_DIR}`);
    return all;
  }
  const known = [...fromConfig, ...builtinScenarios().filter((b) => !fromConfig.some((c) => c.id === b.id))];
  const out: Scenario[] = [];
  for (const word of words) {
    const path = resolve(cwd, word);
    if (!known.some((s) => s.id === word) && existsSync(path) && statSync(path).isDirectory()) {
      const files = expandGlob('**/*', path).filter(isScenarioFile);
      if (files.length === 0) throw new InputError(word, 'is a directory with no scenario file (.json, .yaml, .yml) in it');
      out.push(...files.map((f) => scenarioFromFile(f, relative(cwd, f))));
    } else if (isGlob(word) && !existsSync(path)) {
      const files = expandGlob(word, cwd).filter(isScenarioFile);
      if (files.length === 0) throw new InputError(word, 'matches no scenario file');
      out.push(...files.map((f) => scenarioFromFile(f, relative(cwd, f))));
    } else {
      const byId = known.find((s) => s.id === word);
      // A file is named in messages as the user typed it.
      out.push(byId ?? (existsSync(path) ? scenarioFromFile(path, word) : resolveScenario(word, known)));
    }
  }
  return unique(out);
}
