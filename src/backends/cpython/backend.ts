/**
 * The real backend: runs a scenario on an installed CPython's own asyncio.Semaphore /
 * threading.Semaphore (or a user's class, `target`) under the harness's controlled scheduler
 * (see docs/cpython-backend.md).
 */
import type { Scenario } from '../../scenario/types.ts';
import type { Schedule } from '../../scheduler/deviation.ts';
import type { RunResult } from '../run-result.ts';
import type { Interpreter } from './interpreters.ts';
import { HarnessError, PythonProcess } from './process.ts';
import { TargetError, type TargetSpec } from './target.ts';

export interface RandomPolicy {
  readonly seed: number;
  readonly pSwitch: number;
  readonly pDelay: number;
  readonly pCancel: number;
}

export interface CPythonRunRequest {
  readonly scenario: Scenario;
  /** Replay these deviations (ignored when `random` is given). */
  readonly schedule?: Schedule;
  /** Random exploration; the result's `schedule` lists the choices made, so it replays exactly. */
  readonly random?: RandomPolicy;
  /** Scheduling-point budget (default 20,000): beyond it the run ends with status "step-limit". */
  readonly maxSteps?: number;
  /** Wall-clock limit for the run (default 30 s): beyond it the harness is killed and restarted, status "error". */
  readonly timeoutMs?: number;
  /** Record the trace (default true). Exploration can turn it off for speed. */
  readonly trace?: boolean;
  /** A user's semaphore class in place of every semaphore of the scenario (check it first with checkTarget). */
  readonly target?: TargetSpec;
}

/** What the harness says about itself. */
export interface HarnessInfo {
  readonly version: string;
  readonly short: string;
  /** Point model in force: gil-3.12 (3.12, 3.13), gil-3.11, gil-3.10, gil-3.9 (3.7-3.9), line-3.6. */
  readonly model: string;
  readonly executable: string;
  readonly pid: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const START_TIMEOUT_MS = 20_000;

export class CPythonBackend {
  private proc: PythonProcess | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private infoValue: HarnessInfo | null = null;
  /** Harness processes started so far (1 + restarts). */
  starts = 0;

  private constructor(readonly interpreter: Interpreter) {}

  static async start(interp: Interpreter): Promise<CPythonBackend> {
    const b = new CPythonBackend(interp);
    await b.ensure();
    return b;
  }

  /** Version and point model reported by the running harness. */
  get info(): HarnessInfo {
    if (!this.infoValue) throw new Error('CPythonBackend not started');
    return this.infoValue;
  }

  /** Pid of the current harness process (null when none is running). */
  get pid(): number | null {
    return this.proc?.alive ? this.proc.pid : null;
  }

  private async ensure(): Promise<PythonProcess> {
    if (this.closed) throw new Error('CPythonBackend is closed');
    if (this.proc?.alive) return this.proc;
    const p = new PythonProcess(this.interpreter.path);
    this.proc = p;
    this.starts++;
    try {
      const hello = await p.request({ op: 'hello' }, START_TIMEOUT_MS);
      this.infoValue = {
        version: String(hello.version),
        short: String(hello.short),
        model: String(hello.model),
        executable: String(hello.executable),
        pid: Number(hello.pid),
      };
    } catch (e) {
      p.kill();
      this.proc = null;
      throw new Error(`cannot start the CPython harness with ${this.interpreter.path}: ${(e as Error).message}`);
    }
    return p;
  }

  /**
   * Import the target in the harness and check it can stand in for the scenario's semaphores.
   * Throws TargetError (one line, for the user) when it cannot.
   */
  checkTarget(scenario: Scenario, target: TargetSpec): Promise<void> {
    const next = this.queue.then(async () => {
      const proc = await this.ensure();
      try {
        await proc.request({ op: 'target', scenario, target }, START_TIMEOUT_MS);
      } catch (e) {
        if (e instanceof HarnessError && e.field === '--target') throw new TargetError(e.message);
        if (e instanceof HarnessError && e.kind === 'timeout') throw new TargetError(`importing ${target.spec} took longer than ${START_TIMEOUT_MS / 1000} s`);
        // Only the target's import and checks ran: a module that calls os._exit (or kills its process) on import is unusable input.
        if (e instanceof HarnessError && e.kind === 'exited') throw new TargetError(`importing ${target.spec} ended the interpreter (${e.message}): a target module must not exit on import`);
        throw e;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Run one scenario under one schedule (or random policy). Never throws for a failed run: status "error". */
  run(req: CPythonRunRequest): Promise<RunResult> {
    const next = this.queue.then(() => this.runNow(req));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(req: CPythonRunRequest): Promise<RunResult> {
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let proc: PythonProcess;
    try {
      proc = await this.ensure();
    } catch (e) {
      return errorResult((e as Error).message);
    }
    try {
      const resp = await proc.request(
        {
          op: 'run',
          scenario: req.scenario,
          schedule: req.random ? null : (req.schedule ?? []),
          random: req.random ?? null,
          maxSteps: req.maxSteps ?? 20_000,
          target: req.target ?? null,
          trace: req.trace ?? true,
          wallTimeout: Math.max(1, timeoutMs / 1000 - 0.5),
        },
        timeoutMs,
      );
      if (resp.restart) proc.kill();
      return resp.result as RunResult;
    } catch (e) {
      proc.kill();
      this.proc = null;
      const err = e as Error;
      const kind = err instanceof HarnessError ? err.kind : 'protocol';
      return errorResult(`${kind}: ${err.message}`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    if (this.proc) await this.proc.close();
    this.proc = null;
  }
}

function errorResult(detail: string): RunResult {
  return { status: 'error', history: [], trace: [], semaphores: [], endTime: 0, steps: 0, schedule: [], detail };
}
