/** time.sleep in a plain thread: releases the GIL and blocks on the virtual clock. */
import type { Machine } from './machine.ts';
import { point, type Py } from './instructions.ts';

export const TIME_SLEEP_LABEL = 'time.py:sleep';

export function* timeSleep(machine: Machine, seconds: number): Py<void> {
  if (seconds <= 0) {
    yield point(TIME_SLEEP_LABEL);
    return;
  }
  yield { t: 'block', label: TIME_SLEEP_LABEL, blocker: { kind: 'sleep', until: machine.now + seconds } };
}
