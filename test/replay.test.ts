/**
 * `semverify replay` says what the replayed run shows in its exit code: a counterexample that
 * replays exits 1, never 0 as if nothing were wrong. (Replaying a user property's counterexample:
 * test/custom-invariant.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { builtinProperties } from '../properties/index.ts';
import { runCli } from '../src/cli/program.ts';
import { checkScenario } from '../src/explore/check.ts';
import { encodeToken } from '../src/explore/token.ts';
import { builtin, captureIo } from './helpers.ts';

describe('semverify replay exit codes (real engine, simulated backend)', () => {
  it('a built-in counterexample replays with exit 1 and shows its outcome', async () => {
    const r = await checkScenario(builtin('asyncio-shared-2-threads'), { seed: 1, runs: 200, backend: 'sim', model: 'gil', confirm: false });
    const token = r.outcomes.find((o) => o.kind === 'over-admission')!.minimal!.replay;
    const c = captureIo();
    expect(await runCli(['replay', token], c.io)).toBe(1);
    expect(c.out()).toMatch(/outcome: over-admission/);
    expect(c.err()).toBe('');
  });

  it('a clean run replays with exit 0', async () => {
    const token = encodeToken({
      backend: 'sim',
      model: 'gil',
      scenario: builtin('asyncio-4-tasks'),
      schedule: [],
      properties: builtinProperties.map((p) => p.name),
    });
    const c = captureIo();
    expect(await runCli(['replay', token, '--json'], c.io)).toBe(0);
    expect(JSON.parse(c.out()).replay.primary).toBe('ok');
  });
});
