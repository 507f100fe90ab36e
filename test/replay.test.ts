/**
 * Replay judges a token's run by the properties that found it (the token names them), and says
 * so in its exit code: a counterexample that replays exits 1, never 0 as if nothing were wrong.
 * A token naming a property that is not loaded is refused (exit 2), not judged by the others.
 */
import { describe, expect, it } from 'vitest';
import { builtinProperties } from '../properties/index.ts';
import { noHolderAcrossLoops } from '../properties/examples/no-holder-across-loops.ts';
import { runCli } from '../src/cli/program.ts';
import { checkScenario } from '../src/explore/check.ts';
import { replayToken } from '../src/explore/replay.ts';
import { decodeToken, encodeToken } from '../src/explore/token.ts';
import { InputError } from '../src/scenario/errors.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { builtin, captureIo } from './helpers.ts';

const sharedTwo: Scenario = {
  id: 'asyncio-shared-value-2',
  title: 'asyncio.Semaphore(2) shared by 2 threads, each running asyncio.run',
  semaphores: { sem: { kind: 'asyncio', value: 2 } },
  threads: ['T0', 'T1'].map((t) => ({ name: t, loop: true, tasks: [{ name: `${t}-use`, ops: [{ op: 'hold' as const, seconds: 0.1 }] }] })),
};
const withUser = [...builtinProperties, noHolderAcrossLoops];

/** The token of the user property's minimal counterexample, naming the properties it was found with. */
async function userToken(): Promise<string> {
  const r = await checkScenario(sharedTwo, { seed: 1, runs: 50, backend: 'sim', model: 'gil', properties: withUser, confirm: false });
  const decoded = decodeToken(r.outcomes.find((o) => o.kind === 'cross-loop-holders')!.minimal!.replay);
  // Until checkScenario records its properties in its tokens (src/explore/check.ts), name them here.
  return encodeToken({ ...decoded, properties: decoded.properties ?? withUser.map((p) => p.name) });
}

async function rejection(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('replay re-checks the properties a token names', () => {
  it('a user property: with it loaded, the replay shows its violation', async () => {
    const token = decodeToken(await userToken());
    expect(token.properties).toContain('no-holder-across-loops');
    const again = await replayToken(token, { properties: withUser });
    expect(again.primary).toBe('cross-loop-holders');
    expect(again.violations.map((v) => v.property)).toContain('no-holder-across-loops');
  });

  it('without it loaded, a clear refusal naming the property, not a silent ok', async () => {
    const token = decodeToken(await userToken());
    const builtinOnly = await rejection(replayToken(token));
    expect(builtinOnly.field).toBe('token');
    expect(builtinOnly.problem).toMatch(/^this counterexample was found by property "no-holder-across-loops", which is not loaded here \(built-in: at-most-n, .*conformance\)/);
    const explicit = await rejection(replayToken(token, { properties: builtinProperties }));
    expect(explicit.problem).toMatch(/not loaded here \(loaded: at-most-n, /);
  });

  it('semverify replay refuses it: exit 2, one line naming token', async () => {
    const c = captureIo();
    expect(await runCli(['replay', await userToken()], c.io)).toBe(2);
    expect(c.err()).toMatch(/^semverify: token: this counterexample was found by property "no-holder-across-loops", which is not loaded here \(built-in: [^\n]+\n$/);
    expect(c.out()).toBe('');
  });

  it('a token that names no properties is judged by those loaded', async () => {
    const r = await checkScenario(sharedTwo, { seed: 1, runs: 50, backend: 'sim', model: 'gil', properties: withUser, confirm: false });
    const { properties: _named, ...unnamed } = decodeToken(r.outcomes.find((o) => o.kind === 'cross-loop-holders')!.minimal!.replay);
    expect((await replayToken(unnamed, { properties: withUser })).primary).toBe('cross-loop-holders');
    expect((await replayToken(unnamed)).primary).toBe('ok');
  });
});

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
    const token = encodeToken({ backend: 'sim', model: 'gil', scenario: builtin('asyncio-4-tasks'), schedule: [], properties: builtinProperties.map((p) => p.name) });
    const c = captureIo();
    expect(await runCli(['replay', token, '--json'], c.io)).toBe(0);
    expect(JSON.parse(c.out()).replay.primary).toBe('ok');
  });
});
