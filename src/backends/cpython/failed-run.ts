/**
 * A run the harness did not finish: what its progress lines told so far, and the RunResult
 * (status "error") made of it with the failure this side observed.
 *
 * The deviations told are what makes such a run replayable: the same schedule takes the run to
 * the same point, where it fails the same way (the harness is deterministic). With the trace on,
 * the history and trace so far show where it died.
 */
import type { HistoryEvent } from '../../contract/events.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { Deviation } from '../../contract/schedule.ts';
import type { RunFailure, RunResult, TraceEntry } from '../../contract/run-result.ts';
import { HarnessError } from './process.ts';
import { progressReader, ProtocolError, type Progress } from './reply.ts';
import { PROGRAM_MAIN_THREAD } from '../../contract/program.ts';

export class RunSoFar {
  private readonly read: (value: unknown) => Progress;
  private readonly history: HistoryEvent[] = [];
  private readonly trace: TraceEntry[] = [];
  private readonly schedule: Deviation[] = [];
  /** A program's run: the threads it started so far, `main` first. */
  private readonly threads: string[] | undefined;
  private step = 0;
  private time = 0;

  constructor(scenario: Scenario, program = false) {
    this.read = progressReader(scenario, program);
    this.threads = program ? [PROGRAM_MAIN_THREAD] : undefined;
  }

  /** One progress line; throws ProtocolError when it does not fit. */
  add(line: unknown): void {
    const p = this.read(line);
    this.step = Math.max(this.step, p.step);
    this.time = Math.max(this.time, p.time);
    if (p.kind === 'deviation') this.schedule.push(p.deviation);
    else if (p.kind === 'event') this.history.push(p.event);
    else if (p.kind === 'trace') this.trace.push(p.entry);
    else if (p.kind === 'thread') this.threads?.push(p.thread);
  }

  /** The run as far as it was told, failed. */
  failed(failure: RunFailure, detail: string): RunResult {
    return {
      status: 'error',
      history: [...this.history],
      trace: [...this.trace],
      semaphores: [],
      endTime: this.time,
      steps: this.step,
      schedule: [...this.schedule],
      detail,
      failure,
      ...(this.threads !== undefined && { threads: [...this.threads] }),
    };
  }

  /** "T0 at crash_sem.py:ExitingAcquire.acquire:46": the last point the trace reached, when the trace was on. */
  lastPoint(): string | undefined {
    const e = this.trace[this.trace.length - 1];
    return e ? `${e.thread} at ${e.label}` : undefined;
  }
}

/** The failure a driver-side error means, and its one-line description. */
export function observedFailure(e: unknown, soFar: RunSoFar): { readonly failure: RunFailure; readonly detail: string } {
  const last = soFar.lastPoint();
  const at = last ? `; last point: ${last}` : '';
  if (e instanceof ProtocolError) return malformed(e.field, e.problem);
  if (!(e instanceof HarnessError)) return { failure: { kind: 'harness-error' }, detail: `the harness driver failed: ${(e as Error).message ?? String(e)}` };
  const f = e.failure;
  switch (f.kind) {
    case 'timeout': {
      const seconds = f.ms / 1000;
      return {
        failure: { kind: 'wall-time', seconds },
        detail: `no progress for ${seconds} s: the code under test blocks outside what semverify controls (a real lock, sleep, select or other system call the harness does not virtualise${at}); the harness was killed and restarted`,
      };
    }
    case 'exited': {
      const stderr = f.stderr ? `; its last words: ${f.stderr}` : '';
      const failure: RunFailure = { kind: 'harness-exited', code: f.code, signal: f.signal };
      if (f.signal) return { failure, detail: `the harness was killed by signal ${f.signal} during the run${at}${stderr}` };
      return { failure, detail: `the harness exited with code ${f.code} during the run (os._exit in the code under test?)${at}${stderr}` };
    }
    case 'protocol':
      return malformed(f.field, f.problem);
    case 'remote':
      return { failure: { kind: 'harness-error', ...(f.traceback !== undefined && { traceback: f.traceback }) }, detail: `the harness failed: ${e.message}` };
    case 'spawn':
      return { failure: { kind: 'harness-error' }, detail: e.message };
  }
}

function malformed(field: string, problem: string): { readonly failure: RunFailure; readonly detail: string } {
  return { failure: { kind: 'protocol', field }, detail: `the harness's reply is malformed: ${field}: ${problem}` };
}
