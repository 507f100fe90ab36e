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
