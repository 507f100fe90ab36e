import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/contract/input-error.ts';
import { builtinScenarios, BUILTIN_ORDER, resolveScenario, scenariosIn } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { parseScenario } from '../src/scenario/validate.ts';
import { scenarioFromFile } from '../src/scenario/scenario-file.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'semverify-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function base(): Record<string, any> {
  return {
    id: 'x',
    title: 'base',
    semaphores: { sem: { kind: 'asyncio', value: 2 } },
    threads: [
      {
        name: 'T0',
        loop: true,
        tasks: [
          { name: 'A', ops: [{ op: 'hold', seconds: 1 }] },
          { name: 'B', ops: [{ op: 'acquire' }, { op: 'release' }] },
        ],
      },
      {
        name: 'T1',
        loop: true,
        tasks: [
          {
            name: 'C',
            ops: [
              { op: 'sleep', seconds: 0 },
              { op: 'hold', seconds: 1 },
            ],
          },
        ],
      },
    ],
  };
}

/** Apply `edit` to a fresh base scenario and return the InputError parseScenario throws. */
function errorOf(edit: (s: Record<string, any>) => void): InputError {
  const s = base();
  edit(s);
  try {
    parseScenario(s, 'scenarios/x.json');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseScenario accepts', () => {
  it('the base scenario unchanged', () => {
    expect(parseScenario(base(), 'x')).toEqual(base());
  });

  it('a YAML file using every op kind, declared cancellations and expectations', () => {
    const s = scenarioFromFile(join(FIXTURES, 'scenario-good.yaml'));
    expect(s.id).toBe('fixture-good');
    expect(s.semaphores.lock).toEqual({ kind: 'threading', value: 1, bounded: true });
    expect(s.threads[0]!.tasks[1]!.ops[1]).toEqual({ op: 'cancel', task: 'A' });
    expect(s.expect?.properties).toEqual({ 'at-most-n': 'holds', fifo: 'violated' });
    expect(s.explore).toEqual({ runs: 50 });
  });

  it('a threading semaphore inside a loop thread (it blocks the loop: a behaviour, not a mistake)', () => {
    const s = base();
    s.semaphores = { t: { kind: 'threading', value: 1 } };
    expect(() => parseScenario(s, 'x')).not.toThrow();
  });

  it('every built-in scenario, in the documented order', () => {
    const ids = builtinScenarios().map((s) => s.id);
    expect(ids.length).toBeGreaterThan(0);
    const known = ids.filter((id) => BUILTIN_ORDER.includes(id));
    expect(known).toEqual(BUILTIN_ORDER.filter((id) => ids.includes(id)));
  });
});

