/**
 * Expectations that differ by interpreter version: `expect.versions` maps version ranges to
 * expectation blocks, so one scenario file can say "fifo violated on 3.6–3.8, holds from 3.9".
 *
 * Ranges: "3.9" (every 3.9.x), "3.9.18", "<=3.8", "<3.10", ">=3.10", ">3.9", "3.6-3.8"
 * (inclusive). A bound written X.Y covers every X.Y.z. Ranges of one scenario must not overlap,
 * so exactly one block (or none) applies to any version.
 *
 * For a version, the block that matches is laid over the base expectations field by field:
 * `properties` merge name by name (the block wins), every other field the block gives replaces
 * the base's.
 */
import type { Expectations, VersionExpectations } from './types.ts';

/** An inclusive interval of version keys (major * 1e6 + minor * 1e3 + patch). */
export interface VersionRange {
  readonly text: string;
  readonly lo: number;
  readonly hi: number;
}

const ANY_PATCH = 999;
const VERSION = /^(\d{1,2})\.(\d{1,3})(?:\.(\d{1,3}))?$/;

function key(major: number, minor: number, patch: number): number {
  return major * 1e6 + minor * 1e3 + patch;
}

/** "3.11.7" -> its key; "3.11" -> the key of 3.11.0 (lo) or 3.11.999 (hi). */
function bound(text: string, end: 'lo' | 'hi'): number | null {
  const m = VERSION.exec(text.trim());
  if (m === null) return null;
  const patch = m[3] === undefined ? (end === 'lo' ? 0 : ANY_PATCH) : Number(m[3]);
  return key(Number(m[1]), Number(m[2]), patch);
}

/** The range a key of `expect.versions` denotes, or a problem in words. */
export function parseVersionRange(text: string): VersionRange | string {
  const t = text.trim();
  const cmp = /^(<=|>=|<|>)\s*(.+)$/.exec(t);
  const fail = `expected a version range like "3.9", "3.10.8", "<=3.8", ">=3.10", "<3.10" or "3.6-3.8", got ${JSON.stringify(text.slice(0, 40))}`;
  if (cmp !== null) {
    const [, op, v] = cmp;
    const lo = bound(v!, 'lo');
    const hi = bound(v!, 'hi');
    if (lo === null || hi === null) return fail;
    switch (op) {
      case '<=':
        return { text: t, lo: 0, hi };
      case '<':
        return { text: t, lo: 0, hi: lo - 1 };
      case '>=':
        return { text: t, lo, hi: Infinity };
      default:
        return { text: t, lo: hi + 1, hi: Infinity };
    }
  }
  const dash = /^([\d.]+)\s*-\s*([\d.]+)$/.exec(t);
  if (dash !== null) {
    const lo = bound(dash[1]!, 'lo');
    const hi = bound(dash[2]!, 'hi');
    if (lo === null || hi === null) return fail;
    if (lo > hi) return `empty range ${JSON.stringify(t)}: ${dash[1]} comes after ${dash[2]}`;
    return { text: t, lo, hi };
  }
  const lo = bound(t, 'lo');
  const hi = bound(t, 'hi');
  if (lo === null || hi === null) return fail;
  return { text: t, lo, hi };
}

export function overlaps(a: VersionRange, b: VersionRange): boolean {
  return a.lo <= b.hi && b.lo <= a.hi;
}

/** Whether a concrete interpreter version ("3.9.18", or "3.11" for a port known only by minor) is in the range. */
export function inRange(range: VersionRange, version: string): boolean {
  const k = bound(version, 'lo');
  return k !== null && k >= range.lo && k <= range.hi;
}

/** The range key of `expect.versions` that applies to `version`, if any. */
export function matchingRange(expect: Expectations | undefined, version: string): string | undefined {
  for (const text of Object.keys(expect?.versions ?? {})) {
    const r = parseVersionRange(text);
    if (typeof r !== 'string' && inRange(r, version)) return text;
  }
  return undefined;
}

/** The expectations that hold for `version`: the base with the matching block laid over it. No `versions` left. */
export function expectationsFor(expect: Expectations | undefined, version: string): Omit<Expectations, 'versions'> {
  const { versions: _all, ...base } = expect ?? {};
  const range = matchingRange(expect, version);
  if (range === undefined) return base;
  const block: VersionExpectations = expect!.versions![range]!;
  return {
    ...base,
    ...block,
    ...((base.properties !== undefined || block.properties !== undefined) && { properties: { ...base.properties, ...block.properties } }),
  };
}
