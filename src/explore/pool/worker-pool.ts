/**
 * `--workers N`: N threads run units (src/explore/search/units.ts) for the checks of one command:
 * the caller's own thread, on the check's runner, and N - 1 worker threads. Worker threads start
 * on first use and serve every check after it; each check opens its own runner in every worker
 * thread (the simulation, or one CPython harness process per thread). Units are handed out in
 * order to whichever thread is free (a worker thread gets its next unit queued while it runs one,
 * since the caller's thread cannot answer it while it runs a unit itself), and their results are
 * put back in unit order, so the exploration is the one a single thread gives.
 */
import { Worker } from 'node:worker_threads';
import { capabilitiesOf } from '../../backends/registry.ts';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Unit, UnitResult } from '../search/units.ts';
import type { LocalUnitRunner, StopConditions, UnitExecutor, UnitJob } from './executor.ts';
import { FLAG_INTERRUPT, flagBuffer, flagOfWorker } from './flags.ts';
import { type FromWorker, fromWire, isFromWorker, type ToWorker, type WorkerContext } from './messages.ts';

/** How long close() waits for threads to close their runners (harness processes) before terminating them. */
const CLOSE_GRACE_MS = 5_000;

/** Units a worker thread holds at once: the one it runs and the next, so it never waits on the caller's thread. */
const UNITS_IN_FLIGHT = 2;

interface Thread {
  readonly worker: Worker;
  readonly index: number;
  /** The message handler of the check using it now. */
  listener: ((m: FromWorker) => void) | null;
  /** Set when the thread died: every later use fails with it. */
  dead: Error | null;
}

/**
 * What a thread runs: worker-main next to this module. Built JavaScript runs as it is; from
 * TypeScript sources (development, tests) the thread first registers tsx's loader, since a
 * loader given to the parent on its command line does not reach worker threads.
 */