describe('parseScenario rejects, naming the field', () => {
  const cases: [string, (s: Record<string, any>) => void, string, RegExp][] = [
    ['a string for seconds', (s) => (s.threads[1].tasks[0].ops[1].seconds = '1'), 'threads[1].tasks[0].ops[1].seconds', /expected a number >= 0.*got "1"/],
    ['negative seconds', (s) => (s.threads[0].tasks[0].ops[0].seconds = -1), 'threads[0].tasks[0].ops[0].seconds', /got -1/],
    ['seconds above 1e6', (s) => (s.threads[0].tasks[0].ops[0].seconds = 1e7), 'threads[0].tasks[0].ops[0].seconds', /<= 1000000/],
    ['missing seconds', (s) => delete s.threads[0].tasks[0].ops[0].seconds, 'threads[0].tasks[0].ops[0].seconds', /missing/],
    [
      'an unknown key (typo)',
      (s) => (s.threads[0].tasks[0].ops[0].secnds = 1),
      'threads[0].tasks[0].ops[0].secnds',
      /unknown key \(did you mean "seconds"\?\)/,
    ],
    ['an unknown top-level key', (s) => (s.expects = {}), 'expects', /did you mean "expect"/],
    ['an unknown op', (s) => (s.threads[0].tasks[0].ops[0] = { op: 'hodl', seconds: 1 }), 'threads[0].tasks[0].ops[0].op', /expected one of/],
    ['a missing op', (s) => (s.threads[0].tasks[0].ops[0] = { seconds: 1 }), 'threads[0].tasks[0].ops[0].op', /missing/],
    ['a key of another op', (s) => (s.threads[0].tasks[0].ops[0] = { op: 'sleep', seconds: 1, sem: 'sem' }), 'threads[0].tasks[0].ops[0].sem', /unknown key/],
    ['a duplicate thread name', (s) => (s.threads[1].name = 'T0'), 'threads[1].name', /duplicate thread name "T0"/],
    ['a duplicate task name across threads', (s) => (s.threads[1].tasks[0].name = 'A'), 'threads[1].tasks[0].name', /duplicate task name "A"/],
    ['an empty thread name', (s) => (s.threads[0].name = ''), 'threads[0].name', /non-empty/],
    ['a non-string task name', (s) => (s.threads[0].tasks[0].name = 3), 'threads[0].tasks[0].name', /got 3/],
    ['the reserved thread name clock', (s) => (s.threads[0].name = 'clock'), 'threads[0].name', /reserved/],
    ['an unknown semaphore', (s) => (s.threads[0].tasks[1].ops[0].sem = 'nope'), 'threads[0].tasks[1].ops[0].sem', /unknown semaphore "nope"/],
    [
      'an omitted sem with two semaphores',
      (s) => (s.semaphores.other = { kind: 'asyncio', value: 1 }),
      'threads[0].tasks[0].ops[0].sem',
      /required when more than one semaphore/,
    ],
    ['an asyncio semaphore in a plain thread', (s) => (s.threads[1].loop = false), 'threads[1].tasks[0].ops[1].sem', /no event loop/],
    [
      "a cancel of another thread's task",
      (s) => s.threads[0].tasks[1].ops.push({ op: 'cancel', task: 'C' }),
      'threads[0].tasks[1].ops[2].task',
      /unknown task "C" in thread "T0"/,
    ],
    [
      'a cancel in a plain thread',
      (s) => {
        s.semaphores.sem.kind = 'threading';
        s.threads[0].loop = false;
        s.threads[0].tasks[1].ops.push({ op: 'cancel', task: 'A' });
      },
      'threads[0].tasks[1].ops[2].task',
      /loop: false/,
    ],
    ['a declared cancellation of an unknown task', (s) => (s.cancellations = [{ task: 'Z' }]), 'cancellations[0].task', /unknown task "Z"/],
    [
      'a declared cancellation of a plain-thread task',
      (s) => {
        s.semaphores.sem.kind = 'threading';
        s.threads[1].loop = false;
        s.cancellations = [{ task: 'C' }];
      },
      'cancellations[0].task',
      /no event loop/,
    ],
    [
      'repeat.times 0',
      (s) => (s.threads[0].tasks[0].ops[0] = { op: 'repeat', times: 0, body: [] }),
      'threads[0].tasks[0].ops[0].times',
      /integer from 1 to 1000/,
    ],
    ['repeat.times 1.5', (s) => (s.threads[0].tasks[0].ops[0] = { op: 'repeat', times: 1.5, body: [] }), 'threads[0].tasks[0].ops[0].times', /got 1.5/],
    [
      'a bad op nested in a with body',
      (s) => (s.threads[0].tasks[0].ops[0] = { op: 'with', body: [{ op: 'sleep', seconds: null }] }),
      'threads[0].tasks[0].ops[0].body[0].seconds',
      /got null/,
    ],
    ['a with without body', (s) => (s.threads[0].tasks[0].ops[0] = { op: 'with' }), 'threads[0].tasks[0].ops[0].body', /missing/],
    ['a fractional semaphore value', (s) => (s.semaphores.sem.value = 1.5), 'semaphores.sem.value', /integer from 0 to 1000/],
    ['a semaphore value above 1000', (s) => (s.semaphores.sem.value = 1001), 'semaphores.sem.value', /got 1001/],
    ['an unknown semaphore kind', (s) => (s.semaphores.sem.kind = 'multiprocessing'), 'semaphores.sem.kind', /"asyncio", "threading"/],
    ['an unknown scope', (s) => (s.semaphores.sem.scope = 'global'), 'semaphores.sem.scope', /"shared", "per-thread"/],
    ['a non-boolean bounded', (s) => (s.semaphores.sem.bounded = 'yes'), 'semaphores.sem.bounded', /true or false/],
    ['no semaphores', (s) => (s.semaphores = {}), 'semaphores', /at least one/],
    ['no threads', (s) => (s.threads = []), 'threads', /non-empty/],
    ['a non-boolean loop', (s) => (s.threads[0].loop = 1), 'threads[0].loop', /true or false/],
    ['a bad property verdict', (s) => (s.expect = { properties: { 'at-most-n': 'maybe' } }), 'expect.properties["at-most-n"]', /"holds", "violated"/],
    ['a bad makespan', (s) => (s.expect = { makespan: { equals: 'two' } }), 'expect.makespan.equals', /got "two"/],
    ['a negative maxConcurrent', (s) => (s.expect = { maxConcurrent: -1 }), 'expect.maxConcurrent', /got -1/],
    ['explore.runs 0', (s) => (s.explore = { runs: 0 }), 'explore.runs', /got 0/],
    ['a missing title', (s) => delete s.title, 'title', /missing/],
    ['a non-object op', (s) => (s.threads[0].tasks[0].ops[0] = 'hold'), 'threads[0].tasks[0].ops[0]', /expected an object, got "hold"/],
  ];

  it.each(cases)('%s', (_what, edit, field, problem) => {
    const e = errorOf(edit);
    expect(e.field).toBe(field);
    expect(e.problem).toMatch(problem);
    expect(e.message).toBe(`scenarios/x.json: ${field}: ${e.problem}`);
  });

  it('a document that is not an object', () => {
    expect(() => parseScenario([], 'f.json')).toThrow(/^f\.json: \(top level\): expected an object, got an array$/);
  });
});

