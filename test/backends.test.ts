/**
 * The backend registry (src/backends/registry.ts) and the one interface behind it: the registry
 * covers exactly the contract's backend names, its capabilities are coherent, the CLI and tokens
 * list what it lists, and exhaustive enumeration runs through a Runner exactly as the direct
 * depth-first search over the simulation did.
 */
import { describe, expect, it } from 'vitest';
import { BACKENDS, PREEMPTION_MODELS } from '../src/contract/names.ts';
import type { RunResult } from '../src/contract/run-result.ts';
import { scheduleHashOf } from '../src/explore/run-summary.ts';
import { backendNames, capabilitiesOf, DEFAULT_BACKEND, interpreterBackend, openRunner, registeredBackends } from '../src/backends/registry.ts';
import { cpythonRunRequest, UnsupportedRequestError } from '../src/backends/run-request.ts';
import type { Runner } from '../src/backends/runner.ts';
import { simRunner } from '../src/backends/sim/runner.ts';
import { runSim } from '../src/backends/sim/run.ts';
import { nextPrefix, PrefixSource } from '../src/scheduler/prefix-source.ts';
import { boundedDfs } from '../src/explore/search/dfs.ts';
import { parseCheckFlags } from '../src/cli/flags.ts';
import { runCli } from '../src/cli/program.ts';
import { decodeToken, encodeToken } from '../src/explore/token.ts';
import { builtinProperties } from '../properties/index.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { builtin, captureIo, inputErrorOf, noEngine, rejectionOf } from './helpers.ts';

describe('the registry', () => {
  it('covers exactly the backend names of the contract, in their order, each under its own name', () => {
    expect(registeredBackends().map((b) => b.name)).toEqual([...BACKENDS]);
    expect(backendNames()).toEqual([...BACKENDS]);
    expect(BACKENDS).toContain(DEFAULT_BACKEND);
  });

  it('declares coherent capabilities', () => {
    for (const b of registeredBackends()) {
      const c = b.capabilities;
      expect(c.preemptionModels.length, b.name).toBeGreaterThan(0);
      for (const m of c.preemptionModels) expect(PREEMPTION_MODELS, b.name).toContain(m);
      // Confirming on "the interpreter of the port" presumes a port, and a backend that runs interpreters.
      if (c.confirmsOn === 'interpreter-of-port') {
        expect(c.executes, b.name).toBe('port');
        expect(interpreterBackend(), b.name).toBeDefined();
      }
    }
    // Every preemption model runs somewhere: --model never names something no backend can do.
    for (const m of PREEMPTION_MODELS)
      expect(
        registeredBackends().some((b) => b.capabilities.preemptionModels.includes(m)),
        m,
      ).toBe(true);
  });

  it('the CLI lists its backends: --backend choices and the help text', async () => {
    expect(inputErrorOf(() => parseCheckFlags({ backend: 'nope' })).problem).toBe(`expected one of ${backendNames().join(', ')}, got "nope"`);
    const cap = captureIo();
    expect(await runCli(['--help'], cap.io, noEngine)).toBe(0);
    expect(cap.out()).toContain(`${backendNames().join(' | ')} (default ${DEFAULT_BACKEND})`);
    expect(cap.out()).toContain(`${PREEMPTION_MODELS.join(' | ')} (default gil)`);
  });

  it('a token names one of its backends', () => {
    const token = encodeToken({ backend: 'nope' as never, model: 'gil', scenario: builtin('asyncio-4-tasks'), schedule: [] });
    expect(inputErrorOf(() => decodeToken(token)).problem).toBe(
      `backend: expected one of ${backendNames()
        .map((n) => `"${n}"`)
        .join(', ')}, got "nope"`,
    );
  });

  it('openRunner refuses a target on a backend that cannot run one, naming those that can', async () => {
    const sims = backendNames().filter((n) => !capabilitiesOf(n).runsTargets);
    expect(sims.length).toBeGreaterThan(0);
    const can = backendNames().filter((n) => capabilitiesOf(n).runsTargets);
    for (const backend of sims) {
      const e = await rejectionOf(openRunner(builtin('asyncio-4-tasks'), { backend, model: 'gil', target: 'm:C' }));
      expect(e.field).toBe('--target');
      expect(e.problem).toBe(`requires --backend ${can.join(' or ')}`);
    }
  });
});

