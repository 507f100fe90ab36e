/** `semverify replay <token>`: re-execute one schedule exactly and say what it shows. */
import type { ReplayToken } from './token.ts';
import type { ReplayResult } from '../report/replay-text.ts';
import { builtinProperties } from '../../properties/index.ts';
import { analyseRun } from './analyse.ts';
import { openRunner } from './open-runner.ts';

export async function replayToken(token: ReplayToken): Promise<ReplayResult> {
  const runner = await openRunner(token.scenario, {
    backend: token.backend,
    model: token.model,
    ...(token.python !== undefined ? { python: token.python } : {}),
    ...(token.maxSteps !== undefined ? { maxSteps: token.maxSteps } : {}),
    ...(token.target !== undefined ? { target: token.target.spec, pythonpath: token.target.pythonpath } : {}),
  });
  try {
    const run = await runner.run({ schedule: token.schedule, recordTrace: true });
    const a = analyseRun({ ...token.scenario, impl: runner.impl }, run, builtinProperties);
    return { run, violations: a.violations, kinds: a.kinds, primary: a.primary };
  } finally {
    await runner.close();
  }
}
