/** Per-version expectations: range syntax, overlap checks, and how a block is laid over the base. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/contract/input-error.ts';
import { parseScenario } from '../src/scenario/validate.ts';
import { expectationsFor, inRange, parseVersionRange, type VersionRange } from '../src/scenario/version-expectations.ts';

const range = (t: string): VersionRange => {
  const r = parseVersionRange(t);
  if (typeof r === 'string') throw new Error(r);
  return r;
};

describe('version ranges', () => {
  it.each([
    ['3.9', ['3.9.0', '3.9.18', '3.9'], ['3.8.18', '3.10.0']],
    ['3.9.18', ['3.9.18'], ['3.9.17', '3.9.19']],
    ['<=3.8', ['3.6.15', '3.8.18', '3.8'], ['3.9.0']],
    ['<3.10', ['3.9.18'], ['3.10.0', '3.10.13']],
    ['>=3.10', ['3.10.0', '3.13.0'], ['3.9.18']],
    ['>3.9', ['3.10.0'], ['3.9.18']],
    ['3.6-3.8', ['3.6.0', '3.7.16', '3.8.18'], ['3.5.9', '3.9.0']],
    ['3.10.4-3.10.7', ['3.10.4', '3.10.7'], ['3.10.3', '3.10.8', '3.10.13']],
  ])('%s', (text, inside, outside) => {
    const r = range(text);
    for (const v of inside) expect(inRange(r, v), `${v} in ${text}`).toBe(true);
    for (const v of outside) expect(inRange(r, v), `${v} not in ${text}`).toBe(false);
  });

  it('rejects what is not a range, in words', () => {
    for (const bad of ['3', 'three.nine', '=>3.9', '3.9-3.8', '']) expect(typeof parseVersionRange(bad)).toBe('string');
  });
});

describe('expectationsFor', () => {
  const expect_ = {
    properties: { fifo: 'any' as const, 'at-most-n': 'holds' as const },
    reachable: ['ok'],
    versions: { '<=3.8': { properties: { fifo: 'violated' as const }, reachable: ['fifo'] }, '3.9': { maxConcurrent: 1 } },
  };
  it('lays the matching block over the base: properties merge by name, other fields replace', () => {
    expect(expectationsFor(expect_, '3.8.18')).toEqual({ properties: { fifo: 'violated', 'at-most-n': 'holds' }, reachable: ['fifo'] });
    expect(expectationsFor(expect_, '3.9.18')).toEqual({ properties: { fifo: 'any', 'at-most-n': 'holds' }, reachable: ['ok'], maxConcurrent: 1 });
    expect(expectationsFor(expect_, '3.13.0')).toEqual({ properties: { fifo: 'any', 'at-most-n': 'holds' }, reachable: ['ok'] });
    expect(expectationsFor(undefined, '3.11.7')).toEqual({});
  });
});

describe('expect.versions in scenario files', () => {
  const scenario = (versions: unknown) => ({
    id: 'v',
    title: 'v',
    semaphores: { sem: { kind: 'asyncio', value: 1 } },
    threads: [{ name: 'T0', loop: true, tasks: [{ name: 'A', ops: [{ op: 'acquire' }] }] }],
    expect: { versions },
  });
  const problem = (versions: unknown): InputError => {
    try {
      parseScenario(scenario(versions), 'x.json');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return e as InputError;
    }
    throw new Error('expected an InputError');
  };

  it('accepts non-overlapping ranges with expectation blocks', () => {
    const s = parseScenario(scenario({ '<=3.8': { properties: { fifo: 'violated' } }, '>=3.9': {} }), 'x.json');
    expect(Object.keys(s.expect!.versions!)).toEqual(['<=3.8', '>=3.9']);
  });

  it('names the field of every mistake', () => {
    expect(problem({ '<=3.9': {}, '3.9': {} }).message).toBe('x.json: expect.versions["3.9"]: overlaps "<=3.9": each version may match one block only');
    expect(problem({ three: {} }).field).toBe('expect.versions.three');
    expect(problem({ '3.9': { versions: {} } }).field).toBe('expect.versions["3.9"].versions');
    expect(problem({ '3.9': { properties: { fifo: 'maybe' } } }).field).toBe('expect.versions["3.9"].properties.fifo');
  });
});
