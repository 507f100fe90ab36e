/**
 * Bad scenario input the format alone does not catch: caps on size (docs/scenario-format.md,
 * "Limits"), duplicate JSON keys, unknown implementations, and paths that are not regular files.
 * Each is one InputError naming the field, and no message echoes more than a short piece of a
 * bad value. Through the CLI in-process: exit 2, one line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.ts';
import { SUPPORTED_VERSIONS } from '../src/contract/implementations.ts';
import type { InputError } from '../src/contract/input-error.ts';
import { LIMITS } from '../src/scenario/limits.ts';
import { scanJson } from '../src/scenario/json-text.ts';
import { scenarioFromFile } from '../src/scenario/scenario-file.ts';
import { parseScenario } from '../src/scenario/validate.ts';
import { captureIo, inputErrorOf, noEngine } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'semverify-limits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Doc = Record<string, any>;

function base(): Doc {
  return {
    id: 'x',
    title: 'base',
    semaphores: { sem: { kind: 'threading', value: 1 } },
    threads: [{ name: 'T0', loop: false, tasks: [{ name: 'A', ops: [{ op: 'hold', seconds: 1 }] }] }],
  };
}

function thread(i: number, tasks = 1, opsPerTask = 1): Doc {
  return {
    name: `T${i}`,
    loop: false,
    tasks: Array.from({ length: tasks }, (_, j) => ({ name: `T${i}-${j}`, ops: Array.from({ length: opsPerTask }, () => ({ op: 'acquire' })) })),
  };
}

function errorOf(doc: Doc): InputError {
  return inputErrorOf(() => parseScenario(doc, 'x.json'));
}

/** A file in the temporary directory. */
function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

/** Run the CLI in-process; expect exit 2 and exactly one stderr line, which is returned. */
async function cliInputError(...args: string[]): Promise<string> {
  const c = captureIo();
  const code = await runCli(args, c.io, noEngine);
  expect(code, c.err()).toBe(2);
  expect(c.err().endsWith('\n')).toBe(true);
  expect(c.err().trimEnd().split('\n'), c.err()).toHaveLength(1);
  return c.err().trimEnd();
}

describe('caps on a scenario (LIMITS)', () => {
  const at = (n: number): Doc => ({ ...base(), threads: Array.from({ length: n }, (_, i) => thread(i)) });

  it(`threads: ${LIMITS.threads} pass, one more is refused`, () => {
    expect(() => parseScenario(at(LIMITS.threads), 'x')).not.toThrow();
    const e = errorOf(at(LIMITS.threads + 1));
    expect(e.field).toBe('threads');
    expect(e.problem).toBe(`at most ${LIMITS.threads} entries allowed, got ${LIMITS.threads + 1}`);
  });

  it(`tasks: ${LIMITS.tasksPerThread} per thread pass, one more is refused`, () => {
    expect(() => parseScenario({ ...base(), threads: [thread(0, LIMITS.tasksPerThread)] }, 'x')).not.toThrow();
    const e = errorOf({ ...base(), threads: [thread(0, LIMITS.tasksPerThread + 1)] });
    expect(e.field).toBe('threads[0].tasks');
  });

  it(`operations: ${LIMITS.ops} declared pass, one more is refused (bodies counted, repeats not expanded)`, () => {
    const perTask = LIMITS.ops / 10;
    const ok = { ...base(), threads: [thread(0, 10, perTask)] };
    expect(() => parseScenario(ok, 'x')).not.toThrow();
    const over = { ...base(), threads: [thread(0, 10, perTask)] };
    over.threads[0]!.tasks[9]!.ops[0] = { op: 'with', body: [{ op: 'sleep', seconds: 0 }] };
    const e = errorOf(over);
    expect(e.field).toBe('threads[0].tasks[9].ops[0].body');
    expect(e.problem).toMatch(/^more than 10000 operations declared/);
    // A repeat is one declared body, however many times it runs.
    expect(() =>
      parseScenario(
        { ...base(), threads: [{ ...thread(0), tasks: [{ name: 'A', ops: [{ op: 'repeat', times: 1000, body: [{ op: 'acquire' }, { op: 'release' }] }] }] }] },
        'x',
      ),
    ).not.toThrow();
  });

  it(`semaphores: at most ${LIMITS.semaphores}`, () => {
    const semaphores = Object.fromEntries(Array.from({ length: LIMITS.semaphores + 1 }, (_, i) => [`s${i}`, { kind: 'threading', value: 1 }]));
    expect(errorOf({ ...base(), semaphores }).field).toBe('semaphores');
  });

  it.each([
    ['title', (d: Doc) => void (d.title = 'x'.repeat(LIMITS.text + 1)), 'title'],
    ['claim', (d: Doc) => void (d.claim = 'y'.repeat(10 * 1024 * 1024)), 'claim'],
    ['id', (d: Doc) => void (d.id = 'i'.repeat(LIMITS.name + 1)), 'id'],
    ['a thread name', (d: Doc) => void (d.threads[0].name = 'T'.repeat(LIMITS.name + 1)), 'threads[0].name'],
    ['a semaphore name', (d: Doc) => void (d.semaphores = { ['s'.repeat(LIMITS.name + 1)]: { kind: 'threading', value: 1 } }), null],
    ['a property name', (d: Doc) => void (d.expect = { properties: { ['p'.repeat(5000)]: 'holds' } }), null],
    ['an unknown key', (d: Doc) => void (d['k'.repeat(100_000)] = 1), null],
    ['an unknown semaphore', (d: Doc) => void (d.threads[0].tasks[0].ops[0].sem = 'z'.repeat(100_000)), 'threads[0].tasks[0].ops[0].sem'],
  ])('%s: too long is refused, and at most a short piece of it is echoed', (_what, edit, field) => {
    const d = base();
    edit(d);
    const e = errorOf(d);
    if (field !== null) expect(e.field).toBe(field);
    expect(e.message.length).toBeLessThan(400);
    expect(e.message).not.toMatch(/(.)\1{60}/);
  });

  it(`a file over ${LIMITS.fileBytes} bytes is refused before it is read`, async () => {
    const text = JSON.stringify({ ...base(), claim: 'c'.repeat(LIMITS.fileBytes) });
    const big = file('big.json', text);
    expect(await cliInputError('check', big)).toBe(
      `semverify: ${big}: is ${Buffer.byteLength(text)} bytes; a scenario file is at most ${LIMITS.fileBytes} bytes (1 MiB)`,
    );
  });
});

