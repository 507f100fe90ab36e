/**
 * The progress bar for long explorations: drawn on stderr only for a person watching a
 * terminal (never with --json, --no-progress, or under CI), so stdout stays clean.
 */
import cliProgress from 'cli-progress';
import { isCI, type CliIo } from './io.ts';

export interface Progress {
  readonly onProgress?: (done: number, total: number) => void;
  /** Remove the bar before anything else is printed. */
  stop(): void;
}

export function wantsProgress(io: CliIo, flags: { readonly json: boolean; readonly progress: boolean }): boolean {
  return flags.progress && !flags.json && io.stderrIsTTY && !isCI(io.env) && io.progressStream !== undefined;
}

export function startProgress(io: CliIo, enabled: boolean, label: string): Progress {
  if (!enabled || io.progressStream === undefined) return { stop: () => {} };
  const stream = io.progressStream;
  let bar: cliProgress.SingleBar | undefined;
  return {
    onProgress(done, total) {
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          { stream, format: `${label} [{bar}] {value}/{total} runs  {eta_formatted}`, clearOnComplete: true, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      } else {
        if (bar.getTotal() !== total) bar.setTotal(total);
        bar.update(done);
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
