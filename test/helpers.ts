/** Test helpers: built-in scenarios by id, straight from scenarios/; a CLI io that captures its output; a run's scheduling points; a real backend per describe block. */
import { afterAll, beforeAll } from 'vitest';
import { CPythonBackend } from '../src/backends/cpython/backend.ts';
import type { Interpreter } from '../src/backends/cpython/interpreters.ts';
import type { RunResult } from '../src/contract/run-result.ts';
import type { Engine } from '../src/cli/engine.ts';
import type { CliIo } from '../src/cli/io.ts';
import { InputError } from '../src/contract/input-error.ts';
import { builtinScenarios } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/types.ts';

export function builtin(id: string): Scenario {
  const s = builtinScenarios().find((x) => x.id === id);
  if (!s) throw new Error(`no built-in scenario ${id}`);
  return s;
}

export interface Captured {
  io: CliIo;
  out: () => string;
  err: () => string;
}

/**
 * An io for runCli in-process: not a terminal, output kept for the test to read. Saved failures
 * are off (SEMVERIFY_SAVE=0) unless `env` says otherwise: a test must not write .semverify/ into the checkout.
 */
export function captureIo(given: Record<string, string> = {}): Captured {
  const env = { SEMVERIFY_SAVE: '0', ...given };
  let out = '';
  let err = '';
  return {
    io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env, stdoutIsTTY: false, stderrIsTTY: false },
    out: () => out,
    err: () => err,
  };
}

/** The error of class `cls` that `f` throws; anything else it throws propagates, and throwing nothing fails the test. */
export function thrownBy<E extends Error>(cls: abstract new (...args: never[]) => E, f: () => unknown): E {
  try {
    f();
  } catch (e) {
    if (e instanceof cls) return e;
    throw e;
  }
  throw new Error(`expected a ${cls.name}`);
}

/** The InputError `f` throws, as thrownBy. */
export function inputErrorOf(f: () => unknown): InputError {
  return thrownBy(InputError, f);
}

/** The InputError `p` rejects with, as inputErrorOf. */
export async function rejectionOf(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

/** An engine for CLI input-error tests: reaching it fails the test (bad input must be refused before anything runs). */
export const noEngine: Engine = {
  checkScenario: () => Promise.reject(new Error('the engine must not be reached')),
  replayToken: () => Promise.reject(new Error('the engine must not be reached')),
  exploreShard: () => Promise.reject(new Error('the engine must not be reached')),
  mergeShards: () => Promise.reject(new Error('the engine must not be reached')),
  openPool: () => Promise.reject(new Error('the engine must not be reached')),
};

/** The scheduling points a run passed, in order: what a source is asked about (slots and timer ties are decisions only, on both backends). */
export function schedulingPoints(run: RunResult): string[] {
  return run.trace.filter((e) => e.occ !== undefined && !/:(slot|timers)$/.test(e.label)).map((e) => `${e.thread} ${e.label} #${e.occ}`);
}

/** Inside a describe block: a harness on `interp`, started before its tests and closed after them. */
export function realBackendFor(interp: Interpreter | undefined): () => CPythonBackend {
  let b: CPythonBackend | undefined;
  beforeAll(async () => {
    if (interp) b = await CPythonBackend.start(interp);
  });
  afterAll(async () => {
    await b?.close();
  });
  return () => b!;
}
