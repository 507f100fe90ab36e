/**
 * A program as the rest of semverify sees it (docs/programs.md): the scenario-shaped description
 * it is explored and reported under (its threads and semaphores are found as it runs, so the
 * description declares none), and the program named inside a replay token, validated like every
 * other part of a token.
 */
import { basename } from 'node:path';
import { DIGEST_SHAPE, type ProgramSpec } from '../contract/program.ts';
import type { Expectations, ExploreHints, Scenario } from '../scenario/types.ts';
import { childPath, type FieldReader, indexPath } from '../scenario/field-reader.ts';

/** What a program's description may say beyond its name: a title, and its expectations and run budget. */
export interface ProgramDescription {
  readonly title?: string;
  readonly expect?: Expectations;
  readonly explore?: ExploreHints;
}

/** The scenario a program is explored and reported under: its file name, no declared threads or semaphores. */
export function programScenario(spec: ProgramSpec, d: ProgramDescription = {}): Scenario {
  const name = basename(spec.path);
  return {
    id: name,
    title: d.title ?? `the program ${name}`,
    semaphores: {},
    threads: [],
    ...(d.expect !== undefined && { expect: d.expect }),
    ...(d.explore !== undefined && { explore: d.explore }),
  };
}

/** The program a token names: an absolute path, a SHA-256 digest, its arguments. */
export function readProgramSpec(r: FieldReader, value: unknown, path: string): ProgramSpec {
  const o = r.object(value, path, ['path', 'digest', 'args'], ['path', 'digest', 'args']);
  const file = r.string(o.path, childPath(path, 'path'), { nonEmpty: true });
  if (!file.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(file)) r.fail(childPath(path, 'path'), 'expected an absolute path');
  const digest = r.string(o.digest, childPath(path, 'digest'), { nonEmpty: true });
  if (!DIGEST_SHAPE.test(digest)) r.fail(childPath(path, 'digest'), 'expected a SHA-256 digest (64 lowercase hex digits)');
  const args = r.array(o.args, childPath(path, 'args')).map((a, i) => r.string(a, indexPath(childPath(path, 'args'), i)));
  return { path: file, digest, args };
}

/**
 * The scenario a program token's schedule is read against: the threads its deviations name. A
 * program's threads are found as it runs, so a token can only be checked for well-formed names;
 * the run itself then follows the deviations that name its threads and ignores the others.
 */
export function scheduleScenario(scenario: Scenario, rawSchedule: unknown, clockThread: string): Scenario {
  const names = new Set<string>();
  if (Array.isArray(rawSchedule)) {
    for (const d of rawSchedule) {
      if (typeof d !== 'object' || d === null) continue;
      for (const key of ['thread', 'to', 'waiter'] as const) {
        const v = (d as Record<string, unknown>)[key];
        if (typeof v === 'string' && v.trim() !== '' && v.length <= 80 && v !== clockThread) names.add(v);
      }
    }
  }
  return { ...scenario, threads: [...names].map((name) => ({ name, loop: false, tasks: [] })) };
}
