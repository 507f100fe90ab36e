/**
 * Bad user input (scenario files, CLI flags, replay tokens) as a typed exception.
 *
 * The CLI prints it as exactly one line, `semverify: <message>`, and exits with code 2;
 * everything else that escapes is an internal error. Keeping the field separate from the
 * problem lets tests and callers assert on *which* input was wrong without parsing text.
 */
export class InputError extends Error {
  /** What was wrong: a field path (`threads[1].tasks[0].ops[2].seconds`), a flag (`--runs`), or `token`. */
  readonly field: string;
  /** What is wrong with it, e.g. `expected a number >= 0, got "1"`. */
  readonly problem: string;
  /** Where the input came from (a file path), when that helps locate it. */
  readonly source?: string;

  constructor(field: string, problem: string, source?: string) {
    super(`${source !== undefined ? `${source}: ` : ''}${field}: ${problem}`);
    this.name = 'InputError';
    this.field = field;
    this.problem = problem;
    if (source !== undefined) this.source = source;
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