describe('the scenario language: spawn, record, await, timeouts, blocking, release(n), cancel(msg), records, parked', () => {
  /** One loop thread (asyncio `a`) and one plain thread (threading `t`), every new op used once. */
  function language(): Record<string, any> {
    return {
      id: 'lang',
      title: 'every op',
      semaphores: { a: { kind: 'asyncio', value: 1 }, t: { kind: 'threading', value: 2 } },
      threads: [
        {
          name: 'L',
          loop: true,
          tasks: [
            {
              name: 'c1',
              ops: [
                { op: 'acquire', sem: 'a', timeout: 0.5 },
                {
                  op: 'spawn',
                  task: {
                    name: 'c4',
                    ops: [
                      { op: 'record', tag: '4' },
                      { op: 'spawn', task: { name: 'c5', ops: [] } },
                    ],
                  },
                },
                { op: 'await', task: 'c5' },
                { op: 'record', tag: '1' },
              ],
            },
            { name: 'c2', ops: [{ op: 'cancel', task: 'c4', msg: 'why' }] },
          ],
        },
        {
          name: 'P',
          loop: false,
          tasks: [
            {
              name: 'p',
              ops: [
                { op: 'acquire', sem: 't', blocking: false },
                { op: 'release', sem: 't', n: 2 },
              ],
            },
          ],
        },
      ],
      cancellations: [{ task: 'c5' }],
      expect: { records: ['1', '4'], parked: ['c4', 'P'] },
    };
  }

  it('accepts every new op, with spawned tasks (at any depth) cancellable, awaitable and declared parked', () => {
    expect(parseScenario(language(), 'x')).toEqual(language());
  });

  const rejects: [string, (s: Record<string, any>) => void, string, RegExp][] = [
    [
      'blocking on an asyncio semaphore',
      (s) => (s.threads[0].tasks[0].ops[0] = { op: 'acquire', sem: 'a', blocking: false }),
      'threads[0].tasks[0].ops[0].blocking',
      /no blocking argument/,
    ],
    ['a timeout with blocking false', (s) => (s.threads[1].tasks[0].ops[0].timeout = 1), 'threads[1].tasks[0].ops[0].timeout', /non-blocking.*ValueError/],
    ['a negative timeout', (s) => (s.threads[0].tasks[0].ops[0].timeout = -1), 'threads[0].tasks[0].ops[0].timeout', /got -1/],
    [
      'release(n) of an asyncio semaphore',
      (s) => (s.threads[0].tasks[1].ops[0] = { op: 'release', sem: 'a', n: 2 }),
      'threads[0].tasks[1].ops[0].n',
      /takes no n/,
    ],
    ['release(0)', (s) => (s.threads[1].tasks[0].ops[1].n = 0), 'threads[1].tasks[0].ops[1].n', /integer from 1/],
    [
      'a spawn in a plain thread',
      (s) => s.threads[1].tasks[0].ops.push({ op: 'spawn', task: { name: 'z', ops: [] } }),
      'threads[1].tasks[0].ops[2].task',
      /loop: false/,
    ],
    [
      'a spawn inside a repeat',
      (s) => s.threads[0].tasks[1].ops.push({ op: 'repeat', times: 2, body: [{ op: 'spawn', task: { name: 'z', ops: [] } }] }),
      'threads[0].tasks[1].ops[1].body[0].task.name',
      /more than once/,
    ],
    [
      'a spawned name taken by a declared task',
      (s) => (s.threads[0].tasks[0].ops[1].task.ops[1].task.name = 'c2'),
      'threads[0].tasks[0].ops[1].task.ops[1].task.name',
      /duplicate task name "c2"/,
    ],
    ['a spawn without a task', (s) => (s.threads[0].tasks[0].ops[1] = { op: 'spawn' }), 'threads[0].tasks[0].ops[1].task', /missing/],
    ['an await of itself', (s) => (s.threads[0].tasks[0].ops[2].task = 'c1'), 'threads[0].tasks[0].ops[2].task', /wait for itself/],
    ['an await of an unknown task', (s) => (s.threads[0].tasks[0].ops[2].task = 'p'), 'threads[0].tasks[0].ops[2].task', /unknown task "p" in thread "L"/],
    ['an await in a plain thread', (s) => s.threads[1].tasks[0].ops.push({ op: 'await', task: 'c1' }), 'threads[1].tasks[0].ops[2].task', /loop: false/],
    ['a record without a tag', (s) => (s.threads[0].tasks[0].ops[3] = { op: 'record' }), 'threads[0].tasks[0].ops[3].tag', /missing/],
    ['an empty tag', (s) => (s.threads[0].tasks[0].ops[3].tag = ''), 'threads[0].tasks[0].ops[3].tag', /non-empty/],
    ['a non-string cancel msg', (s) => (s.threads[0].tasks[1].ops[0].msg = 3), 'threads[0].tasks[1].ops[0].msg', /got 3/],
    ['a non-string record expected', (s) => (s.expect.records = ['1', 4]), 'expect.records[1]', /got 4/],
    ['parked naming nobody', (s) => (s.expect.parked = ['ghost']), 'expect.parked[0]', /unknown task "ghost".*plain thread \(P\)/],
    ['records in a version block', (s) => (s.expect.versions = { '3.9': { records: ['1'] } }), 'expect.versions["3.9"].records', /the same for every version/],
  ];

  it.each(rejects)('rejects %s, naming the field', (_what, edit, field, problem) => {
    const s = language();
    edit(s);
    let error: InputError | undefined;
    try {
      parseScenario(s, 'lang.json');
    } catch (e) {
      error = e as InputError;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error!.field).toBe(field);
    expect(error!.problem).toMatch(problem);
    expect(error!.message).not.toContain('\n');
  });
});

