/** "Say why it fails": each minimal counterexample names the race its steps' accesses show. */
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../src/explore/check.ts';
import { findInterpreter } from '../src/backends/cpython/interpreters.ts';
import { builtin } from './helpers.ts';

describe('explanations of minimal counterexamples (simulation: every step records what it read and wrote)', () => {
  it('asyncio-shared-3-threads: over-admission is a check-then-act on sem._value, the hang a lost wake-up, wrong-loop a binding by another loop', async () => {
    const r = await checkScenario(builtin('asyncio-shared-3-threads'), { seed: 1, backend: 'sim', model: 'gil', confirm: false });
    const why = (k: string) => r.outcomes.find((o) => o.kind === k)!.minimal!.explanation!;
    expect(why('over-admission').race).toBe('check-then-act');
    expect(why('over-admission').text).toMatch(
      /^T\d read sem\._value \(step \d+, locks\.py:Semaphore\.locked.* and was preempted at locks\.py:Semaphore\.locked:362 .*T\d then wrote sem\._value/,
    );
    expect(why('hang')).toMatchObject({ race: 'lost-wake-up' });
    expect(why('hang').text).toMatch(
      /resolved T\d's future .* at locks\.py:Semaphore\._wake_up_next:\d+ .* call_soon on loop@T\d and does not wake its selector/,
    );
    expect(why('wrong-loop')).toMatchObject({ race: 'loop-binding' });
    expect(why('wrong-loop').text).toMatch(/bound sem to its loop at mixins\.py:_LoopBoundMixin\._get_loop:\d+/);
    // A clean schedule has nothing to explain.
    expect(r.outcomes.find((o) => o.kind === 'ok')!.minimal!.explanation).toBeUndefined();
  });

  const py = findInterpreter('3.11');
  it.skipIf(!py)(`the real backend records no accesses: its counterexamples carry no explanation${py ? '' : ' (skipped: no CPython 3.11)'}`, async () => {
    const r = await checkScenario(builtin('asyncio-shared-2-threads'), { seed: 1, backend: 'cpython', model: 'gil', python: py!.path, runs: 200 });
    const bad = r.outcomes.filter((o) => o.kind !== 'ok' && o.minimal);
    expect(bad.length).toBeGreaterThan(0);
    for (const o of bad) expect(o.minimal!.explanation).toBeUndefined();
  });
});
