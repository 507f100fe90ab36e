/**
 * semverify inside a user's project (test/fixtures/project/): its config file's property on every
 * scenario and its tokens replayed from the config, a TypeScript implementation registered there
 * (checked, marked "no reference interpreter"), unknown implementations refused with the known
 * ones, saved failures replayed first by the next check, and the JUnit report.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'semverify.js');
let project = '';

function cli(args: string[], opts: { cwd?: string; save?: boolean } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--no-progress'], {
    cwd: opts.cwd ?? project,
    encoding: 'utf8',
    timeout: 120_000,
    // The suite turns saved failures off (vitest.config.ts); these tests turn them on where they test them.
    env: { ...process.env, SEMVERIFY_SAVE: opts.save === true ? '1' : '0', NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Doc {
  format: string;
  scenarios: {
    id: string;
    impl?: string;
    properties: { name: string; status: string }[];
    outcomes: { kind: string; minimal: { replay: string; confirmation?: { status: string; detail: string } } | null }[];
    savedFailures?: { kind: string; status: string; file: string }[];
  }[];
}

beforeAll(() => {
  // A copy, so that saved failures land in a directory of the test's own.
  project = mkdtempSync(join(tmpdir(), 'semverify-project-'));
  cpSync(join(ROOT, 'test', 'fixtures', 'project'), project, { recursive: true, verbatimSymlinks: true, filter: (src) => !src.includes('node_modules') });
  // `import ... from 'semverify'` in the config's implementation resolves to this checkout's build.
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules', 'semverify'), 'dir');
}, 30_000);

afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

describe('a config file', () => {
  let doc: Doc;
  beforeAll(() => {
    // `semverify` alone checks the config's scenarios.
    const r = cli(['--json', '--no-confirm']);
    expect(r.stderr).toBe('');
    doc = JSON.parse(r.stdout) as Doc;
  });

  it("`semverify` alone checks the config's scenarios, each judged by the config's property too", () => {
    expect(doc.scenarios.map((s) => s.id)).toEqual(['racy-2-threads', 'stdlib-3-threads']);
    for (const s of doc.scenarios) expect(s.properties.map((p) => p.name)).toContain('ends-within-2s');
    // Three 1-second holders of one permit take 3 s: the config's property is violated there.
    expect(doc.scenarios[1]!.properties.find((p) => p.name === 'ends-within-2s')!.status).toBe('violated');
  });

  it("a token found by the config's property replays as a violation where the config is, and is refused in one line elsewhere", () => {
    const slow = doc.scenarios[1]!.outcomes.find((o) => o.kind === 'slow')!.minimal!.replay;
    const here = cli(['replay', slow]);
    expect(here.status).toBe(1);
    expect(here.stdout).toContain('ends-within-2s (slow): ends at t=3s');
    const elsewhere = cli(['replay', slow], { cwd: tmpdir() });
    expect(elsewhere.status).toBe(2);
    expect(elsewhere.stderr.trim().split('\n')).toHaveLength(1);
    expect(elsewhere.stderr).toMatch(/^semverify: token: this counterexample was found by property "ends-within-2s", which is not loaded here/);
  });

  it('check takes several scenarios at once: a directory (every scenario file below it), a glob, an id', () => {
    const r = cli(['check', 'scenarios', 'scenarios/stdlib-*.json', 'asyncio-4-tasks', '--json', '--no-confirm', '--runs', '50']);
    // Each scenario once, in the order named.
    expect((JSON.parse(r.stdout) as Doc).scenarios.map((s) => s.id)).toEqual(['racy-2-threads', 'stdlib-3-threads', 'asyncio-4-tasks']);
    const none = cli(['check', 'scenarios/*.yaml']);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe('semverify: scenarios/*.yaml: matches no scenario file\n');
  });

  it('list shows the config scenarios before the built-ins', () => {
    const r = cli(['list']);
    expect(
      r.stdout
        .split('\n')
        .slice(0, 3)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['racy-2-threads', 'stdlib-3-threads', 'asyncio-4-tasks']);
  });

  it('a bad config is one line naming the file and the field, exit 2', () => {
    const bad = mkdtempSync(join(tmpdir(), 'semverify-badconfig-'));
    writeFileSync(join(bad, 'semverify.config.json'), JSON.stringify({ defaults: { runs: 'many' } }));
    const r = cli(['list'], { cwd: bad });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^semverify: .*semverify\.config\.json: defaults\.runs: expected an integer/);
    rmSync(bad, { recursive: true, force: true });
  });
});

describe('a TypeScript implementation registered in the config', () => {
  it("is checked by the simulation, its race found and explained, its counterexamples marked 'no reference interpreter'", () => {
    const r = cli(['check', 'racy-2-threads', '--json']);
    const s = (JSON.parse(r.stdout) as Doc).scenarios[0]!;
    expect(s.impl).toBe('racy-sem');
    const over = s.outcomes.find((o) => o.kind === 'over-admission')!.minimal!;
    expect(over.confirmation).toMatchObject({ status: 'no-reference' });
    expect(over.confirmation!.detail).toMatch(/^no reference interpreter: racy-sem is a TypeScript implementation/);
    expect(r.status).toBe(0);
  });

  it('an unknown impl is exit 2 naming the known ones, the registered one among them', () => {
    const file = join(project, 'unknown-impl.json');
    const racy = JSON.parse(readFileSync(join(project, 'scenarios', 'racy-2-threads.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...racy, id: 'unknown', impl: 'racy-semaphore' }));
    const r = cli(['check', 'unknown-impl.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^semverify: unknown-impl\.json: impl: expected one of .*"cpython-3\.13", "racy-sem", got "racy-semaphore"$/m);
  });
});

describe('saved failures', () => {
  it('a check saves its counterexamples; the next check of that scenario replays them first and says they still fail', () => {
    const first = cli(['check', 'racy-2-threads', '--json', '--no-confirm'], { save: true });
    expect((JSON.parse(first.stdout) as Doc).scenarios[0]!.savedFailures).toBeUndefined();
    const dir = join(project, '.semverify', 'failures', 'racy-2-threads');
    expect(readdirSync(dir).sort()).toEqual(['nonconformance.json', 'over-admission.json']);
    const saved = JSON.parse(readFileSync(join(dir, 'over-admission.json'), 'utf8')) as { token: string; kind: string };
    expect(saved.kind).toBe('over-admission');

    const second = cli(['check', 'racy-2-threads', '--no-confirm'], { save: true });
    expect(second.stdout).toMatch(/saved failures, replayed first\n\s+nonconformance\s+still fails[^\n]*\n\s+over-admission\s+still fails \(over-admission/);
    const third = cli(['check', 'racy-2-threads', '--json', '--no-confirm'], { save: true });
    expect((JSON.parse(third.stdout) as Doc).scenarios[0]!.savedFailures).toEqual([
      {
        kind: 'nonconformance',
        file: '.semverify/failures/racy-2-threads/nonconformance.json',
        status: 'still-fails',
        kinds: ['over-admission', 'nonconformance'],
      },
      {
        kind: 'over-admission',
        file: '.semverify/failures/racy-2-threads/over-admission.json',
        status: 'still-fails',
        kinds: ['over-admission', 'nonconformance'],
      },
    ]);
  });

  it('one that no longer fails is said so and removed; --no-save neither reads nor writes', () => {
    const dir = join(project, '.semverify', 'failures', 'stdlib-3-threads');
    // Saved by hand: the racy scenario's over-admission token, filed under a scenario it does not belong to, is "changed".
    cli(['check', 'stdlib-3-threads', '--no-confirm'], { save: true });
    expect(existsSync(join(dir, 'slow.json'))).toBe(true);
    const noSave = cli(['check', 'stdlib-3-threads', '--no-confirm', '--no-save'], { save: true });
    expect(noSave.stdout).not.toContain('saved failures');
    // The same scenario with a laxer property: the saved run no longer fails it.
    const config = readFileSync(join(project, 'semverify.config.mjs'), 'utf8');
    writeFileSync(join(project, 'semverify.config.mjs'), config.replace('view.run.endTime > 2', 'view.run.endTime > 5'));
    try {
      const r = cli(['check', 'stdlib-3-threads', '--no-confirm'], { save: true });
      expect(r.stdout).toMatch(/slow\s+no longer fails \(ok\): removed/);
      expect(existsSync(join(dir, 'slow.json'))).toBe(false);
    } finally {
      writeFileSync(join(project, 'semverify.config.mjs'), config);
    }
  });
});
