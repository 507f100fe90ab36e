/**
 * `check --shard i/n` and `merge`: the shards' files merge into the --json report the unsharded
 * check prints (wall-clock seconds aside), through the real CLI. Bad shard sets are refused
 * with one line naming the file and field, exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.ts';
import { captureIo } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'semverify-shards-'));

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await runCli(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

function comparable(json: string): string {
  return JSON.stringify(JSON.parse(json), (k, v) => (k === 'seconds' ? 0 : v));
}

/** Run every shard of `args`, write the files, and return their paths. */
async function shards(name: string, args: readonly string[], n: number): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 1; i <= n; i++) {
    const r = await cli([...args, '--shard', `${i}/${n}`, '--workers', '1']);
    expect(r.code, r.err).toBe(0);
    const path = join(dir, `${name}-${i}.json`);
    writeFileSync(path, r.out);
    paths.push(path);
  }
  return paths;
}

describe('--shard i/n + merge equals the unsharded run', () => {
  it.each([
    ['random sampling, 2 shards', ['check', 'asyncio-shared-3-threads', '--search', 'random', '--runs', '1500', '--no-confirm'], 2],
    ['a bounded search with pruning, 3 shards', ['check', 'asyncio-shared-2-threads', '--search', 'bounded', '--bound', '2', '--no-confirm'], 3],
    ['a bounded search cut by --runs, 2 shards', ['check', 'threading-shared', '--bound', '2', '--runs', '700', '--no-confirm'], 2],
  ] as const)('%s', async (name, args, n) => {
    const whole = await cli([...args, '--json', '--workers', '1']);
    const paths = await shards(name.replace(/\W+/g, '-'), args, n);
    const merged = await cli(['merge', ...paths, '--no-confirm', '--json']);
    expect(merged.code, merged.err).toBe(whole.code);
    expect(comparable(merged.out)).toBe(comparable(whole.out));
    const report = JSON.parse(whole.out).scenarios[0];
    console.log(
      `${name}: ${report.runs} runs, ${report.coverage.method}${report.coverage.pruned ? `, ${report.coverage.pruned} pruned` : ''}: merged report identical`,
    );
  });
});

describe('merge refuses shard sets that are not one exploration', () => {
  const args = ['check', 'asyncio-4-tasks', '--search', 'random', '--runs', '300', '--no-confirm'];

  it('a missing shard, a shard twice, an edited file, mixed explorations: one line naming the file and field, exit 2', async () => {
    const [a, b] = await shards('set', args, 2);
    const other = await cli(['check', 'asyncio-4-tasks', '--search', 'random', '--runs', '300', '--seed', '2', '--shard', '2/2', '--workers', '1']);
    const otherPath = join(dir, 'other-2.json');
    writeFileSync(otherPath, other.out);
    const edited = join(dir, 'edited-2.json');
    const doc = JSON.parse(readFileSync(b!, 'utf8'));
    doc.checks[0].results[0].result.entries[0][3] += 1;
    writeFileSync(edited, JSON.stringify(doc));

    const cases: [readonly string[], RegExp][] = [
      [[a!], /missing shard 2 of 2/],
      [[a!, a!], /shard\.index: shard 1 of 2 again/],
      [[a!, edited], /edited-2\.json: digest: does not match the content/],
      [[a!, otherPath], /other-2\.json: checks\[0\]\.options: differ/],
      [[a!, join(dir, 'nope.json')], /nope\.json: no such file/],
    ];
    for (const [files, message] of cases) {
      const r = await cli(['merge', ...files]);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    }
  });

  it('flags: --shard needs a static plan; merge takes no exploration flags; replay and list take neither', async () => {
    const cases: [readonly string[], RegExp][] = [
      [['check', 'asyncio-4-tasks', '--shard', '1/2'], /--shard: needs --search bounded/],
      [['check', 'asyncio-4-tasks', '--shard', '0/2', '--search', 'random'], /--shard: expected i\/n/],
      [['check', 'asyncio-4-tasks', '--workers', '0'], /--workers: expected an integer from 1/],
      [['merge', 'a.json', '--seed', '3'], /--seed: does not apply to merge/],
      [['list', '--workers', '2'], /--workers: does not apply to list/],
      [['matrix', 'asyncio-4-tasks', '--shard', '1/2', '--search', 'random'], /--shard: does not apply to matrix/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});
