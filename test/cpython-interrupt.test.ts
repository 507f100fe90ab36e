/**
 * Ctrl-C during a real-backend exploration leaves no Python process behind.
 * Skipped, with the reason printed, when no python3 is found.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultInterpreter } from '../src/backends/cpython/interpreters.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const python = defaultInterpreter();
if (!python) console.log('cpython-interrupt.test.ts: skipped, no python3 interpreter found');

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!python)('interrupting the CLI', () => {
  it('SIGINT while exploring on CPython: the CLI exits and its harness processes are gone', async () => {
    const cli = spawn(process.execPath, ['bin/semverify.js', 'check', 'threading-shared', '--backend', 'cpython', '--runs', '1000000', '--no-progress'], { cwd: ROOT, stdio: 'ignore' });
    let harness: number[] = [];
    for (let i = 0; i < 100 && harness.length === 0; i++) {
      await sleep(100);
      harness = childrenOf(cli.pid!);
    }
    expect(harness.length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => cli.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
    cli.kill('SIGINT');
    const code = await exited;
    expect(code).not.toBe(0);
    // SIGKILLed children may linger a moment as zombies until reaped: poll, and a zombie counts as gone.
    let alive = harness;
    for (let i = 0; i < 50 && alive.length > 0; i++) {
      await sleep(100);
      alive = harness.filter(running);
    }
    expect(alive).toEqual([]);
  }, 30_000);
});
