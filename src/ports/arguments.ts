/**
 * asyncio.Semaphore's acquire() and release() take no arguments (a timeout is asyncio.wait_for
 * around the call; release(n) is threading's): called with one, Python raises TypeError at the
 * call, before the function runs. The scenario validator refuses such calls; a port still answers
 * them as CPython does rather than ignoring what it was given.
 */
import { PyException } from '../runtime/errors.ts';

export function takesNoArgument(method: string, given: unknown): void {
  if (given !== undefined) throw new PyException('TypeError', `${method}() takes 1 positional argument but 2 were given`);
}
