/**
 * Regression tests from a replay token (`semverify export <token> --format python|vitest`).
 *
 * - python: a standalone `unittest` file, standard library only, that carries the harness
 *   (src/backends/cpython/harness/, compressed) and replays the token's exact schedule on the
 *   interpreter that runs it. It judges the run itself (a Python port of what the outcome kinds
 *   mean for hangs, over-admission, errors and permit counts) and fails while the run shows any of
 *   the kinds the token showed: red while the bug is present, green where it is fixed.
 * - vitest: replays the token through the library (`replay` from 'semverify') and asserts the
 *   same: none of the token's kinds.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { ReplayToken } from '../explore/token.ts';
import { encodeToken } from '../explore/token.ts';
import type { ReplayResult } from '../explore/report-types.ts';
import { HARNESS_PATH } from '../backends/cpython/process.ts';
import { packageVersion } from '../contract/package-root.ts';

/** Kinds the exported Python test can judge on its own (it has no properties, models or FIFO order). */
export const PYTHON_JUDGED_KINDS = ['over-admission', 'hang', 'lost-permit', 'extra-permit', 'error', 'step-limit', 'unexpected-error', 'wrong-loop'] as const;

/** The harness package as {relative path: text}, compressed and base64-encoded in lines. */
function harnessBlob(): string {
  const root = dirname(HARNESS_PATH);
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== '__pycache__') walk(p);
      } else if (name.endsWith('.py') || name.endsWith('.json')) files[relative(root, p).split(sep).join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(root);
  const b64 = deflateSync(Buffer.from(JSON.stringify(files), 'utf8'), { level: 9 }).toString('base64');
  return b64.match(/.{1,100}/g)!.join('\n');
}

