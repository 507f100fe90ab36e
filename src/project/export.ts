/** Regression tests from a replay token (placeholder until the generators land). */
import type { ReplayToken } from '../explore/token.ts';
import type { ReplayResult } from '../explore/report-types.ts';

export function pythonRegressionTest(_token: ReplayToken, _result: ReplayResult): string {
  return '';
}

export function vitestRegressionTest(_token: ReplayToken, _result: ReplayResult): string {
  return '';
}
