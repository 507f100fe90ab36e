/**
 * What a replay token may make semverify do. A token is data pasted from elsewhere: it picks a
 * scenario and a schedule, but it never chooses code to run. A token made with `--target` names a
 * Python class, and importing that module runs it; so the replay runs it only when the command
 * line names the same class (`--target`), imported from where the command line says
 * (`--pythonpath`), never from the directories the token lists. And a token names the properties
 * that judged its run: replay re-checks exactly those, or refuses when one is not loaded, rather
 * than judge a counterexample by properties that cannot see it and call it ok.
 *
 * Pure: no runtime, no properties loaded (the CLI calls it before starting anything).
 */
import { shellWord } from '../contract/shell-word.ts';
import { delimiter } from 'node:path';
import type { Property } from '../../properties/api.ts';
import type { TargetSpec } from '../contract/target.ts';
import type { ProgramSpec } from '../contract/program.ts';
import { InputError } from '../contract/input-error.ts';
import type { ReplayToken } from './token.ts';

/** The target a replay may import: the one the command line names, after checking it is the token's. */
export function targetToRun(token: ReplayToken, given: TargetSpec | undefined): TargetSpec | undefined {
  const wanted = token.target;
  if (wanted === undefined) {
    if (given !== undefined) throw new InputError('--target', "this token checks the standard library's semaphores, not a --target class: leave --target out");
    return undefined;
  }
  if (given === undefined) {
    const from = wanted.pythonpath.length > 0 ? ` --pythonpath ${shellWord(wanted.pythonpath.join(delimiter))}` : '';
    throw new InputError(
      'token',
      `this token checks the class ${wanted.spec} (a --target); to run that code, say so: semverify replay <token> --target ${wanted.spec}${from}`,
    );
  }
  if (given.spec !== wanted.spec) throw new InputError('--target', `this token checks ${wanted.spec}, not ${given.spec}`);
  if (wanted.pythonpath.length > 0 && given.pythonpath.length === 0) {
    throw new InputError(
      '--pythonpath',
      `this token's ${wanted.spec} was imported from ${wanted.pythonpath.join(delimiter)}: say where to import it from with --pythonpath`,
    );
  }
  return given;
}

/**
 * The program a replay may run: the one the command line names (`given`, read and digested there),
 * after checking it is the token's by content. A token never runs a program by itself: it names a
 * path that may hold anything by now, and running a program is running code.
 */
export function programToRun(token: ReplayToken, given: ProgramSpec | undefined): ProgramSpec | undefined {
  const wanted = token.program;
  if (wanted === undefined) {
    if (given !== undefined) throw new InputError('--program', 'this token replays a scenario, not a program: leave --program out');
    return undefined;
  }
  if (given === undefined) {
    throw new InputError(
      'token',
      `this token replays the program ${wanted.path}; a token never runs code by itself: name it, semverify replay <token> --program ${shellWord(wanted.path)}`,
    );
  }
  if (given.digest !== wanted.digest) {
    throw new InputError(
      '--program',
      `${given.path} is not the program this token was made with: its content changed (sha256 ${given.digest.slice(0, 12)}…, the token's ${wanted.digest.slice(0, 12)}…); check it again for a new token`,
    );
  }
  // The command line's file, with the token's arguments: the arguments are part of the run.
  return { ...given, args: wanted.args };
}

/**
 * The properties to re-check: those the token names, in its order, taken from `loaded`; every
 * loaded property when the token names none (a token made without recording them).
 */
export function propertiesToCheck(token: ReplayToken, loaded: readonly Property[], loadedAre: 'built-in' | 'loaded' = 'loaded'): readonly Property[] {
  if (token.properties === undefined) return loaded;
  return token.properties.map((name) => {
    const p = loaded.find((x) => x.name === name);
    if (p === undefined) {
      const hint = loadedAre === 'built-in' ? '; replay it where that property is loaded: replayToken(token, { properties }) (src/explore/replay.ts)' : '';
      throw new InputError(
        'token',
        `this counterexample was found by property "${name}", which is not loaded here (${loadedAre}: ${loaded.map((x) => x.name).join(', ')})${hint}`,
      );
    }
    return p;
  });
}
