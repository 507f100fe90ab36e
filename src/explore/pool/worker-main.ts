/**
 * A worker thread of the pool (worker-pool.ts): opens a runner per check it is asked to help
 * with (the simulation here, or its own CPython harness process) and runs the units it is sent,
 * one at a time, answering each with its result. Stops a unit when the shared flags say so.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { capabilitiesOf, openRunner } from '../../backends/registry.ts';
import type { Runner } from '../../backends/runner.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { Property } from '../../../properties/api.ts';
import { builtinProperties } from '../../../properties/index.ts';
import { executeUnit } from '../search/units.ts';
import { controlFor } from './executor.ts';
import { type FromWorker, isToWorker, type ToWorker, toWire } from './messages.ts';
import { FLAG_INTERRUPT, flagOfWorker } from './flags.ts';

interface Open {
  readonly runner: Runner;
  readonly judged: Scenario;
  readonly properties: readonly Property[];
}

const port = parentPort;
if (port === null) throw new Error('worker-main.ts runs only as a worker thread');
const { flags: flagBuffer, index: workerIndex } = workerData as { flags: SharedArrayBuffer; index: number };
const flags = new Int32Array(flagBuffer);
const contexts = new Map<number, Promise<Open>>();
const PROGRESS_EVERY = 50;
/**
 * Runs a simulated check's thread makes, unreported and discarded, right after opening: the
 * check's own code is then compiled by the time units arrive (a cold thread runs its first
 * thousand runs three to four times slower), while the caller's thread explores on its own.
 */
const WARM_UP_RUNS = 300;
let unreported = 0;

function send(m: FromWorker): void {
  port!.postMessage(m);
}

function onRun(): void {
  if (++unreported >= PROGRESS_EVERY) {
    send({ t: 'runs', n: unreported });
    unreported = 0;
  }
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.t) {
    case 'open': {
      const opening = (async (): Promise<Open> => {
        const runner = await openRunner(m.context.scenario, { backend: m.context.backend, ...m.context.open });
        return { runner, judged: { ...m.context.scenario, impl: runner.impl }, properties: builtinProperties };
      })();
      contexts.set(m.ctx, opening);
      let open: Open;
      try {
        open = await opening;
        send({ t: 'opened', ctx: m.ctx });
      } catch (e) {
        contexts.delete(m.ctx);
        send({ t: 'failed', ctx: m.ctx, index: null, error: toWire(e) });
        return;
      }
      if (capabilitiesOf(m.context.backend).executes === 'port') await warmUp(open);
      return;
    }
    case 'unit': {
      try {
        const open = await contexts.get(m.ctx);
        if (open === undefined) throw new Error(`unit for check ${m.ctx}, which this worker has not opened`);
        // Cleared before the unit: a cancel is for the unit that was running when it was raised.
        Atomics.store(flags, flagOfWorker(workerIndex), 0);
        const control = controlFor(
          { deadlineEpochMs: m.deadlineEpochMs },
          () => Atomics.load(flags, FLAG_INTERRUPT) !== 0 || Atomics.load(flags, flagOfWorker(workerIndex)) !== 0,
        );
        const result = await executeUnit(open.runner, open.judged, open.properties, m.unit, control, onRun);
        if (unreported > 0) {
          send({ t: 'runs', n: unreported });
          unreported = 0;
        }
        send({ t: 'result', ctx: m.ctx, index: m.index, result });
      } catch (e) {
        send({ t: 'failed', ctx: m.ctx, index: m.index, error: toWire(e) });
      }
      return;
    }
    case 'close': {
      const open = contexts.get(m.ctx);
      contexts.delete(m.ctx);
      try {
        await (await open)?.runner.close();
      } catch {
        // Closing what failed to open: nothing to close.
      }
      send({ t: 'closed', ctx: m.ctx });
      return;
    }
  }
}

async function warmUp(open: Open): Promise<void> {
  const family = { kind: 'random', seed: 0, horizon: 40, cancellations: false } as const;
  Atomics.store(flags, flagOfWorker(workerIndex), 0);
  const control = controlFor(
    { deadlineEpochMs: Number.POSITIVE_INFINITY },
    () => Atomics.load(flags, FLAG_INTERRUPT) !== 0 || Atomics.load(flags, flagOfWorker(workerIndex)) !== 0,
  );
  try {
    await executeUnit(open.runner, open.judged, open.properties, { kind: 'sample', family, from: 0, to: WARM_UP_RUNS }, control);
  } catch {
    // A warm-up proves nothing and reports nothing: a unit that fails the same way says so itself.
  }
}

// One message at a time, in order: a unit never starts before its check's runner is open.
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: unknown) => {
  if (!isToWorker(m)) {
    send({ t: 'failed', ctx: -1, index: null, error: { kind: 'internal', message: 'malformed message to a worker thread' } });
    return;
  }
  queue = queue.then(() => handle(m));
});
