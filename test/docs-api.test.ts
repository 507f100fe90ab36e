/**
 * The runnable examples of docs/api.md (each fenced ```js block after `<!-- runnable -->`) run as
 * they are written, in a project that imports the built package by its name: a doc example that
 * stops working fails here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const doc = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
const examples = [...doc.matchAll(/<!-- runnable -->\n```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
const project = mkdtempSync(join(tmpdir(), 'semverify-docs-'));
mkdirSync(join(project, 'node_modules'));
writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }));
symlinkSync(ROOT, join(project, 'node_modules', 'semverify'), 'dir');
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('docs/api.md', () => {
  it('has runnable examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  examples.forEach((code, i) => {
    it(`example ${i + 1} runs and prints what it says`, () => {
      const file = join(project, `example-${i + 1}.mjs`);
      writeFileSync(file, code);
      const r = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).not.toBe('');
    });
  });
});