/** JSON inside a Python raw string: `'''` cannot occur in it. */
function pyJson(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/'''/g, "\\u0027''");
}

function pyIdent(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

export function pythonRegressionTest(token: ReplayToken, result: ReplayResult): string {
  const judged = result.kinds.filter((k) => (PYTHON_JUDGED_KINDS as readonly string[]).includes(k));
  const unjudged = result.kinds.filter((k) => k !== 'ok' && !judged.includes(k));
  const sealed = encodeToken(token);
  return `"""Regression test exported by semverify ${packageVersion()} from a replay token.

Scenario ${token.scenario.id}: ${token.scenario.title}
When exported (${token.backend}, ${token.scenario.impl ?? 'cpython-3.11'}), this schedule showed: ${result.kinds.join(', ')}.

This file replays that exact interleaving on the interpreter that runs it, with the standard
library's semaphores, and fails while the run shows any of: ${judged.join(', ') || '(none it can judge)'}.
${unjudged.length > 0 ? `Kinds it cannot judge by itself (semverify's properties and models judge them): ${unjudged.join(', ')}.\n` : ''}
    python3 <this file>                   # exit 0: fixed; 1: the bug is still there
    npx semverify replay <TOKEN below>    # the same run, judged by semverify

Standard library only: the semverify harness is carried below (compressed) and unpacked into a
temporary directory for the run. It runs on CPython 3.6 to 3.13.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zlib

TOKEN = ${JSON.stringify(sealed)}
SCENARIO = json.loads(r'''${pyJson(token.scenario)}''')
SCHEDULE = json.loads(r'''${pyJson(token.schedule)}''')
MAX_STEPS = ${token.maxSteps ?? 20000}
# The outcome kinds the run showed when exported that this file judges: each must be gone.
BUG_KINDS = ${JSON.stringify(judged)}

HARNESS = """
${harnessBlob()}
"""


def replay():
    """Run the schedule once on this interpreter; the harness's RunResult (a dict)."""
    work = tempfile.mkdtemp(prefix='semverify-regression-')
    try:
        files = json.loads(zlib.decompress(base64.b64decode(HARNESS)).decode('utf-8'))
        for rel, text in files.items():
            path = os.path.join(work, *rel.split('/'))
            if not os.path.isdir(os.path.dirname(path)):
                os.makedirs(os.path.dirname(path))
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
        proc = subprocess.Popen([sys.executable, os.path.join(work, 'semverify_launcher.py')],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        request = {'id': 1, 'op': 'run', 'scenario': SCENARIO, 'schedule': SCHEDULE,
                   'maxSteps': MAX_STEPS, 'trace': False, 'tellAll': False}
        proc.stdin.write((json.dumps(request) + '\\n').encode('utf-8'))
        proc.stdin.flush()
        try:
            while True:
                line = proc.stdout.readline()
                if not line:
                    raise AssertionError('the harness ended without an answer (exit %r)' % proc.poll())
                msg = json.loads(line.decode('utf-8'))
                if msg.get('id') == 1 and 'told' not in msg:  # not a batch of progress items
                    if not msg.get('ok'):
                        raise AssertionError('the harness failed: %s' % msg.get('error'))
                    return msg['result']
        finally:
            # A hung run leaves threads blocked for good: the process is ended, not awaited.
            proc.kill()
            proc.wait()
            proc.stdin.close()
            proc.stdout.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def kinds_of(result):
    """The outcome kinds this file can tell from a run: its status, holders per semaphore, errors, permits left."""
    found = []

    def add(kind):
        if kind not in found:
            found.append(kind)

    status = result['status']
    if status in ('hang', 'step-limit', 'error'):
        add(status)
    capacity = dict((s['id'], s['initial']) for s in result['semaphores'])
    holders = {}
    for e in result['history']:
        sem = e['sem']
        if e['kind'] == 'acquired':
            holders[sem] = holders.get(sem, 0) + 1
            if holders[sem] > capacity.get(sem, holders[sem]):
                add('over-admission')
        elif e['kind'] == 'release' and holders.get(sem, 0) > 0:
            holders[sem] -= 1
        elif e['kind'] == 'error':
            add('wrong-loop' if e['error']['class'] == 'wrong-loop' else 'unexpected-error')
    if status == 'completed':
        for s in result['semaphores']:
            if s['value'] is None:
                continue
            left = s['initial'] - holders.get(s['id'], 0)
            if s['value'] < left:
                add('lost-permit')
            elif s['value'] > left:
                add('extra-permit')
    return found


class Regression(unittest.TestCase):
    def test_${pyIdent(token.scenario.id)}_schedule_is_clean(self):
        result = replay()
        found = kinds_of(result)
        still = [k for k in BUG_KINDS if k in found]
        self.assertEqual(still, [], 'still shows %s on Python %s (run status %s)' % (', '.join(still), sys.version.split()[0], result['status']))
        if not BUG_KINDS:
            self.assertEqual(result['status'], 'completed')


if __name__ == '__main__':
    unittest.main()
`;
}

/** The exported file's test runner, named here rather than in an import-like line: nothing semverify runs imports vitest (test/vitest-helper.test.ts). */
const TEST_RUNNER = 'vitest';

export function vitestRegressionTest(token: ReplayToken, result: ReplayResult): string {
  const sealed = encodeToken(token);
  const bug = result.kinds.filter((k) => k !== 'ok');
  return `/**
 * Regression test exported by semverify ${packageVersion()} from a replay token.
 * Scenario ${token.scenario.id}: ${token.scenario.title}
 * When exported (${token.backend}, ${token.scenario.impl ?? 'cpython-3.11'}), this schedule showed: ${result.kinds.join(', ')}.
 * It replays the token through the library and fails while the run shows any of those kinds again.
 * Properties of your own that the token names come from your semverify.config (or pass them to replay).
 */
import { replay } from 'semverify';
import { expect, it } from '${TEST_RUNNER}';

const TOKEN = ${JSON.stringify(sealed)};
const BUG_KINDS: readonly string[] = ${JSON.stringify(bug)};

it(${JSON.stringify(`${token.scenario.id}: the exported schedule no longer shows ${bug.join(', ') || 'anything wrong'}`)}, async () => {
  const { replay: run } = await replay(TOKEN);
  expect(run.kinds.filter((k) => BUG_KINDS.includes(k))).toEqual([]);
});
`;
}
