/** The runner for the backend a check asks for. */
import type { Scenario } from '../scenario/types.ts';
import type { BackendName, PreemptionModel } from './report-types.ts';
import { type Runner, type SourceSpec, simRunner } from './backend-runner.ts';
import { InputError } from '../scenario/errors.ts';

export interface RunnerOptions {
  readonly backend: BackendName;
  readonly model: PreemptionModel;
  readonly python?: string;
  readonly maxSteps?: number;
}

export async function openRunner(scenario: Scenario, opts: RunnerOptions): Promise<Runner> {
  if (opts.backend === 'sim') return simRunner(scenario, opts.model, opts.maxSteps);
  return cpythonRunner(scenario, opts);
}

/** The real interpreter, loaded lazily so that the simulated path never touches Python. */
async function cpythonRunner(scenario: Scenario, opts: RunnerOptions): Promise<Runner> {
  const { resolveInterpreter, InterpreterNotFoundError } = await import('../backends/cpython/interpreters.ts');
  const { CPythonBackend } = await import('../backends/cpython/backend.ts');
  let interp;
  try {
    interp = resolveInterpreter(opts.python);
  } catch (e) {
    if (e instanceof InterpreterNotFoundError) throw new InputError('--python', e.message);
    throw e;
  }
  const backend = await CPythonBackend.start(interp);
  return {
    describe: `cpython ${backend.info.version}`,
    impl: `cpython-${backend.info.short}`,
    run: (req) =>
      backend.run({
        scenario,
        ...(req.schedule ? { schedule: req.schedule } : {}),
        ...(req.source ? { random: randomPolicy(req.source) } : {}),
        ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
        trace: req.recordTrace ?? false,
      }),
    close: () => backend.close(),
  };
}

/**
 * The harness draws its own random choices (Python's random.Random): a bounded source becomes
 * the coin-flip policy with the same expected number of preemptions per run.
 */
function randomPolicy(spec: SourceSpec): { seed: number; pSwitch: number; pDelay: number; pCancel: number } {
  const seed = hashSeed(spec.seed);
  if (spec.kind === 'random') return { seed, pSwitch: spec.pSwitch, pDelay: spec.pDelay, pCancel: spec.pCancel };
  const p = spec.preemptions / Math.max(1, spec.horizon);
  return { seed, pSwitch: p * (1 - spec.delayShare), pDelay: p * spec.delayShare, pCancel: spec.pCancel };
}

/** FNV-1a: a stable 32-bit integer for a string seed. */
function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
