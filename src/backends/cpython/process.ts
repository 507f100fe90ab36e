/**
 * One persistent harness process: line-delimited JSON requests and responses matched by id, and
 * the progress of a request in flight (a run's deviations, ...: see Sched.tell in the harness),
 * which comes in batches: a `told` line carries the items the harness held since its last one.
 * Every line on the harness's stdout is the harness's (it moves fd 1 to stderr for the code it
 * runs), so a line that is not a message of ours is a protocol failure, not noise to skip.
 *
 * No orphans: every live process is registered; they are killed on Node's `exit`, and on
 * SIGINT/SIGTERM when nobody else handles the signal (then the default behaviour is restored and
 * the signal re-raised). When the CLI handles it (to print a partial report), the harnesses are
 * closed normally after the run in flight. The harness also exits by itself when its stdin
 * closes, which covers a Node process killed with SIGKILL. Harnesses run in their own process
 * group, so a terminal's Ctrl-C reaches Node alone and cannot kill a run half-way.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ProtocolError } from './reply.ts';

export const HARNESS_PATH = fileURLToPath(new URL('./harness/semverify_launcher.py', import.meta.url));

/** How a request ended without its reply. */
export type HarnessFailure =
  /** Nothing about the request arrived for `ms`: the process was killed. */
  | { readonly kind: 'timeout'; readonly ms: number }
  /** The process ended: by itself (`code`) or by a signal. `stderr`: its last line written during this request, if any. */
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stderr: string }
  /** The interpreter could not be run at all. */
  | { readonly kind: 'spawn' }
  /** A line about the request did not fit the protocol at `field` (the process was killed). */
  | { readonly kind: 'protocol'; readonly field: string; readonly problem: string }
  /** The harness answered `ok: false`; `field` names the user input at fault (`--target`), if any. */
  | { readonly kind: 'remote'; readonly field?: string; readonly traceback?: string };

export class HarnessError extends Error {
  constructor(
    message: string,
    readonly failure: HarnessFailure,
  ) {
    super(message);
    this.name = 'HarnessError';
  }
  get kind(): HarnessFailure['kind'] {
    return this.failure.kind;
  }
  /** For a remote error about user input (`--target`): the input it is about. */
  get field(): string | undefined {
    return this.failure.kind === 'remote' ? this.failure.field : undefined;
  }
}

export interface RequestOptions {
  /** The request fails (`timeout`) and the process is killed when no line about it arrives for this long. */
  readonly timeoutMs?: number;
  /** Receives each progress item of the request, in order; throwing a ProtocolError fails the request as `protocol`. */
  readonly onProgress?: (line: Record<string, unknown>) => void;
}

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
  readonly opts: RequestOptions;
  timer: NodeJS.Timeout | undefined;
}

/** After `exit`, how long to wait for stdout to drain (`close`) before giving up on it: a child of the code under test may hold it open. */
const DRAIN_MS = 1000;

const live = new Set<PythonProcess>();
let handlersInstalled = false;