describe('scenarioFromFile', () => {
  it('reports a bad field with the file and the field path', () => {
    expect(() => scenarioFromFile(join(FIXTURES, 'scenario-bad-field.json'), 'scenario-bad-field.json')).toThrow(
      'scenario-bad-field.json: threads[1].tasks[0].ops[2].seconds: expected a number >= 0 and <= 1000000, got "1"',
    );
  });

  it('reports a missing file', () => {
    const e = (() => {
      try {
        scenarioFromFile(join(tmp, 'missing.json'), 'missing.json');
      } catch (err) {
        return err as InputError;
      }
    })();
    expect(e).toBeInstanceOf(InputError);
    expect(e!.message).toBe('missing.json: file not found');
  });

  it('reports invalid JSON with line and column', () => {
    const path = join(tmp, 'broken.json');
    writeFileSync(path, '{\n  "id": "x",\n  "title": }\n');
    expect(() => scenarioFromFile(path, 'broken.json')).toThrow('broken.json: invalid JSON: unexpected "}" at line 3, column 12');
  });

  it('reports invalid YAML on one line', () => {
    const path = join(tmp, 'broken.yaml');
    writeFileSync(path, 'id: x\nid: y\n');
    let message = '';
    try {
      scenarioFromFile(path, 'broken.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^broken\.yaml: invalid YAML: /);
    expect(message).not.toContain('\n');
  });

  it('rejects other file types', () => {
    expect(() => scenarioFromFile(join(tmp, 'x.toml'), 'x.toml')).toThrow(/unsupported file type ".toml"/);
  });
});

describe('resolveScenario and scenariosIn', () => {
  const scenarios: Scenario[] = [parseScenario({ ...base(), id: 'one' }, 'a'), parseScenario({ ...base(), id: 'two' }, 'b')];

  it('finds a known id', () => {
    expect(resolveScenario('two', scenarios).id).toBe('two');
  });

  it('loads an existing file', () => {
    expect(resolveScenario(join(FIXTURES, 'scenario-good.yaml'), scenarios).id).toBe('fixture-good');
  });

  it('names the unknown id and lists the known ones', () => {
    expect(() => resolveScenario('three', scenarios)).toThrow("scenario: unknown scenario id 'three' (known: one, two)");
  });

  it('says "file not found" for something that looks like a path', () => {
    expect(() => resolveScenario('nowhere/x.json', scenarios)).toThrow('nowhere/x.json: file not found');
  });

  it('orders by numeric prefix, then by the built-in order, then by name, and rejects duplicate ids', () => {
    const dir = join(tmp, 'order');
    mkdirSync(dir);
    const write = (file: string, id: string) => writeFileSync(join(dir, file), JSON.stringify({ ...base(), id }));
    write('zeta.json', 'zeta');
    write('alpha.json', 'alpha');
    write('10-late.json', 'late');
    write('2-early.json', 'early');
    write('threading.json', 'threading-shared');
    write('notes.txt', 'ignored');
    expect(scenariosIn(dir).map((s) => s.id)).toEqual(['early', 'late', 'threading-shared', 'alpha', 'zeta']);
    write('dup.json', 'alpha');
    expect(() => scenariosIn(dir)).toThrow(/duplicate scenario id "alpha"/);
  });
});
