/** CPython-backend figures for the bench; filled in when the real backend is available. */
import type { Scenario } from '../src/scenario/types.ts';

export async function benchCPython(_shared: Scenario, _threading: Scenario): Promise<void> {
  console.log('cpython backend: not measured in this build');
}
