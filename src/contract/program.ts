/**
 * A Python program checked as it is (`semverify check script.py`, docs/programs.md): what the
 * harness runs as __main__, what a run request and a replay token name. Only a backend that
 * declares `runsPrograms` runs one (src/backends/registry.ts).
 */

export interface ProgramSpec {
  /** Absolute path of the script. */
  readonly path: string;
  /** SHA-256 of the script's bytes, lowercase hex: a token replays only against the same content. */
  readonly digest: string;
  /** Its command-line arguments (sys.argv[1:]). */
  readonly args: readonly string[];
}

/** The thread that runs the program's module code: the program's main thread. */
export const PROGRAM_MAIN_THREAD = 'main';

/** A digest as the harness and tokens write it. */
export const DIGEST_SHAPE = /^[0-9a-f]{64}$/;
