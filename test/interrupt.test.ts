/**
 * Ctrl-C and SIGTERM keep what was found: the CLI stops after the run in flight, prints the
 * partial report (marked partial, counterexamples as found), exits 130 (SIGINT) or 143
 * (SIGTERM), and leaves no harness process behind. Signals are sent once the first scenario is
 * known to be exploring (its harness is up, or it has used more CPU than startup takes); the
 * assertions are on what is printed, never on timing.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultInterpreter } from '../src/backends/cpython/interpreters.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const python = defaultInterpreter();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

/** Running: the process exists and is not a zombie (state Z in /proc/<pid>/stat). */
function running(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** CPU seconds a process has used (utime + stime in /proc/<pid>/stat, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Until the CLI has surely started exploring (startup costs well under a CPU second), whatever the machine's load. */
async function exploring(pid: number): Promise<void> {
  for (let i = 0; i < 300 && cpuSeconds(pid) < 2; i++) await sleep(100);
}

/** The CLI's harness processes, once it has started one. */
async function harnessesOf(pid: number): Promise<number[]> {
  let harness: number[] = [];
  for (let i = 0; i < 100 && harness.length === 0; i++) {
    await sleep(100);
    harness = childrenOf(pid);
  }
  return harness;
}

/** Waits until none of `pids` runs; returns those still running after 5 s. */
async function gone(pids: readonly number[]): Promise<number[]> {
  let alive = [...pids];
  for (let i = 0; i < 50 && alive.length > 0; i++) {
    await sleep(100);
    alive = alive.filter(running);
  }
  return alive;
}

function start(args: string[]) {
  const cli = spawn(process.execPath, ['bin/semverify.js', ...args, '--no-progress'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
  cli.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
  return { cli, exited, out: () => out, err: () => err };
}

describe('interrupting the CLI keeps what was found', () => {
  it('SIGINT on the sim: exit 130, a partial report with the census so far and counterexamples as found', async () => {
    const p = start(['check', 'asyncio-shared-3-threads', '--runs', '10000000', '--no-confirm']);
    await exploring(p.cli.pid!);
    p.cli.kill('SIGINT');
    expect(await p.exited).toBe(130);
    expect(p.err()).toContain('semverify: SIGINT: finishing the run in flight');
    expect(p.out()).toMatch(/PARTIAL: interrupted by SIGINT; this covers only the \d+ runs done/);
    expect(p.out()).toMatch(/hang\s+\d+\s+\d+\s+as found \(not shrunk\)/);
    expect(p.out()).toContain('interrupted (SIGINT) after');
  }, 30_000);

  it('SIGTERM on the sim with --json: exit 143 and a document marked partial', async () => {
    const p = start(['check', 'asyncio-shared-2-threads', '--runs', '10000000', '--no-confirm', '--json']);
    await exploring(p.cli.pid!);
    p.cli.kill('SIGTERM');
    expect(await p.exited).toBe(143);
    const doc = JSON.parse(p.out());
    expect(doc.partial).toBe(true);
    expect(doc.scenarios[0].partial).toEqual({ signal: 'SIGTERM' });
    expect(doc.scenarios[0].runs).toBeGreaterThan(0);
    expect(doc.scenarios[0].outcomes.every((o: { minimal: { shrunk: boolean } | null }) => o.minimal === null || o.minimal.shrunk === false)).toBe(true);
  }, 30_000);

  it.skipIf(!python)(
    `SIGINT on CPython: the run in flight finishes, the partial report prints, exit 130, no harness left${python ? '' : ' (skipped: no python3)'}`,
    async () => {
      const p = start(['check', 'threading-shared', '--backend', 'cpython', '--runs', '1000000']);
      const harness = await harnessesOf(p.cli.pid!);
      expect(harness.length).toBeGreaterThan(0);
      await sleep(500);
      p.cli.kill('SIGINT');
      expect(await p.exited).toBe(130);
      expect(p.out()).toMatch(/PARTIAL: interrupted by SIGINT/);
      // The run in flight was not cut: no run failed.
      expect(p.out()).not.toMatch(/^\s+error\s/m);
      expect(await gone(harness)).toEqual([]);
    },
    60_000,
  );

  it.skipIf(!python)(
    'a second signal stops at once, still leaving no harness behind',
    async () => {
      const p = start(['check', 'threading-shared', '--backend', 'cpython', '--runs', '1000000']);
      const harness = await harnessesOf(p.cli.pid!);
      expect(harness.length).toBeGreaterThan(0);
      p.cli.kill('SIGTERM');
      p.cli.kill('SIGTERM');
      expect(await p.exited).toBe(143);
      expect(await gone(harness)).toEqual([]);
    },
    60_000,
  );
});
