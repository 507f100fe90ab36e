/**
 * `--target module.path:ClassName`: a user's own semaphore class checked in place of the
 * standard library's (docs/cpython-backend.md, "Checking your own semaphore"). What a target is
 * and the shape of its name, shared by the flags, replay tokens, the runner options and the
 * harness request; only a backend that declares `runsTargets` runs one (src/backends/registry.ts).
 */

export interface TargetSpec {
  /** `module.path:ClassName`, imported by the harness. */
  readonly spec: string;
  /** Directories put first on the harness's sys.path before importing (as given; the harness makes them absolute). */
  readonly pythonpath: readonly string[];
}

/** Python identifiers (ASCII or not), dotted for the module, one for the class. */
const IDENT = '[\\p{L}_][\\p{L}\\p{N}_]*';
const SHAPE = new RegExp(`^${IDENT}(?:\\.${IDENT})*:${IDENT}$`, 'u');

/** The problem with a spec's shape, or undefined when it is `module.path:ClassName`. */
export function targetShapeProblem(spec: string): string | undefined {
  return SHAPE.test(spec) ? undefined : `expected module.path:ClassName, got ${JSON.stringify(spec)}`;
}
