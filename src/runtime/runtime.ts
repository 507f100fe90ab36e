/**
 * One simulated Python process: the machine plus the module-level state the ports share
 * (e.g. asyncio.mixins._global_lock). No state lives outside this object.
 */
import { Machine, type MachineOptions } from './machine.ts';
import { SimLock } from './lock.ts';
import { EventLoop } from './event-loop.ts';

export class PyRuntime {
  readonly machine: Machine;
  /** asyncio.mixins._global_lock (CPython 3.10+): a threading.Lock, virtualised like every lock. */
  readonly mixinsGlobalLock: SimLock;
  /** The main thread's (never running) event loop, for CPython <= 3.9 semaphores bound at construction. */
  private mainLoop: EventLoop | null = null;

  constructor(options: MachineOptions) {
    this.machine = new Machine(options);
    this.mixinsGlobalLock = new SimLock(this.machine, 'asyncio.mixins._global_lock');
  }

  /** events.get_event_loop() called on the main thread (3.9 and older, at semaphore construction). */
  mainThreadLoop(): EventLoop {
    this.mainLoop ??= new EventLoop(this.machine, 'loop@main');
    return this.mainLoop;
  }

  newLock(name: string): SimLock {
    return new SimLock(this.machine, this.machine.freshId(name));
  }
}
