/**
 * semverify used from someone else's project, as a user gets it: `npm pack`, install the tarball
 * into a fresh directory (dependencies from the registry or npm's cache), then import the
 * library, type-check against its declarations, and run the installed bin. One pack, one
 * install for the whole file: this is the slow part of the suite.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
let dir = '';
let project = '';
let installError = '';

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, ...env } });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'semverify-pack-'));
  // The build is the suite's (test/global-setup.ts): pack without running it again.
  const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], ROOT);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (pack.status !== 0 || tarball === undefined) {
    installError = `npm pack failed: ${pack.stderr}`;
    return;
  }
  project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', type: 'module', private: true }));
  const install = run('npm', ['install', join(dir, tarball), '--no-audit', '--no-fund', '--prefer-offline'], project);
  if (install.status !== 0) installError = `npm install failed: ${install.stderr.split('\n').slice(-5).join('\n')}`;
}, 240_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const USER_PROPERTY = `
const neverFour = defineProperty({
  name: 'never-four-acquired',
  description: 'no more than 3 acquisitions complete in a run',
  check: (view) => {
    const acquired = view.history.filter((e) => e.kind === 'acquired');
    return acquired.length > 3
      ? [{ property: 'never-four-acquired', outcome: 'too-many', step: acquired[3].step, message: 'a fourth acquisition' }]
      : [];
  },
  outcomes: ['too-many'],
});`;

describe('the packed package, installed into a fresh project', () => {
  it('installs with its runtime dependencies only: no vitest, no tsx, no typescript', () => {
    expect(installError).toBe('');
    const installed = readdirSync(join(project, 'node_modules'));
    expect(installed).toContain('semverify');
    for (const dev of ['vitest', '@fast-check', 'tsx', 'typescript', '@vitest', 'vite']) expect(installed).not.toContain(dev);
    // Built JavaScript and declarations, the harness beside them; no TypeScript sources.
    const pkg = join(project, 'node_modules', 'semverify');
    expect(existsSync(join(pkg, 'dist', 'src', 'api', 'index.js'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'src', 'api', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'src', 'backends', 'cpython', 'harness', 'semverify_harness', 'contract.json'))).toBe(true);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    expect(existsSync(join(pkg, 'test'))).toBe(false);
  });

  it("import { check } from 'semverify' runs asyncio-4-tasks with a user property and reports it", () => {
    writeFileSync(
      join(project, 'check.mjs'),
      `import { check, defineProperty } from 'semverify';\n${USER_PROPERTY}
const doc = await check('asyncio-4-tasks', { properties: [neverFour], confirm: false, runs: 50 });
const s = doc.scenarios[0];
console.log(JSON.stringify({ format: doc.format, property: s.properties.find((p) => p.name === 'never-four-acquired'), kinds: s.outcomes.map((o) => o.kind) }));
`,
    );
    const r = run(process.execPath, ['check.mjs'], project);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { format: string; property: { status: string; matches: boolean }; kinds: string[] };
    expect(out.format).toBe('semverify/1');
    // Every schedule of asyncio-4-tasks completes four acquisitions: the user's property is violated in each.
    expect(out.property).toMatchObject({ status: 'violated', matches: false });
    expect(out.kinds).toContain('too-many');
  });

  it('a TypeScript project that imports semverify type-checks (strict, declarations checked, no leaked dev types)', () => {
    writeFileSync(
      join(project, 'check.ts'),
      `import { check, defineProperty, defineScenario, loadScenario, replay, type JsonDocument, type Scenario } from 'semverify';\n${USER_PROPERTY}
const s: Scenario = defineScenario(loadScenario('asyncio-4-tasks'));
const doc: JsonDocument = await check(s, { properties: [neverFour], search: 'bounded', bound: 1 });
const token: string | undefined = doc.scenarios[0]?.outcomes[0]?.minimal?.replay;
if (token !== undefined) console.log((await replay(token, { properties: [neverFour] })).replay.primary);
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          // Our declarations are checked too: a type they name that the install lacks fails here.
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        include: ['check.ts'],
      }),
    );
    const r = run(process.execPath, [TSC, '-p', '.'], project);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the installed bin lists the built-in scenarios from plain JavaScript', () => {
    const r = run(process.execPath, [join(project, 'node_modules', 'semverify', 'bin', 'semverify.js'), 'list'], project);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^asyncio-4-tasks\s+asyncio\.Semaphore\(2\)/);
  });
});
