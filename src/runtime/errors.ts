/**
 * Python exceptions raised by simulated code. They are real JS exceptions so that
 * `try/finally` and `except` in the ports behave like the Python they follow.
 */
import type { ErrorClass } from '../history/events.ts';

export class PyException extends Error {
  constructor(
    readonly pyType: string,
    message: string,
    readonly errorClass: ErrorClass = 'other',
  ) {
    super(message);
  }
}

/** asyncio.CancelledError (a BaseException since 3.8). */
export class CancelledError extends PyException {
  constructor(message = '') {
    super('CancelledError', message);
  }
}

export class RuntimeError extends PyException {
  constructor(message: string, errorClass: ErrorClass = 'other') {
    super('RuntimeError', message, errorClass);
  }
}

export class ValueError extends PyException {
  constructor(message: string, errorClass: ErrorClass = 'other') {
    super('ValueError', message, errorClass);
  }
}

export class InvalidStateError extends PyException {
  constructor(message: string) {
    super('InvalidStateError', message);
  }
}

/** Not a Python exception: the simulation itself was misused (a bug in a port or the runtime). */
export class SimulationError extends Error {}
