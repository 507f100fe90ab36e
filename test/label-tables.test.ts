/**
 * The label tables (src/ports/labels/cpython-3.X.json) are what each installed interpreter says
 * of its own code: regenerated here with src/ports/labels/generate_labels.py on the interpreter
 * of the table's version, they must be byte-identical (`npm run labels` rewrites them). A table
 * whose interpreter is not installed cannot be checked, and the skip says so.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findInterpreters } from '../src/backends/cpython/interpreters.ts';
import { labelTable, TABLE_VERSIONS, tablePath } from '../src/ports/labels/table.ts';
import { findImplementation } from '../src/ports/registry.ts';

const GENERATOR = fileURLToPath(new URL('../src/ports/labels/generate_labels.py', import.meta.url));
const interps = findInterpreters();

describe('label tables', () => {
  for (const v of TABLE_VERSIONS) {
    const committed = readFileSync(tablePath(v), 'utf8');
    const version = (JSON.parse(committed) as { version: string }).version;
    const interp = interps.find((i) => i.version === version);
    it.skipIf(interp === undefined)(`cpython-${v}.json is what CPython ${version} generates${interp ? '' : ' (skipped: not installed)'}`, () => {
      const fresh = execFileSync(interp!.path, [GENERATOR], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
      expect(fresh === committed, `cpython-${v}.json is stale: run \`npm run labels\``).toBe(true);
    });
  }

  it('every version port follows the release its table was generated on, and the table has the model the harness uses there', () => {
    const models: Record<string, string> = { '3.6': 'line-3.6', '3.7': 'gil-3.9', '3.8': 'gil-3.9', '3.9': 'gil-3.9', '3.10': 'gil-3.10', '3.11': 'gil-3.11' };
    for (const v of TABLE_VERSIONS) {
      const t = labelTable(v);
      expect(findImplementation(`cpython-${v}`)?.follows, `cpython-${v}`).toBe(t.version);
      expect(t.model).toBe(models[v] ?? 'gil-3.12');
    }
  });
});
