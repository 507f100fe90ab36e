/**
 * The real backend: runs a scenario on an installed CPython's own asyncio.Semaphore /
 * threading.Semaphore (or a user's class, `target`) under the harness's controlled scheduler
 * (see docs/cpython-backend.md).
 */
import type { Scenario } from '../../scenario/types.ts';
import type { Schedule } from '../../contract/schedule.ts';
import type { RunResult } from '../../contract/run-result.ts';
import { DEFAULT_MAX_STEPS } from '../../contract/names.ts';
import type { SourceSpec } from '../../contract/source-spec.ts';
import type { Interpreter } from './interpreters.ts';
import { HarnessError, PythonProcess } from './process.ts';
import { ProgramError, TargetError } from './target.ts';
import type { TargetSpec } from '../../contract/target.ts';
import type { ProgramSpec } from '../../contract/program.ts';
import { readHello, readRunReply } from './reply.ts';
import type { HarnessInfo } from './harness-info.ts';
import { observedFailure, RunSoFar } from './failed-run.ts';

export interface CPythonRunRequest {
  readonly scenario: Scenario;
  /** Replay these deviations (ignored when `source` is given). */
  readonly schedule?: Schedule;
  /**
   * The decision source, sent to the harness as is: random, bounded or prefix (the result then
   * carries `decisions`). The result's `schedule` lists the choices made, so it replays exactly.
   */
  readonly source?: SourceSpec;
  /** Scheduling-point budget (default 20,000): beyond it the run ends with status "step-limit". */
  readonly maxSteps?: number;
  /**
   * Wall-time guard (default DEFAULT_WALL_TIME_MS): when the harness reports no progress for this long,
   * the code under test blocks outside the virtual primitives; the run is status "error" (failure
   * `wall-time`), the process is killed, and the next run starts a fresh one. The harness reports
   * progress every thousand points, so a long run that keeps stepping is not cut (its step budget
   * bounds it). Not the exploration's --time-limit, which stops exploring and never fails a run.
   */
  readonly wallTimeMs?: number;
  /** Record the trace (default true). Exploration can turn it off for speed. */
  readonly trace?: boolean;
  /**
   * Also stream the history and trace while the run is in flight (default false), so that a run
   * that kills the process (os._exit, a signal, the wall-time guard) still shows where it died.
   * Halves the speed of a traced run: for the few runs a report shows.
   */
  readonly tellAll?: boolean;
  /** A user's semaphore class in place of every semaphore of the scenario (check it first with checkTarget). */
  readonly target?: TargetSpec;
  /** A Python program run as it is, instead of the scenario (docs/programs.md; check it first with checkProgram). */
  readonly program?: ProgramSpec;
}

/** Generous: a run takes milliseconds, and the harness reports progress every thousand points. */
export const DEFAULT_WALL_TIME_MS = 10_000;
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
      this.infoValue = readHello(await p.request({ op: 'hello' }, { timeoutMs: START_TIMEOUT_MS }));
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
        await proc.request({ op: 'target', scenario, target }, { timeoutMs: START_TIMEOUT_MS });
      } catch (e) {
        if (e instanceof HarnessError && e.field === '--target') throw new TargetError(e.message);
        if (e instanceof HarnessError && e.kind === 'timeout') throw new TargetError(`importing ${target.spec} took longer than ${START_TIMEOUT_MS / 1000} s`);
        // Only the target's import and checks ran: a module that calls os._exit (or kills its process) on import is unusable input.
        if (e instanceof HarnessError && e.kind === 'exited')
          throw new TargetError(`importing ${target.spec} ended the interpreter (${e.message}): a target module must not exit on import`);
        throw e;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Have the harness read the program, check it is the file with this digest and uses nothing it
   * cannot control, and import the standard library it needs. Throws ProgramError (one line) when not.
   */
  checkProgram(program: ProgramSpec): Promise<void> {
    const next = this.queue.then(async () => {
      const proc = await this.ensure();
      try {
        await proc.request({ op: 'program', program }, { timeoutMs: START_TIMEOUT_MS });
      } catch (e) {
        if (e instanceof HarnessError && e.field === 'program') throw new ProgramError(e.message);
        throw e;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Run one scenario under one schedule (or decision source). Never throws for a failed run: status "error". */
  run(req: CPythonRunRequest): Promise<RunResult> {
    const next = this.queue.then(() => this.runNow(req));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(req: CPythonRunRequest): Promise<RunResult> {
    const program = req.program !== undefined;
    const soFar = new RunSoFar(req.scenario, program);
    let proc: PythonProcess;
    try {
      proc = await this.ensure();
    } catch (e) {
      return soFar.failed({ kind: 'harness-error' }, (e as Error).message);
    }
    try {
      const resp = await proc.request(
        {
          op: 'run',
          scenario: req.scenario,
          schedule: req.source ? null : (req.schedule ?? []),
          source: req.source ?? null,
          maxSteps: req.maxSteps ?? DEFAULT_MAX_STEPS,
          target: req.target ?? null,
          ...(req.program !== undefined && { program: req.program }),
          trace: req.trace ?? true,
          tellAll: req.tellAll ?? false,
        },
        { timeoutMs: req.wallTimeMs ?? DEFAULT_WALL_TIME_MS, onProgress: (line) => soFar.add(line) },
      );
      const { result, restart } = readRunReply(resp, req.scenario, program);
      if (restart) proc.kill(); // it could not unwind the run's threads: the next run starts afresh
      return result;
    } catch (e) {
      // Whatever went wrong, this process is not to be trusted with the next run.
      proc.kill();
      this.proc = null;
      const { failure, detail } = observedFailure(e, soFar);
      return soFar.failed(failure, detail);
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
