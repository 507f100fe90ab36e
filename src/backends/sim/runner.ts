/** The simulated backend's runner: runs on the TypeScript ports, answered synchronously. */
import type { Scenario } from '../../scenario/types.ts';
import type { PreemptionModel } from '../../contract/names.ts';
import { DEFAULT_IMPLEMENTATION } from '../../contract/implementations.ts';
import { InputError } from '../../contract/input-error.ts';
import { findImplementation, implementationIds } from '../../ports/registry.ts';
import { PrefixSource, PrunedRun, type SeenStates } from '../../scheduler/prefix-source.ts';
import { SparseSource } from '../../scheduler/sparse-source.ts';
import { buildSource } from '../run-request.ts';
import type { Runner } from '../runner.ts';
import type { RunResult } from '../../contract/run-result.ts';
import { runSim } from './run.ts';

export function simRunner(scenario: Scenario, model: PreemptionModel, maxSteps?: number): Runner {
  const impl = scenario.impl ?? DEFAULT_IMPLEMENTATION;
  const port = findImplementation(impl);
  // A valid impl may name a CPython only the real backend runs: the scenario asked for what the simulation lacks.
  if (port === undefined) {
    throw new InputError(
      'impl',
      `"${impl}" has no simulated port (simulated: ${implementationIds().join(', ')}); run it on the real interpreter with --backend cpython`,
      scenario.id,
    );
  }
  // Each prefix search's memory of the states its runs reached (PrefixSource), by session.
  const sessions = new Map<string, SeenStates>();
  return {
    describe: 'sim',
    impl,
    version: port.follows,
    run: async (req) => {
      const spec = req.source;
      const seen = spec?.kind === 'prefix' && spec.session !== undefined ? sessionMemory(sessions, spec.session) : undefined;
      const source =
        spec === undefined
          ? new SparseSource(req.schedule ?? [])
          : spec.kind === 'prefix' && seen !== undefined
            ? new PrefixSource(spec.prefix, spec.budget, seen)
            : buildSource(spec);
      try {
        const run = runSim(scenario, {
          source,
          model,
          ...(maxSteps !== undefined ? { maxSteps } : {}),
          recordTrace: req.recordTrace ?? false,
          happensBefore: seen !== undefined,
        });
        // An enumeration reads its next prefix from the decisions this run met.
        return source instanceof PrefixSource ? { ...run, decisions: source.log } : run;
      } catch (e) {
        if (!(e instanceof PrunedRun)) throw e;
        return prunedRun(e);
      }
    },
    endSession: (session) => {
      sessions.delete(session);
    },
    close: async () => {
      sessions.clear();
    },
  };
}

function sessionMemory(sessions: Map<string, SeenStates>, session: string): SeenStates {
  let seen = sessions.get(session);
  if (seen === undefined) {
    seen = new Map();
    sessions.set(session, seen);
  }
  return seen;
}

/** A run the search abandoned at a state an equivalent schedule reached: only its decisions matter. */
function prunedRun(e: PrunedRun): RunResult {
  return { status: 'pruned', history: [], trace: [], semaphores: [], endTime: 0, steps: 0, schedule: [], decisions: e.log };
}
