/**
 * `semverify/vitest` used from a user's test suite (a nested vitest run in a temp project that
 * imports the built package): itHolds passes and fails with the counterexample; test.schedules
 * fails with the column trace, the token and the one command that replays it, and that command
 * reproduces exactly that run. Also: only the helper imports vitest.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'semverify-vitest-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

function vitest(file: string, env: Record<string, string> = {}, args: string[] = []) {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', project, file, ...args], {
    cwd: project,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

beforeAll(() => {
  mkdirSync(join(project, 'node_modules'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  symlinkSync(ROOT, join(project, 'node_modules', 'semverify'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'), 'dir');
  writeFileSync(
    join(project, 'sem.test.ts'),
    `import { expect } from 'vitest';
import { itHolds, test } from 'semverify/vitest';

itHolds('asyncio-4-tasks', 'at-most-n', { runs: 50 });
itHolds('asyncio-shared-2-threads', 'at-most-n', { runs: 200 });
test.schedules('asyncio-4-tasks', { runs: 50 })('every run ends by 2 s', (view) => {
  expect(view.run.endTime).toBeLessThanOrEqual(2);
});
test.schedules('threading-shared', { runs: 200 })('every run ends by 5 s', (view) => {
  expect(view.run.endTime).toBeLessThanOrEqual(5);
});
`,
  );
});

describe('semverify/vitest', () => {
  let run: { status: number | null; out: string };
  beforeAll(() => {
    run = vitest('sem.test.ts');
  }, 180_000);

  it('itHolds passes where the property holds, and fails with the counterexample and `npx semverify replay <token>` where not', () => {
    expect(run.out).toMatch(/✓ asyncio-4-tasks: at-most-n holds/);
    expect(run.out).toMatch(/× asyncio-shared-2-threads: at-most-n holds/);
    expect(run.out).toMatch(/asyncio-shared-2-threads: at-most-n violated in \d+ of \d+ runs; the minimal run:/);
    expect(run.out).toMatch(/replay: npx semverify replay sv2\.\S+/);
  });

  it('test.schedules fails with the column trace, the token and the one command that replays it', () => {
    expect(run.out).toMatch(/✓ every run ends by 2 s/);
    expect(run.out).toMatch(/threading-shared: "every run ends by 5 s" fails in \d+ of \d+ runs; the minimal one:/);
    // The column trace: a header naming the threads, then rows.
    expect(run.out).toMatch(/step\s+time\s+│ T0\s+│ T1\s+│ T2/);
    expect(run.out).toMatch(/token: sv2\.\S+/);
    expect(run.status).toBe(1);
  });

  it('the printed command replays exactly that run: it fails again alone', () => {
    const command = /replay: SEMVERIFY_REPLAY=(sv2\.\S+) npx vitest run (\S+) -t "every run ends by 5 s"/.exec(run.out);
    expect(command).not.toBeNull();
    const again = vitest('sem.test.ts', { SEMVERIFY_REPLAY: command![1]! }, ['-t', 'every run ends by 5 s']);
    expect(again.out).toMatch(/× every run ends by 5 s/);
    expect(again.out).toMatch(/SEMVERIFY_REPLAY of threading-shared/);
    expect(again.out).toMatch(/step \d+: expected 6 to be less than or equal to 5/);
    expect(again.out).toMatch(/Tests\s+1 failed \| 3 skipped/);
  });
});

describe('dependencies', () => {
  it('nothing the package runs imports vitest or @fast-check/vitest, except the semverify/vitest entry', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(join(ROOT, dir))) {
        const rel = join(dir, name);
        if (statSync(join(ROOT, rel)).isDirectory()) walk(rel);
        else if (rel.endsWith('.ts') && !rel.startsWith(join('src', 'vitest'))) {
          if (/from ['"](vitest|@fast-check\/vitest)['"]/.test(readFileSync(join(ROOT, rel), 'utf8'))) offenders.push(rel);
        }
      }
    };
    for (const d of ['src', 'properties', 'models']) walk(d);
    expect(offenders).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys(pkg.dependencies!)).not.toContain('vitest');
    expect(Object.keys(pkg.devDependencies!)).toEqual(expect.arrayContaining(['vitest', '@fast-check/vitest', 'tsx']));
    expect(pkg.peerDependenciesMeta).toEqual({ vitest: { optional: true } });
  });
});
