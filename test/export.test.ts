/**
 * `semverify export <token> --format python|vitest`: the gh-90155 hang found on the 3.9 port
 * (scenarios/extra/gh-90155-declared-cancel.json with impl cpython-3.9), exported as a standalone
 * unittest file, fails on CPython 3.9.18 and passes on 3.13.0, where the bug is fixed; exported as
 * a vitest file, it fails while the token's run shows the bug and passes on an implementation without it.
 * Interpreters that are not installed skip their test with the reason printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToken, encodeToken } from '../src/explore/token.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'semverify.js');
const dir = mkdtempSync(join(tmpdir(), 'semverify-export-'));
const pyenv = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
const py = (v: string) => join(pyenv, 'versions', v, 'bin', 'python3');
const PY39 = py('3.9.18');
const PY313 = py('3.13.0');
for (const p of [PY39, PY313]) if (!existsSync(p)) console.log(`[export] ${p} not installed: its test is skipped`);

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args, '--no-progress'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

let token = '';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const scenario = JSON.parse(readFileSync(join(ROOT, 'scenarios', 'extra', 'gh-90155-declared-cancel.json'), 'utf8')) as Record<string, unknown>;
  const { expect: _expect, ...rest } = scenario;
  writeFileSync(join(dir, 'gh-90155-3.9.json'), JSON.stringify({ ...rest, id: 'gh-90155-on-3.9', impl: 'cpython-3.9' }));
  const r = cli(['check', join(dir, 'gh-90155-3.9.json'), '--json', '--no-confirm', '--runs', '300']);
  const doc = JSON.parse(r.stdout) as { scenarios: { outcomes: { kind: string; minimal: { replay: string } | null }[] }[] };
  token = doc.scenarios[0]!.outcomes.find((o) => o.kind === 'hang')!.minimal!.replay;
}, 120_000);

describe('export --format python', () => {
  let file = '';
  beforeAll(() => {
    file = join(dir, 'test_gh_90155.py');
    const r = cli(['export', token, '--format', 'python', '-o', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`wrote ${file}: a python test that fails while the run shows hang, nonconformance\n`);
  });

  it('is a standalone unittest file: standard library imports only, the token and the schedule in it', () => {
    const text = readFileSync(file, 'utf8');
    const imports = [...text.matchAll(/^import (\w+)$/gm)].map((m) => m[1]);
    expect(imports).toEqual(['base64', 'json', 'os', 'shutil', 'subprocess', 'sys', 'tempfile', 'unittest', 'zlib']);
    expect(text).not.toMatch(/^from /m);
    expect(text).toContain(`TOKEN = "${token}"`);
    expect(text).toContain('BUG_KINDS = ["hang"]');
  });

  it.skipIf(!existsSync(PY39))('fails on CPython 3.9.18, where the bug is: the run hangs', () => {
    const r = spawnSync(PY39, [file], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('still shows hang on Python 3.9.18 (run status hang)');
  });

  it.skipIf(!existsSync(PY313))('passes on CPython 3.13.0, where gh-90155 is fixed', () => {
    const r = spawnSync(PY313, [file], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toMatch(/Ran 1 test in [\d.]+s\n\nOK\n$/);
    expect(r.status).toBe(0);
  });
});

describe('export --format vitest', () => {
  it('replays the token through the library: red while the run shows the bug, green on an implementation without it', () => {
    const project = join(dir, 'vitest-project');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    symlinkSync(ROOT, join(project, 'node_modules', 'semverify'), 'dir');
    symlinkSync(join(ROOT, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'), 'dir');
    const file = join(project, 'regression.test.ts');
    expect(cli(['export', token, '--format', 'vitest', '-o', file]).status).toBe(0);
    const vitest = () =>
      spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', project], {
        cwd: project,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      });
    const red = vitest();
    expect(red.status).toBe(1);
    expect(red.stdout + red.stderr).toContain("expected [ 'hang', 'nonconformance' ] to deeply equal []");
    // The same schedule on the 3.11 port, which has the fix: the exported assertion holds.
    const fixed = encodeToken({ ...decodeToken(token), scenario: { ...decodeToken(token).scenario, impl: 'cpython-3.11' } });
    writeFileSync(file, readFileSync(file, 'utf8').replace(token, fixed));
    const green = vitest();
    expect(green.stdout).toMatch(/Tests\s+\S*1 passed/);
    expect(green.status).toBe(0);
  });
});
