/**
 * The harness's pool of OS threads (pool.py, issue 11): the controlled threads of one run are
 * played by threads that played earlier runs' threads, so a worker must come back as a fresh
 * thread would be. On every installed interpreter: a job that leaves a trace function, a
 * threading.local value, a context variable (3.7+), a running loop, a thread attribute and a
 * name behind is followed, on the same worker, by a job that sees none of them; a worker whose
 * job raised is not reused; runs that cannot be scrubbed (`reuse` false) get fresh threads.
 * Skipped, with the reason printed, when no interpreter is installed.
 */
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARNESS_PATH } from '../src/backends/cpython/process.ts';
import { findInterpreters } from '../src/backends/cpython/interpreters.ts';

const PYTHONS = findInterpreters();
if (PYTHONS.length === 0) console.warn('[harness-pool] skipped: no CPython interpreter found');

const SCRIPT = `
import asyncio, json, sys, threading
sys.path.insert(0, HARNESS_DIR)
from semverify_harness import pool, real
try:
    import contextvars
    var = contextvars.ContextVar('v', default='unset')
except ImportError:
    var = None
local = threading.local()
out = {}

def dirty(i):
    sys.settrace(lambda *a: None)
    local.x = i
    if var is not None:
        var.set('set')
    loop = asyncio.new_event_loop()
    asyncio.events._set_running_loop(loop)
    threading.current_thread().extra = i
    loop.close()

def look(i):
    out.setdefault('seen', []).append({
        'trace': sys.gettrace() is not None,
        'local': getattr(local, 'x', None),
        'var': var.get() if var is not None else 'unset',
        'loop': asyncio.events._get_running_loop() is not None,
        'extra': hasattr(threading.current_thread(), 'extra'),
        'name': threading.current_thread().name,
    })

def boom(i):
    raise RuntimeError('escaped')

def run(fn, n, reuse=True):
    ws = pool.POOL.take(n, reuse)
    for i, w in enumerate(ws):
        w.give('job-%d' % i, fn, (i,))
    for w in ws:
        w.join(10)
    idents = [w.ident for w in ws]
    pool.POOL.give_back(ws, reuse)
    return idents

first = run(dirty, 2)
again = run(look, 2)
out['reused'] = sorted(first) == sorted(again) and pool.POOL.started == 2
out['clears'] = pool.CLEARS_LOCALS
sys.stderr = open('/dev/null', 'w')  # the escaped error's traceback
run(boom, 1)
out['afterBoom'] = pool.POOL.started  # the spoiled worker was retired: the next take starts one
run(look, 2)
out['afterBoomTake'] = pool.POOL.started
run(look, 2, reuse=False)
out['fresh'] = pool.POOL.started
out['idle'] = len(pool.POOL.idle)
print(json.dumps(out))
`;

describe.skipIf(PYTHONS.length === 0)('the harness thread pool', () => {
  for (const py of PYTHONS) {
    it(`CPython ${py.version}: a reused worker comes back as a fresh thread would be`, () => {
      const r = spawnSync(py.path, ['-X', 'utf8', '-c', `HARNESS_DIR = ${JSON.stringify(dirname(HARNESS_PATH))}\n${SCRIPT}`], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.reused).toBe(true);
      // 3.13 keeps threading.local data where nothing can drop it: only the stdlib's runs reuse there.
      expect(out.clears).toBe(!/^3\.(1[3-9]|[2-9]\d)/.test(py.version));
      for (const seen of out.seen.slice(0, 2)) {
        expect(seen).toEqual({
          trace: false,
          local: out.clears ? null : seen.local,
          var: 'unset',
          loop: false,
          extra: false,
          name: seen.name,
        });
        expect(seen.name).toMatch(/^job-[01]$/);
      }
      expect(out.afterBoom).toBe(2);
      expect(out.afterBoomTake).toBe(3);
      // Without reuse the idle workers are retired and the run's are fresh, and retired afterwards.
      expect(out.fresh).toBe(5);
      expect(out.idle).toBe(0);
    });
  }
});
