/**
 * The CLI's contact with the process: output streams, terminal facts and environment,
 * gathered once at the entry point and passed down, so commands are testable in-process
 * and nothing deep inside reads globals.
 */
import { processInterrupts, type Interrupts } from './interrupts.ts';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Terminal width of stdout, when it is a terminal. */
  readonly columns?: number;
  /** The stream a progress bar may draw on (stderr). */
  readonly progressStream?: NodeJS.WriteStream;
  /** SIGINT/SIGTERM: stop exploring and print what was found. Absent in-process (tests pass their own). */
  readonly interrupts?: Interrupts;
}

export function processIo(): CliIo {
  // `semverify ... | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    ...(process.stdout.isTTY === true && { columns: process.stdout.columns }),
    progressStream: process.stderr,
    interrupts: processInterrupts((line) => void process.stderr.write(line)),
  };
}

/**
 * https://no-color.org: never when NO_COLOR is set non-empty; FORCE_COLOR (any value but "0" or
 * "false") asks for colour when stdout is not a terminal (CI logs that render ANSI); otherwise a terminal only.
 */
export function useColor(io: CliIo): boolean {
  if ((io.env.NO_COLOR ?? '') !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return io.stdoutIsTTY;
}

export function isCI(env: CliIo['env']): boolean {
  const v = env.CI;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** Width for tables: the terminal's, within reason; 120 when not a terminal. */
export function outputWidth(io: CliIo): number {
  return io.columns !== undefined && io.columns > 0 ? Math.min(200, Math.max(60, io.columns)) : 120;
}