function killAll(): void {
  for (const p of [...live]) p.kill();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      // Someone else handles it (the CLI finishes the run in flight, then closes us): leave them be.
      if (process.listenerCount(sig) > 1) return;
      killAll();
      process.removeListener(sig, handler);
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

/** Number of harness processes alive in this Node process (tests check it is 0 after close). */
export function liveProcessCount(): number {
  return live.size;
}

export class PythonProcess {
  private child: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private exited = false;
  /** Killed by us: not to be given another request, even before its `exit` arrives. */
  private killed = false;
  private finalised = false;
  private ended: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  /** stderr written since the current request was sent (asyncio's logging, a dying interpreter's last words). */
  private stderrSince = '';
  readonly pid: number;

  constructor(readonly python: string) {
    installHandlers();
    this.child = spawn(python, ['-u', '-X', 'utf8', HARNESS_PATH], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0', PYTHONIOENCODING: 'utf-8' },
    });
    this.pid = this.child.pid ?? -1;
    live.add(this);
    const rl = createInterface({ input: this.child.stdout });
    rl.on('line', (line) => this.onLine(line));
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderrSince = (this.stderrSince + d.toString('utf8')).slice(-4000);
    });
    this.child.stdin.on('error', () => {});
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      this.ended = { code, signal };
      live.delete(this);
      // The lines it wrote before dying (a run's progress) are still in the pipe: answer once they are read.
      setTimeout(() => this.finalise(), DRAIN_MS).unref();
    });
    this.child.on('close', () => this.finalise());
    this.child.on('error', (err) => {
      this.exited = true;
      live.delete(this);
      this.rejectAll(new HarnessError(`cannot run ${python}: ${err.message}`, { kind: 'spawn' }));
    });
    this.updateRef();
  }

  /** The process is gone and its output read: fail whatever still waits for a reply. */
  private finalise(): void {
    if (this.finalised || !this.ended) return;
    this.finalised = true;
    const { code, signal } = this.ended;
    const stderr = lastLine(this.stderrSince);
    // The words callers quote (checkTarget); a failed run's detail is written from the typed fields instead.
    this.rejectAll(new HarnessError(`harness exited (code ${code}, signal ${signal})${stderr ? `: ${stderr}` : ''}`, { kind: 'exited', code, signal, stderr }));
  }

  private rejectAll(e: HarnessError): void {
    for (const [, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
  }

  get alive(): boolean {
    return !this.exited && !this.killed;
  }

  /** Keep Node alive only while a request is in flight. */
  private updateRef(): void {
    const busy = this.pending.size > 0;
    const streams = [this.child.stdout, this.child.stderr, this.child.stdin] as unknown as { ref?(): void; unref?(): void }[];
    if (busy) {
      this.child.ref();
      for (const s of streams) s.ref?.();
    } else {
      this.child.unref();
      for (const s of streams) s.unref?.();
    }
  }

  private onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return this.protocolFailure('(line)', `not JSON: ${JSON.stringify(line.slice(0, 60))}`);
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return this.protocolFailure('(line)', 'not a JSON object');
    const m = msg as Record<string, unknown>;
    const p = typeof m.id === 'number' ? this.pending.get(m.id) : undefined;
    if (!p) return this.protocolFailure('id', `no request in flight has id ${JSON.stringify(m.id)}`);
    const id = m.id as number;
    if (m.told !== undefined) {
      const onProgress = p.opts.onProgress;
      if (!onProgress) return this.protocolFailure('told', 'this request has no progress');
      if (!Array.isArray(m.told) || m.told.length === 0) return this.protocolFailure('told', 'expected a non-empty array of progress items');
      for (const [i, item] of m.told.entries()) {
        try {
          onProgress(item);
        } catch (e) {
          if (e instanceof ProtocolError) return this.protocolFailure(`told[${i}].${e.field}`, e.problem);
          throw e;
        }
      }
      this.arm(id, p); // progress: the request's silence starts again
      return;
    }
    if (typeof m.ok !== 'boolean') return this.protocolFailure('ok', `expected true or false, got ${JSON.stringify(m.ok)}`);
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    this.updateRef();
    if (m.ok) return p.resolve(m);
    const error = typeof m.error === 'string' ? m.error : 'harness error';
    p.reject(
      new HarnessError(error, {
        kind: 'remote',
        ...(typeof m.field === 'string' && { field: m.field }),
        ...(typeof m.traceback === 'string' && { traceback: m.traceback }),
      }),
    );
  }

  /** A line that is no message of ours: nothing more it says can be trusted. */
  private protocolFailure(field: string, problem: string): void {
    this.rejectAll(new HarnessError(`the harness's reply is malformed: ${field}: ${problem}`, { kind: 'protocol', field, problem }));
    this.kill();
  }

  /** (Re)start the silence timer of a pending request. */
  private arm(id: number, p: Pending): void {
    const ms = p.opts.timeoutMs;
    if (ms === undefined || ms <= 0) return;
    if (p.timer) clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      this.pending.delete(id);
      p.reject(new HarnessError(`nothing from the harness for ${ms} ms; killed`, { kind: 'timeout', ms }));
      this.kill();
    }, ms);
  }

  request(msg: Record<string, unknown>, opts: RequestOptions = {}): Promise<Record<string, unknown>> {
    if (!this.alive)
      return Promise.reject(
        new HarnessError('harness is not running', { kind: 'exited', code: this.ended?.code ?? null, signal: this.ended?.signal ?? null, stderr: '' }),
      );
    const id = this.nextId++;
    this.stderrSince = '';
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject, opts, timer: undefined };
      this.pending.set(id, p);
      this.arm(id, p);
      this.updateRef();
      this.child.stdin.write(`${JSON.stringify({ ...msg, id })}\n`);
    });
  }

  kill(): void {
    this.killed = true;
    if (!this.exited) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    live.delete(this);
  }

  /** Ask the harness to exit, and kill it if it does not within `graceMs`. */
  async close(graceMs = 1000): Promise<void> {
    if (this.exited) {
      live.delete(this);
      return;
    }
    const gone = new Promise<void>((res) => this.child.once('exit', () => res()));
    this.child.ref();
    try {
      this.child.stdin.end();
    } catch {
      // ignore
    }
    const t = setTimeout(() => this.kill(), graceMs);
    await gone;
    clearTimeout(t);
    live.delete(this);
  }
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const last = lines[lines.length - 1] ?? '';
  return last.length > 200 ? `${last.slice(0, 199)}…` : last;
}
