/**
 * What semverify publishes for other tools: the scenario file schema (schema/scenario.schema.json:
 * every shipped scenario validates, `"$schema"` is accepted, the ops match the validator's), the
 * `--json` report schema (schema/report.schema.json, format semverify/1), and the JUnit report
 * (--reporter junit FILE), validated with xmllint against the common JUnit XML shape.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OP_KEYS, parseScenario } from '../src/scenario/validate.ts';
import { validate } from './json-schema.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string) => JSON.parse(readFileSync(join(ROOT, p), 'utf8')) as Record<string, unknown>;
const scenarioSchema = read('schema/scenario.schema.json');
const reportSchema = read('schema/report.schema.json');
const tmp = mkdtempSync(join(tmpdir(), 'semverify-schema-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function jsonFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((f) => {
    const p = join(dir, f);
    return statSync(join(ROOT, p)).isDirectory() ? jsonFiles(p) : f.endsWith('.json') ? [p] : [];
  });
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin', 'semverify.js'), ...args, '--no-progress'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

describe('schema/scenario.schema.json', () => {
  const files = [...jsonFiles('scenarios'), ...jsonFiles('test/fixtures/project/scenarios')];

  it('every shipped scenario file validates', () => {
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect([f, validate(scenarioSchema, read(f))]).toEqual([f, []]);
  });

  it('catches what an editor should flag: an unknown key, a bad kind, an op without its fields', () => {
    const base = read('scenarios/01-asyncio-4-tasks.json');
    expect(validate(scenarioSchema, { ...base, bounded: true })).toEqual(['$.bounded: not allowed']);
    expect(validate(scenarioSchema, { ...base, semaphores: { sem: { kind: 'trio', value: 1 } } })).toEqual([
      '$.semaphores.sem.kind: "trio" is not one of ["asyncio","threading"]',
    ]);
    const noSeconds = { ...base, threads: [{ name: 'T0', loop: true, tasks: [{ name: 'A', ops: [{ op: 'hold' }] }] }] };
    expect(validate(scenarioSchema, noSeconds)).toEqual(['$.threads[0].tasks[0].ops[0].seconds: missing']);
  });

  it('lists exactly the ops the validator reads, each with exactly its keys', () => {
    const defs = scenarioSchema.definitions as Record<string, { oneOf: { properties: Record<string, { const?: string }> }[] }>;
    const variants = defs.op!.oneOf.map((v) => [v.properties.op!.const!, Object.keys(v.properties).sort()] as const);
    expect(Object.fromEntries(variants)).toEqual(Object.fromEntries(Object.entries(OP_KEYS).map(([op, keys]) => [op, [...keys].sort()])));
  });

  it('a scenario file may name the schema with "$schema": semverify accepts it and it changes nothing', () => {
    const withSchema = read('test/fixtures/project/scenarios/racy-2-threads.json');
    expect(withSchema.$schema).toBe('../../../../schema/scenario.schema.json');
    const base = read('scenarios/01-asyncio-4-tasks.json');
    expect(parseScenario({ $schema: '../schema/scenario.schema.json', ...base }, 'x.json')).toEqual(parseScenario(base, 'x.json'));
  });
});

describe('schema/report.schema.json (format semverify/1)', () => {
  it('every field of a real --json document is in the schema, and only those', () => {
    const r = cli(['check', 'asyncio-shared-2-threads', 'asyncio-4-tasks', '--json', '--runs', '300', '--no-confirm']);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc.format).toBe('semverify/1');
    expect(validate(reportSchema, doc)).toEqual([]);
    // And the schema can fail: a field it does not know, a wrong format.
    expect(validate(reportSchema, { ...doc, format: 'semverify/0' })).toEqual(['$.format: expected "semverify/1"']);
    expect(validate(reportSchema, { ...doc, extra: 1 })).toEqual(['$.extra: not allowed']);
  });
});

describe('--reporter junit FILE', () => {
  const xmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;
  const file = join(tmp, 'junit.xml');
  const run = cli(['check', 'asyncio-shared-2-threads', 'asyncio-4-tasks', '--runs', '300', '--no-confirm', '--reporter', 'junit', file]);
  const xml = readFileSync(file, 'utf8');

  it('writes one testcase per scenario and property (plus the expectations), skipped where a property does not apply', () => {
    expect(run.status).toBe(0);
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"[^>]*skipped="(\d+)"/g)].map((m) => m.slice(1));
    // The 8 built-in properties and the expectations.
    expect(suites.map(([name, tests]) => [name, tests])).toEqual([
      ['asyncio-shared-2-threads', '9'],
      ['asyncio-4-tasks', '9'],
    ]);
    expect([...xml.matchAll(/<testcase /g)]).toHaveLength(18);
    // Every expectation met: no failure elements.
    expect(xml).not.toContain('<failure');
  });

  it.skipIf(!xmllint)('validates against the common JUnit XML schema (xmllint)', () => {
    const v = spawnSync('xmllint', ['--noout', '--schema', join(ROOT, 'test', 'fixtures', 'junit.xsd'), file], { encoding: 'utf8' });
    expect(v.stderr.trim()).toBe(`${file} validates`);
    expect(v.status).toBe(0);
  });

  it('a property whose verdict differs from the expectation is a failure with the replay command', () => {
    const failing = join(tmp, 'failing.xml');
    const r = cli(['check', 'test/fixtures/scenario-expects-too-much.json', '--runs', '200', '--no-confirm', '--reporter', 'junit', failing]);
    const out = readFileSync(failing, 'utf8');
    expect(r.status).toBe(1);
    expect(out).toMatch(
      /<testcase classname="semverify\.[^"]+" name="at-most-n" time="0">\s*<failure message="expected holds, violated in \d+ of \d+ runs" type="semverify">/,
    );
    expect(out).toContain('replay: npx semverify replay sv2.');
    if (xmllint) expect(spawnSync('xmllint', ['--noout', '--schema', join(ROOT, 'test', 'fixtures', 'junit.xsd'), failing]).status).toBe(0);
  });

  if (!xmllint) console.log('[schema] xmllint not installed (apt-get install libxml2-utils): JUnit schema validation skipped');
});
