/**
 * Expectations may only name properties and outcome kinds the check can produce: a misspelt one is
 * bad input (exit 2, naming `expect.properties.<name>` or `expect.reachable[i]`) before anything
 * runs, not a silently skipped comparison or an "unreached" outcome after the whole exploration.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.ts';
import { BUILTIN_OUTCOMES } from '../src/contract/outcomes.ts';
import { InputError } from '../src/contract/input-error.ts';
import { checkExpectationNames } from '../src/scenario/expectation-names.ts';
import type { Expectations, Scenario } from '../src/scenario/types.ts';
import { builtinScenarios } from '../src/scenario/load.ts';
import { builtinProperties } from '../properties/index.ts';
import { captureIo, inputErrorOf, noEngine } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'semverify-expect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PROPERTIES = builtinProperties.map((p) => p.name);

function scenario(expect: Expectations): Scenario {
  return {
    id: 'names',
    title: 'expectation names',
    semaphores: { sem: { kind: 'threading', value: 1 } },
    threads: [{ name: 'T0', loop: false, tasks: [{ name: 'A', ops: [{ op: 'hold', seconds: 1 }] }] }],
    expect,
  };
}

function problem(expect: Expectations): InputError {
  return inputErrorOf(() => checkExpectationNames(scenario(expect), PROPERTIES, BUILTIN_OUTCOMES));
}

describe('checkExpectationNames', () => {
  it('accepts every built-in scenario', () => {
    for (const s of builtinScenarios()) expect(() => checkExpectationNames(s, PROPERTIES, BUILTIN_OUTCOMES)).not.toThrow();
  });

  it('names an unknown property, with a guess', () => {
    const e = problem({ properties: { 'at-most-n': 'holds', 'at-most-m': 'violated' } });
    expect(e.field).toBe('expect.properties["at-most-m"]');
    expect(e.problem).toMatch(/^unknown property \(did you mean "at-most-n"\?\) \(properties: at-most-n, permit-conservation, /);
    expect(e.source).toBe('names');
  });

  it('names an unknown outcome by its index', () => {
    const e = problem({ reachable: ['ok', 'over-admision'] });
    expect(e.field).toBe('expect.reachable[1]');
    expect(e.problem).toMatch(/^unknown outcome "over-admision" \(did you mean "over-admission"\?\) \(outcomes: ok, over-admission, /);
  });

  it('checks against the names it is given (a user property is known when it is loaded)', () => {
    const s = scenario({ properties: { 'no-holder-across-loops': 'violated' }, reachable: ['cross-loop-holders'] });
    expect(() => checkExpectationNames(s, [...PROPERTIES, 'no-holder-across-loops'], [...BUILTIN_OUTCOMES, 'cross-loop-holders'])).not.toThrow();
    expect(() => checkExpectationNames(s, PROPERTIES, BUILTIN_OUTCOMES)).toThrow(InputError);
  });
});

describe('semverify check and matrix refuse them before anything runs', () => {
  const file = (name: string, expect: Expectations): string => {
    const path = join(tmp, name);
    writeFileSync(path, JSON.stringify(scenario(expect)));
    return path;
  };

  it.each([
    ['check', { properties: { fifoo: 'holds' as const } }, 'semverify: names: expect.properties.fifoo: unknown property (did you mean "fifo"?) (properties: '],
    ['check', { reachable: ['ok', 'deadlock'] }, 'semverify: names: expect.reachable[1]: unknown outcome "deadlock" (outcomes: '],
    ['matrix', { reachable: ['hang', 'wrongloop'] }, 'semverify: names: expect.reachable[1]: unknown outcome "wrongloop" (did you mean "wrong-loop"?)'],
  ])('%s with %j: exit 2, one line', async (command, expect_, start) => {
    const c = captureIo();
    const code = await runCli([command, file(`${command}-${Object.keys(expect_)[0]}.json`, expect_)], c.io, noEngine);
    expect(code).toBe(2);
    expect(c.err().startsWith(start)).toBe(true);
    expect(c.err().trimEnd().split('\n')).toHaveLength(1);
  });
});