describe('duplicate keys in JSON scenario files', () => {
  it('are refused, naming the key path and its lines', async () => {
    const line4 = '  "semaphores": { "sem": { "kind": "threading", "value": 1, "value": 3 } },';
    const text = ['{', '  "id": "dup",', '  "title": "t",', line4, '  "threads": []', '}'].join('\n');
    const path = file('dup.json', text);
    const column = line4.lastIndexOf('"value"') + 1;
    expect(await cliInputError('check', path)).toBe(`semverify: ${path}: semaphores.sem.value: duplicate key at line 4, column ${column} (first at line 4)`);
  });

  it('are found at any depth, inside arrays, and when spelt differently', () => {
    expect(scanJson('{"a": [{"b": 1}, {"b": 1, "c": {"d": 1, "\\u0064": 2}}]}')).toMatchObject({ kind: 'duplicate', path: 'a[1].c.d' });
    expect(scanJson('{"id": 1,\n "id": 2}')).toEqual({ kind: 'duplicate', path: 'id', offset: 11, first: 1 });
    expect(scanJson('{"odd key": 1, "odd key": 2}')).toMatchObject({ path: '["odd key"]' });
    // The same key in sibling objects is not a duplicate.
    expect(scanJson('[{"a": 1}, {"a": 2}]')).toBeUndefined();
  });

  it('a top-level duplicate id is caught, though JSON.parse would keep the last', () => {
    const path = file('dup-id.json', `{"id": "one", "id": "two", "title": "t", "semaphores": {"s": {"kind": "threading", "value": 1}}, "threads": []}`);
    expect(() => scenarioFromFile(path, 'dup-id.json')).toThrow('dup-id.json: id: duplicate key at line 1, column 15 (first at line 1)');
  });
});

describe('impl', () => {
  it('accepts the simulated ports and every CPython the real backend runs', () => {
    for (const impl of ['cpython-3.11', 'cpython-3.9', 'cpython-3.6', 'cpython-3.13']) expect(parseScenario({ ...base(), impl }, 'x').impl).toBe(impl);
  });

  it('refuses anything else, listing the known ones', async () => {
    const path = file('py27.json', JSON.stringify({ ...base(), impl: 'cpython-2.7' }));
    const line = await cliInputError('check', path);
    expect(line).toMatch(new RegExp(`^semverify: ${path}: impl: expected one of "cpython-3.6", "cpython-3.7", .*"cpython-3.13", got "cpython-2.7"$`));
  });

  it('every CPython the real backend runs has a simulated port, so any valid impl opens on the simulated backend', async () => {
    const { openRunner } = await import('../src/backends/registry.ts');
    for (const v of SUPPORTED_VERSIONS) {
      const runner = await openRunner(parseScenario({ ...base(), impl: `cpython-${v}` }, 'x'), { backend: 'sim', model: 'gil' });
      expect(runner.version.startsWith(`${v}.`), `cpython-${v} follows ${runner.version}`).toBe(true);
      await runner.close();
    }
  });
});

describe('paths that are not scenario files', () => {
  it('a directory with no scenario file in it says so (a directory of scenarios is checked: test/project.test.ts)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'semverify-empty-'));
    writeFileSync(join(empty, 'notes.txt'), 'not a scenario');
    expect(await cliInputError('check', empty)).toBe(`semverify: ${empty}: is a directory with no scenario file (.json, .yaml, .yml) in it`);
    rmSync(empty, { recursive: true, force: true });
  });

  it.skipIf(process.platform === 'win32')('/dev/null says it is not a regular file', async () => {
    expect(await cliInputError('check', '/dev/null')).toBe('semverify: /dev/null: is not a regular file');
  });

  it('a long unknown id is echoed short', async () => {
    const line = await cliInputError('check', 'n'.repeat(10_000));
    expect(line.length).toBeLessThan(400);
  });
});
