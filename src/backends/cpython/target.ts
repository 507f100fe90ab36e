/**
 * The harness could not use a `--target` class (src/contract/target.ts): import failed, no such
 * class, wrong kind of acquire, ...: one line.
 */
export class TargetError extends Error {
  readonly field = '--target';
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/**
 * The harness will not run a program (src/contract/program.ts): unreadable, changed, not Python,
 * or using what semverify cannot control (a subprocess, a socket): one line.
 */
export class ProgramError extends Error {
  readonly field = 'program';
  constructor(message: string) {
    super(message);
    this.name = 'ProgramError';
  }
}
