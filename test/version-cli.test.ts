/**
 * Choosing a simulated version from the command line: `--impl cpython-3.X` runs that port in
 * place of the scenario's `impl` (check), a bad id or a backend that runs interpreters is bad
 * input naming --impl, and `matrix --backend sim` runs the scenario on every simulated version,
 * one row per version, as the real matrix does per interpreter.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.ts';
import type { Engine } from '../src/cli/engine.ts';
import type { CheckOptions } from '../src/explore/check.ts';
import { SIMULATED_IMPLEMENTATIONS } from '../src/contract/implementations.ts';
import { findImplementation } from '../src/ports/registry.ts';
import { captureIo, noEngine } from './helpers.ts';

describe('--impl', () => {
  it('an unknown id is bad input naming --impl and listing the known ids', async () => {
    const c = captureIo();
    expect(await runCli(['check', 'asyncio-4-tasks', '--impl', 'cpython-2.7'], c.io, noEngine)).toBe(2);
    expect(c.err()).toBe(`semverify: --impl: expected one of ${SIMULATED_IMPLEMENTATIONS.join(', ')}, got "cpython-2.7"\n`);
  });

  it('on a backend that runs interpreters it is bad input: --python chooses those', async () => {
    const c = captureIo();
    expect(await runCli(['check', 'asyncio-4-tasks', '--backend', 'cpython', '--impl', 'cpython-3.9'], c.io, noEngine)).toBe(2);
    expect(c.err()).toMatch(/^semverify: --impl: only applies to --backend sim/);
  });

  it('does not apply to matrix, which runs every version', async () => {
    const c = captureIo();
    expect(await runCli(['matrix', 'asyncio-4-tasks', '--backend', 'sim', '--impl', 'cpython-3.9'], c.io, noEngine)).toBe(2);
    expect(c.err()).toMatch(/^semverify: --impl: does not apply to matrix/);
  });

  it('runs that port: the report is about the release it follows', async () => {
    const c = captureIo();
    const code = await runCli(['check', 'asyncio-shared-2-threads', '--impl', 'cpython-3.9', '--runs', '300', '--no-confirm', '--json'], c.io);
    const doc = JSON.parse(c.out()) as { scenarios: { version: string; outcomes: { kind: string }[] }[] };
    expect(doc.scenarios[0]!.version).toBe('3.9.18');
    // 3.9 binds the semaphore at construction: a contended acquire from another loop fails, nothing hangs.
    const kinds = doc.scenarios[0]!.outcomes.map((o) => o.kind);
    expect(kinds).toContain('wrong-loop');
    expect(kinds).not.toContain('hang');
    expect([0, 1]).toContain(code);
  });
});

describe('matrix --backend sim', () => {
  it('runs every simulated version in version order, never confirming (the table is counts)', async () => {
    const calls: CheckOptions[] = [];
    const engine: Engine = {
      ...noEngine,
      checkScenario: async (scenario, opts) => {
        calls.push(opts);
        const { checkScenario } = await import('../src/explore/check.ts');
        return checkScenario(scenario, opts);
      },
    };
    const c = captureIo();
    await runCli(['matrix', 'asyncio-shared-2-threads', '--backend', 'sim', '--search', 'bounded', '--bound', '1', '--workers', '1', '--json'], c.io, engine);
    const versions = ['3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13'];
    expect(calls.map((o) => o.impl)).toEqual(versions.map((v) => `cpython-${v}`));
    expect(calls.every((o) => o.confirm === false && o.backend === 'sim')).toBe(true);
    const doc = JSON.parse(c.out()) as { matrix: { python: string; outcomes: Record<string, number> }[]; missing: string[] };
    expect(doc.matrix.map((r) => r.python)).toEqual(versions.map((v) => findImplementation(`cpython-${v}`)!.follows));
    expect(doc.missing).toEqual([]);
    // Where the loop binds decides the rows: at construction up to 3.9 (no hang), lazily from 3.10 (the lost wake-up hangs).
    for (const r of doc.matrix) expect(r.outcomes.hang ?? 0, r.python).toSatisfy((n: number) => (Number(r.python.split('.')[1]) >= 10 ? n > 0 : n === 0));
  });
});
