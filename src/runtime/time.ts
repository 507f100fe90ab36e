/** time.sleep in a plain thread: releases the GIL and blocks on the virtual clock. */
import { LABELS } from '../contract/names.ts';
import type { Machine } from './machine.ts';
import { point, type Py } from './instructions.ts';

const TIME_SLEEP_LABEL = LABELS.sleep;

export function* timeSleep(machine: Machine, seconds: number): Py<void> {
  if (seconds <= 0) {
    yield point(TIME_SLEEP_LABEL);
    return;
  }
  machine.touch('clock', 'r');
  yield { t: 'block', label: TIME_SLEEP_LABEL, blocker: { kind: 'sleep', until: machine.now + seconds } };
}