function workerEntry(): { readonly code: string | URL; readonly eval: boolean } {
  const ext = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./worker-main${ext}`, import.meta.url);
  if (ext !== '.ts') return { code: entry, eval: false };
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/package.json')
      .replace(/package\.json$/, 'dist/esm/api/index.mjs'),
  ).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return { code: boot, eval: true };
}

export class WorkerPool {
  private threads: Thread[] | null = null;
  private readonly flags: Int32Array;
  private readonly buffer: SharedArrayBuffer;
  private nextContext = 1;

  /** `size`: the threads that explore, the caller's included (at least 2). */
  constructor(readonly size: number) {
    if (size < 2) throw new RangeError('a worker pool needs size >= 2: the caller and a worker thread');
    this.buffer = flagBuffer(size);
    this.flags = new Int32Array(this.buffer);
  }

  private start(): Thread[] {
    if (this.threads !== null) return this.threads;
    const entry = workerEntry();
    this.threads = Array.from({ length: this.size - 1 }, (_, index) => {
      const worker = new Worker(entry.code, { eval: entry.eval, workerData: { flags: this.buffer, index } });
      const thread: Thread = { worker, index, listener: null, dead: null };
      worker.on('message', (m: unknown) => {
        if (isFromWorker(m)) thread.listener?.(m);
        else thread.dead = new Error('a worker thread sent a malformed message');
      });
      const die = (e: Error) => {
        thread.dead = e;
        thread.listener?.({ t: 'failed', ctx: -1, index: null, error: { kind: 'internal', message: e.message } });
      };
      worker.on('error', die);
      worker.on('exit', (code) => {
        if (thread.dead === null) die(new Error(`a worker thread exited (code ${code})`));
      });
      return thread;
    });
    return this.threads;
  }

  /** An executor for one check's units. `onRuns` hears of finished runs (progress). */
  executor(context: WorkerContext, stop: StopConditions, onRuns?: (n: number) => void): UnitExecutor {
    return new PoolExecutor(this, this.nextContext++, context, stop, onRuns);
  }

  /** @internal used by PoolExecutor */
  threadsForUse(): Thread[] {
    return this.start();
  }

  /** @internal */
  setInterrupt(on: boolean): void {
    Atomics.store(this.flags, FLAG_INTERRUPT, on ? 1 : 0);
  }

  /** @internal */
  cancelUnitOn(thread: number): void {
    Atomics.store(this.flags, flagOfWorker(thread), 1);
  }

  async close(): Promise<void> {
    const threads = this.threads;
    this.threads = null;
    if (threads === null) return;
    this.setInterrupt(true);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
}

class PoolExecutor implements UnitExecutor {
  /**
   * Every thread opening its runner. On the simulation it begins at once, so threads start and warm
   * up while the caller's thread runs the first units; a harness process per thread is started
   * only when a job first reaches the pool (most real checks of a few runs never do).
   */
  private opening: Promise<void> | null = null;
  private opened = false;
  private readonly onAbort: () => void;

  constructor(
    private readonly pool: WorkerPool,
    private readonly ctx: number,
    private readonly context: WorkerContext,
    private readonly stop: StopConditions,
    private readonly onRuns?: (n: number) => void,
  ) {
    this.onAbort = () => pool.setInterrupt(true);
    stop.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (capabilitiesOf(context.backend).executes === 'port') {
      this.opening = this.open(pool.threadsForUse());
      this.opening.catch(() => {}); // rethrown by the first execute(); never unhandled
    }
  }

  get parallelism(): number {
    return this.pool.size;
  }

  private send(t: Thread, m: ToWorker): void {
    t.worker.postMessage(m);
  }

  /** Every thread opens a runner for this check; the first failure (an InputError, say) is thrown as itself. */
  private async open(threads: Thread[]): Promise<void> {
    this.pool.setInterrupt(false);
    await Promise.all(
      threads.map(
        (t) =>
          new Promise<void>((resolve, reject) => {
            if (t.dead !== null) return reject(t.dead);
            t.listener = (m) => {
              if (m.t === 'opened' && m.ctx === this.ctx) resolve();
              else if (m.t === 'failed') reject(fromWire(m.error));
            };
            this.send(t, { t: 'open', ctx: this.ctx, context: this.context });
          }),
      ),
    );
    this.opened = true;
  }

  async execute(job: UnitJob, local?: LocalUnitRunner): Promise<UnitResult[]> {
    const threads = this.pool.threadsForUse();
    this.opening ??= this.open(threads);
    await this.opening;
    const n = job.units.length;
    const results: (UnitResult | undefined)[] = new Array(n);
    // Unit indices each thread holds, in the order sent: the first is the one it runs.
    const held = new Map<Thread, number[]>(threads.map((t) => [t, []]));
    let localBusy = false;
    let next = 0;
    let prefix = 0; // results[0..prefix) are all in
    let needed = n; // units at and after this index are not needed
    return new Promise<UnitResult[]>((resolve, reject) => {
      let failed: Error | null = null;
      let finished = false;
      const busy = () => localBusy || threads.some((t) => held.get(t)!.length > 0);
      const finish = () => {
        if (finished) return;
        finished = true;
        for (const t of threads) t.listener = null;
        if (failed !== null) reject(failed);
        else resolve(results.slice(0, Math.min(prefix, needed)) as UnitResult[]);
      };
      const take = (): { index: number; unit: Unit } => {
        const index = next++;
        return { index, unit: job.refine ? job.refine(index, results) : job.units[index]! };
      };
      const accept = (index: number, result: UnitResult) => {
        results[index] = result;
        while (prefix < n && results[prefix] !== undefined) prefix++;
        if (prefix > 0 && prefix < needed && !job.needMore(results.slice(0, prefix) as UnitResult[])) {
          needed = prefix;
          // Later units cannot change the merge: stop a thread whose running unit is one of them.
          // A unit it holds after that one still runs (the flag is cleared as a unit starts); its
          // result is dropped like any past `needed`: a unit of wasted work, never a wrong merge.
          for (const [t, mine] of held) if (mine.length > 0 && mine[0]! >= needed) this.pool.cancelUnitOn(t.index);
        }
      };
      const dispatch = () => {
        if (finished) return;
        // Worker threads first: the caller's thread, once it takes a unit, answers nobody until it is done.
        for (const t of threads) {
          const mine = held.get(t)!;
          while (failed === null && next < needed && t.dead === null && mine.length < UNITS_IN_FLIGHT) {
            const { index, unit } = take();
            mine.push(index);
            this.send(t, { t: 'unit', ctx: this.ctx, index, unit, deadlineEpochMs: this.stop.deadlineEpochMs });
          }
        }
        if (local !== undefined && !localBusy && failed === null && next < needed) {
          const { index, unit } = take();
          localBusy = true;
          local(unit).then(
            (result) => {
              localBusy = false;
              accept(index, result);
              dispatch();
            },
            (e: unknown) => {
              localBusy = false;
              failed ??= e instanceof Error ? e : new Error(String(e));
              for (const [t, mine] of held) if (mine.length > 0) this.pool.cancelUnitOn(t.index);
              dispatch();
            },
          );
        }
        if (!busy() && (failed !== null || next >= needed)) finish();
        else if (!busy() && local === undefined && threads.every((t) => t.dead !== null)) {
          failed = threads[0]!.dead;
          finish();
        }
      };
      for (const t of threads) {
        t.listener = (m) => {
          if (m.t === 'runs') return this.onRuns?.(m.n);
          const mine = held.get(t)!;
          if (m.t === 'failed') {
            failed ??= fromWire(m.error);
            // A unit's failure names it; a thread that died held what it held.
            if (m.index === null) mine.length = 0;
            else drop(mine, m.index);
            for (const [other, theirs] of held) if (theirs.length > 0) this.pool.cancelUnitOn(other.index);
            return dispatch();
          }
          if (m.t !== 'result' || m.ctx !== this.ctx) return;
          drop(mine, m.index);
          accept(m.index, m.result);
          dispatch();
        };
      }
      dispatch();
    });
  }

  async close(): Promise<void> {
    this.stop.signal?.removeEventListener('abort', this.onAbort);
    await this.opening?.catch(() => {});
    if (!this.opened) return;
    const threads = this.pool.threadsForUse().filter((t) => t.dead === null);
    // A thread still warming up for this check stops: nothing of it is wanted now.
    for (const t of threads) this.pool.cancelUnitOn(t.index);
    const closed = Promise.all(
      threads.map(
        (t) =>
          new Promise<void>((resolve) => {
            t.listener = (m) => {
              if (m.t === 'closed' || m.t === 'failed') resolve();
            };
            this.send(t, { t: 'close', ctx: this.ctx });
          }),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
    });
    const how = await Promise.race([closed.then(() => 'closed' as const), grace]);
    clearTimeout(timer);
    for (const t of threads) t.listener = null;
    // A thread stuck in a run that blocks outside our control: the pool is closed with its threads.
    if (how === 'late') await this.pool.close();
  }
}

/** Remove `index` from a thread's held units, if it holds it. */
function drop(held: number[], index: number): void {
  const i = held.indexOf(index);
  if (i >= 0) held.splice(i, 1);
}