/** A fake backend's runner: answers every run with `answer`, and counts the requests. */
function fakeRunner(answer: (i: number) => RunResult): Runner & { readonly requests: number } {
  let requests = 0;
  return {
    describe: 'fake',
    impl: 'cpython-3.11',
    version: '3.11.7',
    get requests() {
      return requests;
    },
    run: async () => answer(requests++),
    close: async () => {},
  };
}

const scenario = builtin('asyncio-4-tasks');
const cancelAny: Scenario = { ...scenario, id: 'cancel-any', cancellations: [{ task: 'C' }], expect: {} };

describe('enumeration through a Runner', () => {
  it('the sim runner reports the decisions of a prefix run, and of no other', async () => {
    const runner = simRunner(cancelAny, 'gil');
    const prefixRun = await runner.run({ source: { kind: 'prefix', prefix: [], budget: 0 } });
    expect(prefixRun.decisions?.length).toBeGreaterThan(0);
    expect((await runner.run({ schedule: [] })).decisions).toBeUndefined();
    expect((await runner.run({ source: { kind: 'random', seed: 's', pSwitch: 0.1, pDelay: 0, pCancel: 0.1 } })).decisions).toBeUndefined();
  });

  it.each([
    ['asyncio-4-tasks', scenario],
    ['a declared cancellation', cancelAny],
  ])('%s: the same runs, in the same order, as a direct depth-first search of the simulation', async (_name, s) => {
    const direct: string[] = [];
    for (let prefix: number[] | null = []; prefix !== null; ) {
      const source = new PrefixSource(prefix, 0);
      direct.push(scheduleHashOf(runSim(s, { source, model: 'gil' }).schedule));
      prefix = nextPrefix(source.log);
    }
    const viaRunner: string[] = [];
    const res = await boundedDfs(simRunner(s, 'gil'), s, builtinProperties, { limit: 5_000, budget: 0 }, (r) => viaRunner.push(r.scheduleHash));
    expect(res).toEqual({ executions: direct.length, pruned: 0, complete: true, maxPreemptions: 0 });
    expect(viaRunner).toEqual(direct);
    expect(direct.length).toBeGreaterThan(1);
  });

  const completed = (decisions?: RunResult['decisions']): RunResult => ({
    status: 'completed',
    history: [],
    trace: [],
    semaphores: [],
    endTime: 0,
    steps: 1,
    schedule: [],
    ...(decisions !== undefined && { decisions }),
  });

  it('follows the decisions a runner reports: two options at the first decision, two runs', async () => {
    const runner = fakeRunner((i) => completed([{ arity: 2, chosen: i, preempts: false }]));
    expect(await boundedDfs(runner, scenario, [], { limit: 10, budget: 0 }, () => {})).toEqual({ executions: 2, pruned: 0, complete: true, maxPreemptions: 0 });
  });

  it('a runner that reports no decisions breaks its declared capability: a typed error', async () => {
    const runner = fakeRunner(() => completed());
    await expect(boundedDfs(runner, scenario, [], { limit: 10, budget: 0 }, () => {})).rejects.toBeInstanceOf(UnsupportedRequestError);
  });

  it('a failed run that reports no decisions ends the enumeration, partial', async () => {
    const runner = fakeRunner(() => ({
      ...completed(),
      status: 'error',
      detail: 'the harness died',
      failure: { kind: 'harness-exited', code: 1, signal: null },
    }));
    const recorded: string[] = [];
    const res = await boundedDfs(runner, scenario, builtinProperties, { limit: 10, budget: 0 }, (a) => recorded.push(a.primary));
    expect(res).toEqual({ executions: 1, pruned: 0, complete: false, maxPreemptions: 0 });
    expect(recorded).toEqual(['error']);
  });

  it("the harness request: a source spec goes as it is (the harness builds the same source); a prefix search's session stays on this side", () => {
    const spec = { kind: 'bounded', seed: '1:1', preemptions: 2, horizon: 40, delayShare: 0.25, pCancel: 0 } as const;
    const bounded = cpythonRunRequest(scenario, { source: spec }, {});
    expect(bounded.source).toEqual(spec);
    expect(bounded.schedule).toBeUndefined();
    expect(cpythonRunRequest(scenario, { schedule: [] }, { maxSteps: 500 })).toMatchObject({ schedule: [], maxSteps: 500, trace: false, tellAll: false });
    expect(cpythonRunRequest(scenario, { source: { kind: 'prefix', prefix: [1], budget: 2, session: 's' } }, {}).source).toEqual({
      kind: 'prefix',
      prefix: [1],
      budget: 2,
    });
    expect(capabilitiesOf('cpython')).toMatchObject({ enumerates: true, prunes: false });
  });
});
