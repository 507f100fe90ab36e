#!/usr/bin/env node
// Builds dist/: the JavaScript the bin and the library run (tsc, which rewrites the sources'
// `.ts` imports to `.js`), plus every non-TypeScript file under src/ (the CPython harness and its
// contract.json), copied to the same place beside the built modules, because the code finds them
// relative to its own URL. Run by `npm ci`/`npm install` (the `prepare` script) and `npm pack`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
// An installed package ships dist/ built and no sources: if a package manager runs `prepare` there, there is nothing to do.
if (!existsSync(join(root, 'tsconfig.build.json'))) process.exit(0);
rmSync(out, { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  // A build with type errors must not pass for a good one: the bin would run stale or broken code.
  rmSync(out, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}
let copied = 0;
for (const file of walk(join(root, 'src'))) {
  if (extname(file) === '.ts' || file.includes(`${'__pycache__'}`) || file.includes('cpython-suite')) continue;
  const to = join(out, relative(root, file));
  mkdirSync(dirname(to), { recursive: true });
  cpSync(file, to);
  copied++;
}
// The bin compares this stamp with the sources' times in a checkout (bin/semverify.js).
writeFileSync(join(out, '.built'), `${new Date().toISOString()}\n`);
console.log(`build: dist/ written (${copied} assets copied beside the modules)`);

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}
