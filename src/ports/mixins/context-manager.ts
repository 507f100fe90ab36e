/**
 * asyncio's _ContextManagerMixin (Lib/asyncio/locks.py), as every version from 3.6 to 3.13 has
 * it: `async with sem:` awaits `acquire()` and calls `release()`. (3.6 spells them as
 * `@coroutine` generators with `yield from`; the walker follows its bytecode all the same.)
 */
import type { Py } from '../../runtime/instructions.ts';
import type { PortVersion } from '../bytecode/version.ts';

const LOCKS = 'asyncio/locks.py';

// CPython 3.6-3.13 Lib/asyncio/locks.py _ContextManagerMixin.__aenter__
export function* aenter(v: PortVersion, acquire: () => Py<boolean>): Py<void> {
  const f = v.frame(`${LOCKS}:_ContextManagerMixin.__aenter__`);
  yield* f.start();
  // await self.acquire()
  yield* f.awaitCoroutine('acquire', acquire());
  // return None
  yield* f.ret();
}

// CPython 3.6-3.13 Lib/asyncio/locks.py _ContextManagerMixin.__aexit__
export function* aexit(v: PortVersion, release: () => Py<void>): Py<void> {
  const f = v.frame(`${LOCKS}:_ContextManagerMixin.__aexit__`);
  yield* f.start();
  // self.release()
  yield* f.call('release', 'py', release);
  yield* f.ret();
}
