/**
 * `--workers N`: a pool of worker threads that run units (src/explore/search/units.ts) for the
 * checks of one command. Threads start on first use and serve every check after it; each check
 * opens its own runner in every thread (the simulation, or one CPython harness process per
 * thread). Units are handed out in order to whichever thread is free, and their results are
 * put back in unit order, so the exploration is the one a single thread gives.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { UnitResult } from '../search/units.ts';
import type { StopConditions, UnitExecutor, UnitJob } from './executor.ts';
import { FLAG_INTERRUPT, flagBuffer, flagOfWorker } from './flags.ts';
import { type FromWorker, fromWire, isFromWorker, type ToWorker, type WorkerContext } from './messages.ts';

/** How long close() waits for threads to close their runners (harness processes) before terminating them. */
const CLOSE_GRACE_MS = 5_000;

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

  constructor(readonly size: number) {
    this.buffer = flagBuffer(size);
    this.flags = new Int32Array(this.buffer);
  }

  private start(): Thread[] {
    if (this.threads !== null) return this.threads;
    const entry = workerEntry();
    this.threads = Array.from({ length: this.size }, (_, index) => {
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
  }

  get parallelism(): number {
    return this.pool.size;
  }

  private send(t: Thread, m: ToWorker): void {
    t.worker.postMessage(m);
  }

  /** Every thread opens a runner for this check; the first failure (an InputError, say) is thrown as itself. */
  private async open(threads: Thread[]): Promise<void> {
    if (this.opened) return;
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

  async execute(job: UnitJob): Promise<UnitResult[]> {
    const threads = this.pool.threadsForUse();
    await this.open(threads);
    const n = job.units.length;
    const results: (UnitResult | undefined)[] = new Array(n);
    const running = new Map<Thread, number>();
    let next = 0;
    let prefix = 0; // results[0..prefix) are all in
    let needed = n; // units at and after this index are not needed
    return new Promise<UnitResult[]>((resolve, reject) => {
      let failed: Error | null = null;
      const finish = () => {
        for (const t of threads) t.listener = null;
        if (failed !== null) reject(failed);
        else resolve(results.slice(0, Math.min(prefix, needed)) as UnitResult[]);
      };
      const dispatch = () => {
        for (const t of threads) {
          if (failed !== null || next >= needed) break;
          if (running.has(t) || t.dead !== null) continue;
          const index = next++;
          const unit = job.refine ? job.refine(index, results) : job.units[index]!;
          running.set(t, index);
          this.send(t, { t: 'unit', ctx: this.ctx, index, unit, deadlineEpochMs: this.stop.deadlineEpochMs });
        }
        if (running.size === 0 && (failed !== null || next >= needed)) finish();
        else if (running.size === 0 && threads.every((t) => t.dead !== null)) {
          failed = threads[0]!.dead;
          finish();
        }
      };
      for (const t of threads) {
        t.listener = (m) => {
          if (m.t === 'runs') return this.onRuns?.(m.n);
          if (m.t === 'failed') {
            failed ??= fromWire(m.error);
            running.delete(t);
            for (const [other] of running) this.pool.cancelUnitOn(other.index);
            return dispatch();
          }
          if (m.t !== 'result' || m.ctx !== this.ctx) return;
          running.delete(t);
          results[m.index] = m.result;
          while (prefix < n && results[prefix] !== undefined) prefix++;
          if (prefix > 0 && prefix < needed && !job.needMore(results.slice(0, prefix) as UnitResult[])) {
            needed = prefix;
            // Later units cannot change the merge: stop the ones still running.
            for (const [other, index] of running) if (index >= needed) this.pool.cancelUnitOn(other.index);
          }
          dispatch();
        };
      }
      dispatch();
    });
  }

  async close(): Promise<void> {
    this.stop.signal?.removeEventListener('abort', this.onAbort);
    if (!this.opened) return;
    const threads = this.pool.threadsForUse().filter((t) => t.dead === null);
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
