/**
 * `npm run cpython-suite [-- --write docs/cpython-tests.md]`: run CPython's own Semaphore tests
 * on every installed interpreter, run semverify on each test's scenario there, and print (or
 * write into the doc) the table of both. Exit 1 when any cell disagrees.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findInterpreters } from '../backends/cpython/interpreters.ts';
import { compareWithSuite, suiteTable } from './compare.ts';
import { groundTruth } from './ground-truth.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BEGIN = '<!-- cpython-suite table: begin (npm run cpython-suite -- --write docs/cpython-tests.md) -->';
const END = '<!-- cpython-suite table: end -->';

const write = process.argv.indexOf('--write');
const interps = findInterpreters();
if (interps.length === 0) {
  console.error('cpython-suite: no CPython interpreter found');
  process.exit(2);
}
const gt = await groundTruth(interps);
const rows = await compareWithSuite(ROOT, gt, (row) => {
  const bad = row.cells.filter((c) => c.agrees === false).map((c) => c.version);
  console.error(`${row.entry.test}: ${bad.length === 0 ? 'agrees' : `DISAGREES on ${bad.join(', ')}`}`);
});
const table = suiteTable(rows, gt);
if (write < 0) console.log(table.join('\n'));
else {
  const path = process.argv[write + 1] ?? 'docs/cpython-tests.md';
  const doc = readFileSync(path, 'utf8');
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${path} has no table markers`);
  writeFileSync(path, `${doc.slice(0, a + BEGIN.length)}\n${table.join('\n')}\n${doc.slice(b)}`);
  console.error(`wrote the table into ${path}`);
}
const disagreements = rows.flatMap((r) => r.cells.filter((c) => c.agrees === false));
const unmet = rows.flatMap((r) => r.cells.filter((c) => c.semverify?.expectationsMet === false));
console.error(
  `${disagreements.length} disagreement(s), ${unmet.length} interpreter(s) missing a scenario's expectations; without a test package: ${gt.withoutSuite.map((i) => i.version).join(', ') || 'none'}`,
);
process.exitCode = disagreements.length > 0 || unmet.length > 0 ? 1 : 0;
