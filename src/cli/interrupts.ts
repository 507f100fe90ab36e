/**
 * Ctrl-C and SIGTERM keep what was found. The first signal asks the exploration to stop after the
 * run in flight; the command then prints the partial report (marked partial) and exits 130
 * (SIGINT) or 143 (SIGTERM). A second signal stops at once, with the same code.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM';

export const EXIT_ON_SIGNAL: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

export interface Interrupts {
  /** Aborted at the first signal; its reason is the StopSignal. */
  readonly signal: AbortSignal;
  /** The first signal received, or null. */
  received(): StopSignal | null;
  dispose(): void;
}

/** Handlers on this process. `say` reports the first signal (one line on stderr). */
export function processInterrupts(say: (line: string) => void): Interrupts {
  const controller = new AbortController();
  let first: StopSignal | null = null;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
    const handler = (): void => {
      if (first !== null) process.exit(EXIT_ON_SIGNAL[first]);
      first = sig;
      say(`semverify: ${sig}: finishing the run in flight, then printing what was found (again to stop at once)\n`);
      controller.abort(sig);
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  return {
    signal: controller.signal,
    received: () => first,
    dispose: () => {
      for (const [sig, h] of handlers) process.removeListener(sig, h);
    },
  };
}
