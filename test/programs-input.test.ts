/**
 * What crosses into semverify about a program (docs/programs.md), checked before anything believes
 * it, with no interpreter: the harness's reply for a program's run (its threads declared, every
 * name in it one of them), program tokens (the program by path and digest, no scenario, refused
 * where they cannot run), and the program's expectations from its sidecar file and the command line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProtocolError, progressReader, readRunReply } from '../src/backends/cpython/reply.ts';
import { parseCheckFlags } from '../src/cli/flags.ts';
import { programToRun } from '../src/explore/token-use.ts';
import { decodeToken, encodeToken, parseReplayToken } from '../src/explore/token.ts';
import { digestOf, docstringTitle, loadProgram } from '../src/program/load.ts';
import { programScenario } from '../src/program/spec.ts';
import { inputErrorOf, thrownBy } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'semverify-program-input-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const spec = { path: '/work/p.py', digest: digestOf(Buffer.from('print(1)\n')), args: ['0.1'] };
const scenario = programScenario(spec);

const protocolError = (f: () => unknown): ProtocolError => thrownBy(ProtocolError, f);

describe("a program run's reply", () => {
  const event = { seq: 0, step: 3, time: 0, thread: 'T0', loop: 'loop@T0', task: 'Task-1', sem: 'sem', kind: 'acquire', op: 'acquire' };
  const result = (extra: Record<string, unknown>) => ({
    ok: true,
    result: { status: 'completed', history: [event], trace: [], semaphores: [], endTime: 0, steps: 3, schedule: [], threads: ['main', 'T0'], ...extra },
  });

  it('declares its threads, main first, and names no other', () => {
    const { result: r } = readRunReply(result({ output: 'hi\n' }), scenario, true);
    expect(r.threads).toEqual(['main', 'T0']);
    expect(r.output).toBe('hi\n');
    expect(protocolError(() => readRunReply(result({ threads: ['main'] }), scenario, true)).field).toBe('result.history[0].thread');
    expect(protocolError(() => readRunReply(result({ threads: ['T0', 'main'] }), scenario, true)).field).toBe('result.threads[0]');
    expect(protocolError(() => readRunReply(result({ threads: ['main', 'T0', 'T0'] }), scenario, true)).problem).toBe('thread "T0" declared twice');
    expect(protocolError(() => readRunReply(result({ threads: ['main', 'clock'] }), scenario, true)).field).toBe('result.threads[1]');
    // A scenario's run starts no threads of its own.
    expect(protocolError(() => readRunReply(result({}), { ...scenario, threads: [{ name: 'T0', loop: true, tasks: [] }] })).field).toBe('result.threads');
  });

  it('fails as `uncontrolled` with what was reached, one of the contract`s', () => {
    const failed = (what: string) =>
      result({
        status: 'error',
        history: [],
        failure: { kind: 'uncontrolled', what },
        detail: 'the program starts another process (p.py:4: subprocess.Popen)',
      });
    expect(readRunReply(failed('subprocess'), scenario, true).result.failure).toEqual({ kind: 'uncontrolled', what: 'subprocess' });
    expect(protocolError(() => readRunReply(failed('the network'), scenario, true)).field).toBe('result.failure.what');
  });

  it('tells a thread before anything names it, while the run is in flight', () => {
    const read = progressReader(scenario, true);
    const deviation = { progress: 'deviation', step: 5, time: 0, value: { kind: 'delay', thread: 'T0', label: 'p.py:f:3', occ: 1 } };
    expect(protocolError(() => read(deviation)).field).toBe('value.thread');
    expect(read({ progress: 'thread', step: 4, time: 0, value: 'T0' })).toMatchObject({ kind: 'thread', thread: 'T0' });
    expect(read(deviation)).toMatchObject({ kind: 'deviation' });
    expect(protocolError(() => progressReader(scenario)({ progress: 'thread', step: 4, time: 0, value: 'T1' })).problem).toBe(
      'a scenario run starts no threads',
    );
  });
});

describe('program tokens', () => {
  const base = {
    v: 2 as const,
    backend: 'cpython' as const,
    model: 'gil' as const,
    schedule: [{ kind: 'delay' as const, thread: 'T0', label: 'p.py:f:3', occ: 1 }],
  };

  it('name the program by path and digest, carry no scenario, and read back with its description', () => {
    const text = encodeToken({ ...base, program: spec, scenario });
    const t = decodeToken(text);
    expect(t.program).toEqual(spec);
    expect(t.scenario).toEqual(scenario);
    expect(t.schedule).toEqual(base.schedule);
    expect(inputErrorOf(() => parseReplayToken({ ...base, program: spec, scenario })).problem).toMatch(
      /^program: a token replays a scenario or a program, not both/,
    );
    expect(inputErrorOf(() => parseReplayToken({ ...base, backend: 'sim', program: spec })).problem).toMatch(
      /^program: only a cpython token can carry a program/,
    );
    expect(inputErrorOf(() => parseReplayToken({ ...base, program: { ...spec, path: 'p.py' } })).problem).toBe('program.path: expected an absolute path');
    expect(inputErrorOf(() => parseReplayToken({ ...base, program: { ...spec, digest: 'abc' } })).problem).toMatch(
      /^program\.digest: expected a SHA-256 digest/,
    );
  });

  it('run only the program the command line names, with the same content, and the token`s arguments', () => {
    const t = decodeToken(encodeToken({ ...base, program: spec, scenario }));
    expect(inputErrorOf(() => programToRun(t, undefined)).field).toBe('token');
    expect(inputErrorOf(() => programToRun(t, { ...spec, digest: digestOf(Buffer.from('print(2)\n')) })).field).toBe('--program');
    expect(programToRun(t, { ...spec, path: '/moved/p.py', args: [] })).toEqual({ path: '/moved/p.py', digest: spec.digest, args: ['0.1'] });
  });
});

describe("a program's expectations", () => {
  it('come from its sidecar file, validated like a scenario`s, and the command line overrides them', () => {
    const script = join(tmp, 'demo.py');
    writeFileSync(script, '#!/usr/bin/env python3\n"""\nTwo threads, one lock.\n\nMore.\n"""\nprint(1)\n');
    expect(loadProgram(script, undefined).scenario).toMatchObject({ id: 'demo.py', title: 'Two threads, one lock.', semaphores: {}, threads: [] });
    writeFileSync(join(tmp, 'demo.semverify.json'), JSON.stringify({ expect: { properties: { 'at-most-n': 'violated' }, reachable: ['hang'] }, args: ['2'] }));
    const loaded = loadProgram(script, undefined, { properties: { fifo: 'any' } });
    expect(loaded.scenario.expect).toEqual({ properties: { 'at-most-n': 'violated', fifo: 'any' }, reachable: ['hang'] });
    expect(loaded.spec.args).toEqual(['2']);
    expect(loadProgram(script, ['3']).spec.args).toEqual(['3']);
    writeFileSync(join(tmp, 'demo.semverify.json'), JSON.stringify({ expect: { properties: { 'at-most-n': 'sometimes' } } }));
    const e = inputErrorOf(() => loadProgram(script, undefined));
    expect([e.source, e.field]).toEqual([join(tmp, 'demo.semverify.json'), 'expect.properties["at-most-n"]']);
    expect(docstringTitle("'''single quotes'''")).toBe('single quotes');
    expect(docstringTitle('x = 1\n"""not a docstring"""')).toBeUndefined();
  });

  it('--expect and --reachable apply to programs only; a program runs on cpython only', () => {
    expect(parseCheckFlags({ expect: ['at-most-n=violated'], reachable: 'over-admission, hang' }, true).expect).toEqual({
      properties: { 'at-most-n': 'violated' },
      reachable: ['over-admission', 'hang'],
    });
    expect(parseCheckFlags({}, true).backend).toBe('cpython');
    expect(inputErrorOf(() => parseCheckFlags({ expect: ['at-most-n'] }, true)).field).toBe('--expect');
    expect(inputErrorOf(() => parseCheckFlags({ expect: ['at-most-n=maybe'] }, true)).field).toBe('--expect');
    expect(inputErrorOf(() => parseCheckFlags({ reachable: 'hang' })).problem).toMatch(/applies to a program \(\.py\) only/);
    expect(inputErrorOf(() => parseCheckFlags({ backend: 'sim' }, true)).field).toBe('--backend');
    expect(inputErrorOf(() => parseCheckFlags({ target: 'm:C' }, true)).field).toBe('--target');
  });
});
