/**
 * A real replay token, altered in transit: every one-character edit, every cut, and every edit of
 * its prefix must be refused by `semverify replay` (exit 2, one line naming `token`) before
 * anything runs. Before tokens carried a digest, about a third of such edits still decoded and
 * replayed a different run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.ts';
import { checkScenario } from '../src/explore/check.ts';
import { decodeToken, TOKEN_PREFIX } from '../src/explore/token.ts';
import { builtin, captureIo, noEngine } from './helpers.ts';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The exit code and stderr of `semverify replay <token>`, in-process. */
async function replay(token: string): Promise<{ code: number; err: string }> {
  const c = captureIo();
  const code = await runCli(['replay', token], c.io, noEngine);
  return { code, err: c.err() };
}

/**
 * Edits whose replay was not exit 2 with one line naming `token`. (An edit that starts with "-"
 * is an unknown option to the argument parser: exit 2 too, on one short line naming it.)
 */
async function accepted(edits: readonly string[]): Promise<string[]> {
  const bad: string[] = [];
  for (const t of edits) {
    const r = await replay(t);
    const line = t.startsWith('-') ? /^semverify: -[^:\n]{1,41}: unknown option[^\n]*\n$/ : /^semverify: token: [^\n]+\n$/;
    if (r.code !== 2 || !line.test(r.err)) bad.push(`${t} -> exit ${r.code}: ${r.err}`);
  }
  return bad;
}

let real = '';
beforeAll(async () => {
  const r = await checkScenario(builtin('asyncio-shared-2-threads'), { seed: 1, runs: 200, backend: 'sim', model: 'gil', confirm: false });
  real = r.outcomes.find((o) => o.kind === 'over-admission')!.minimal!.replay;
});

describe('a tampered token is refused, every time', () => {
  it('the untouched token decodes (so the edits below are the only difference)', () => {
    expect(real.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(decodeToken(real).scenario.id).toBe('asyncio-shared-2-threads');
  });

  it('every character of the body replaced by every other base64url character', async () => {
    const edits: string[] = [];
    for (let i = TOKEN_PREFIX.length; i < real.length; i++) {
      for (const ch of BASE64URL) if (ch !== real[i]) edits.push(real.slice(0, i) + ch + real.slice(i + 1));
    }
    expect(edits.length).toBe((real.length - TOKEN_PREFIX.length) * 63);
    expect(await accepted(edits)).toEqual([]);
  });

  it('every character of the prefix replaced by every other base64url character (or removed)', async () => {
    const edits: string[] = [];
    for (let i = 0; i < TOKEN_PREFIX.length; i++) {
      for (const ch of [...BASE64URL, '.', '']) if (ch !== real[i]) edits.push(real.slice(0, i) + ch + real.slice(i + 1));
    }
    expect(await accepted(edits)).toEqual([]);
  });

  it('every cut (a token copied short) and every doubled character', async () => {
    const edits: string[] = [];
    for (let n = 0; n < real.length; n++) edits.push(real.slice(0, n));
    for (let i = TOKEN_PREFIX.length; i < real.length; i++) edits.push(real.slice(0, i) + real[i] + real.slice(i));
    // An empty argument is commander's to refuse: it still exits 2 with one line, on another field.
    const bad = await accepted(edits.filter((e) => e !== ''));
    expect(bad).toEqual([]);
  });
});
