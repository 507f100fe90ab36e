/**
 * Simulated runs are synchronous: a loop of them never returns to Node's event loop, so a
 * Ctrl-C handler would never run. Explorations yield every YIELD_EVERY runs (a macrotask, not a
 * microtask: signals are delivered in the event loop's poll phase).
 */
export const YIELD_EVERY = 64;

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
