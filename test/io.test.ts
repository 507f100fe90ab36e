/** Colour decisions (NO_COLOR, FORCE_COLOR) and the schedule arbitrary's switches. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useColor, type CliIo } from '../src/cli/io.ts';
import { scheduleArbitrary } from '../src/backends/sim/schedule-arbitrary.ts';
import { resolveScenario } from '../src/scenario/load.ts';

const io = (env: Record<string, string>, tty: boolean): CliIo => ({ stdout: () => {}, stderr: () => {}, env, stdoutIsTTY: tty, stderrIsTTY: tty });

describe('useColor', () => {
  it('a terminal gets colour, a pipe none; NO_COLOR wins over everything; FORCE_COLOR colours a pipe', () => {
    expect(useColor(io({}, true))).toBe(true);
    expect(useColor(io({}, false))).toBe(false);
    expect(useColor(io({ FORCE_COLOR: '1' }, false))).toBe(true);
    expect(useColor(io({ FORCE_COLOR: '0' }, true))).toBe(false);
    expect(useColor(io({ FORCE_COLOR: 'false' }, true))).toBe(false);
    expect(useColor(io({ NO_COLOR: '1', FORCE_COLOR: '1' }, true))).toBe(false);
  });
});

describe('scheduleArbitrary', () => {
  it('never draws a switch from a thread to itself', () => {
    const arb = scheduleArbitrary(resolveScenario('asyncio-shared-3-threads'), { probes: 3, maxPreemptions: 4 });
    fc.assert(
      fc.property(arb, (schedule) => schedule.every((d) => d.kind !== 'switch' || d.to !== d.thread)),
      { seed: 7, numRuns: 300 },
    );
  });
});
