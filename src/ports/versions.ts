/**
 * The version ports: for each CPython release, the algorithm family its asyncio.Semaphore
 * follows and its threading.Semaphore, each walking that release's own bytecode (its label
 * table), so one family's code serves every release that shipped it.
 *
 *   3.6.15, 3.7.16, 3.8.18   waiter deque, bound at construction    asyncio/waiter-deque.ts
 *   3.9.18                   + _wakeup_scheduled (gh-90155)          asyncio/wakeup-scheduled.ts
 *   3.10.13, 3.12.1          hand-off, lazy loop binding             asyncio/hand-off.ts
 *   3.13.0                   hand-off, wakes as many as permitted    asyncio/wake-many.ts
 *   all                      threading Semaphore/Condition           threading/semaphore.ts
 */
import type { Implementation, SemaphoreArgs, SemaphorePort } from './port.ts';
import type { TableVersion } from './labels/table.ts';
import { type PortVersion, portVersion } from './bytecode/version.ts';
import { WaiterDequeSemaphore } from './asyncio/waiter-deque.ts';
import { WakeupScheduledSemaphore } from './asyncio/wakeup-scheduled.ts';
import { HandOffSemaphore } from './asyncio/hand-off.ts';
import { WakeManySemaphore } from './asyncio/wake-many.ts';
import { ThreadingSemaphorePort } from './threading/semaphore.ts';

type AsyncioFamily = new (rt: SemaphoreArgs['rt'], id: string, v: PortVersion, value: number, bounded: boolean) => SemaphorePort;

/** A release's ports. Its label table is read the first time one of its semaphores is made. */
export function versionPorts(version: TableVersion, follows: string, asyncio: AsyncioFamily): Implementation {
  let v: PortVersion | undefined;
  const table = (): PortVersion => {
    v ??= portVersion(version);
    return v;
  };
  return {
    id: `cpython-${version}`,
    follows,
    asyncio: (a) => new asyncio(a.rt, a.id, table(), a.value, a.bounded),
    threading: (a) => new ThreadingSemaphorePort(a.rt, a.id, table(), a.value, a.bounded),
  };
}

export const ASYNCIO_FAMILIES = {
  waiterDeque: WaiterDequeSemaphore,
  wakeupScheduled: WakeupScheduledSemaphore,
  handOff: HandOffSemaphore,
  wakeMany: WakeManySemaphore,
} as const satisfies Record<string, AsyncioFamily>;
