/**
 * Python exceptions raised by simulated code. They are real JS exceptions so that
 * `try/finally` and `except` in the ports behave like the Python they follow. They carry what
 * Python's do (type and message); what an error *means* is decided where it is observed, by the
 * contract's rules (src/contract/error-rules.ts), exactly as on the real backend.
 */

export class PyException extends Error {
  readonly pyType: string;

  constructor(pyType: string, message: string) {
    // Simulated Python exceptions are control flow, raised on hot paths (every cancelled
    // waiter, every wrong-loop error): a JS stack trace would be the most expensive part of
    // raising one and nobody reads it. SimulationError, a real bug, keeps its stack.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.pyType = pyType;
  }
}

/** asyncio.CancelledError (a BaseException since 3.8). */
export class CancelledError extends PyException {
  constructor(message = '') {
    super('CancelledError', message);
  }
}

/** TimeoutError (asyncio.TimeoutError is the builtin since 3.11): what wait_for raises when the time is up. */
export class TimeoutError extends PyException {
  constructor(message = '') {
    super('TimeoutError', message);
  }
}

export class RuntimeError extends PyException {
  constructor(message: string) {
    super('RuntimeError', message);
  }
}

export class ValueError extends PyException {
  constructor(message: string) {
    super('ValueError', message);
  }
}

export class InvalidStateError extends PyException {
  constructor(message: string) {
    super('InvalidStateError', message);
  }
}

/** Not a Python exception: the simulation itself was misused (a bug in a port or the runtime). */
export class SimulationError extends Error {}
