/**
 * One persistent harness process: line-delimited JSON requests and responses matched by id.
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

export const HARNESS_PATH = fileURLToPath(new URL('./harness/semverify_harness.py', import.meta.url));

export class HarnessError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'exited' | 'protocol' | 'remote',
    /** For a remote error about user input (`--target`): the input it is about. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HarnessError';
  }
}

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout | undefined;
}

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
  private stderrTail = '';
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
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4000);
    });
    this.child.stdin.on('error', () => {});
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      live.delete(this);
      const why = `harness exited (code ${code}, signal ${signal})${this.stderrTail ? `: ${this.stderrTail.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
      for (const [, p] of this.pending) {
        if (p.timer) clearTimeout(p.timer);
        p.reject(new HarnessError(why, 'exited'));
      }
      this.pending.clear();
    });
    this.child.on('error', (err) => {
      this.exited = true;
      live.delete(this);
      for (const [, p] of this.pending) {
        if (p.timer) clearTimeout(p.timer);
        p.reject(new HarnessError(`cannot run ${python}: ${err.message}`, 'exited'));
      }
      this.pending.clear();
    });
    this.updateRef();
  }

  get alive(): boolean {
    return !this.exited;
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
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not ours
    }
    const id = msg.id as number;
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    this.updateRef();
    if (msg.ok === false) p.reject(new HarnessError(String(msg.error ?? 'harness error'), 'remote', typeof msg.field === 'string' ? msg.field : undefined));
    else p.resolve(msg);
  }

  request(msg: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new HarnessError('harness is not running', 'exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject, timer: undefined };
      if (timeoutMs !== undefined && timeoutMs > 0) {
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new HarnessError(`run exceeded its time limit of ${timeoutMs} ms; harness killed`, 'timeout'));
          this.kill();
        }, timeoutMs);
      }
      this.pending.set(id, p);
      this.updateRef();
      this.child.stdin.write(JSON.stringify({ ...msg, id }) + '\n');
    });
  }

  kill(): void {
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
