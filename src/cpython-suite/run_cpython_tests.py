"""Ground truth for semverify's CPython regression scenarios.

Runs the Semaphore test bodies of CPython's own test suites against the semaphore of the
interpreter that runs this file, and prints one JSON document: per test, "pass", "fail"
(an assertion failed), "error" (another exception), or "hang" (no result within the limit).

    python3.X run_cpython_tests.py extract SUITE.json FILE...   (needs Python >= 3.8)
    python3.X run_cpython_tests.py run SUITE.json               (any Python >= 3.6)

`extract` reads test_asyncio/test_locks.py and lock_tests.py of several interpreters and keeps,
for each test name, the body from the newest suite that has it. `run` executes those bodies with
the running interpreter's asyncio and threading, adding only what older versions lack around
the semaphore (asyncio.create_task, get_running_loop, TaskGroup), never touching the semaphore.
Standard library only.
"""
from __future__ import print_function

import json
import sys


def extract(out_path, files):
    import ast
    import textwrap
    tests = {}
    for path, version, suite in (f.split('::') for f in files):
        src = open(path).read()
        tree = ast.parse(src)
        for cls in tree.body:
            if not isinstance(cls, ast.ClassDef):
                continue
            if suite == 'asyncio' and cls.name != 'SemaphoreTests':
                continue
            if suite == 'threading' and cls.name not in ('BaseSemaphoreTests', 'SemaphoreTests', 'BoundedSemaphoreTests'):
                continue
            for fn in cls.body:
                if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or not fn.name.startswith('test_'):
                    continue
                kinds = {'SemaphoreTests': ['Semaphore'], 'BoundedSemaphoreTests': ['BoundedSemaphore'],
                         'BaseSemaphoreTests': ['Semaphore', 'BoundedSemaphore']}[cls.name] if suite == 'threading' else ['asyncio']
                for kind in kinds:
                    name = fn.name if suite == 'asyncio' else '%s.%s' % (kind, fn.name)
                    key = (suite, name)
                    version_key = tuple(int(x) for x in version.split('.'))
                    if key in tests and tests[key]['_vk'] >= version_key:
                        continue
                    tests[key] = {
                        '_vk': version_key,
                        'suite': suite,
                        'name': name,
                        'method': fn.name,
                        'semtype': kind,
                        'from': version,
                        'async': isinstance(fn, ast.AsyncFunctionDef),
                        'source': textwrap.dedent(ast.get_source_segment(src, fn, padded=True)),
                    }
    out = []
    for key in sorted(tests):
        t = dict(tests[key])
        del t['_vk']
        out.append(t)
    with open(out_path, 'w') as f:
        json.dump(out, f, indent=1)


# ---------------------------------------------------------------------------------------------
# Running, on any Python >= 3.6.

LIMIT = 10.0  # seconds per test before it is called a hang


def asyncio_namespace():
    import asyncio
    import collections
    import re
    import types
    import unittest
    from unittest import mock

    shim = types.ModuleType('asyncio')
    shim.__dict__.update(asyncio.__dict__)
    if not hasattr(asyncio, 'create_task'):
        shim.create_task = asyncio.ensure_future
    if not hasattr(asyncio, 'get_running_loop'):
        shim.get_running_loop = asyncio.get_event_loop
    if not hasattr(asyncio, 'TaskGroup'):
        class TaskGroup(object):
            """What the tests use of 3.11's TaskGroup: create_task, then wait for all on exit."""
            def __init__(self):
                self._tasks = []

            async def __aenter__(self):
                return self

            def create_task(self, coro):
                t = shim.create_task(coro)
                self._tasks.append(t)
                return t

            async def __aexit__(self, *exc):
                await asyncio.gather(*self._tasks)
        shim.TaskGroup = TaskGroup
    rgx = re.compile(r'^<(?P<class>.*?) object at (?P<address>.*?)\[(?P<extras>'
                     r'(set|unset|locked|unlocked|filling|draining|resetting|broken)'
                     r'(, value:\d)?'
                     r'(, waiters:\d+)?'
                     r'(, waiters:\d+\/\d+)?' r')\]>\Z')
    return {'asyncio': shim, 'collections': collections, 'mock': mock, 're': re, 'RGX_REPR': rgx,
            'STR_RGX_REPR': rgx.pattern, 'unittest': unittest}


def threading_namespace():
    import sys as _sys
    import threading
    import time
    import unittest
    try:
        from _thread import start_new_thread
    except ImportError:
        from thread import start_new_thread

    class support(object):
        SHORT_TIMEOUT = 30.0

        @staticmethod
        def sleeping_retry(timeout):
            deadline = time.monotonic() + timeout
            delay = 0.001
            while True:
                yield
                if time.monotonic() > deadline:
                    raise AssertionError('timeout')
                time.sleep(delay)
                delay = min(delay * 2, 0.05)

    def wait_threads_blocked(n):
        time.sleep(0.010 * n)

    class Bunch(object):
        """A bunch of threads running `func` (the suite's helper, reduced to what the Semaphore tests use)."""
        def __init__(self, func, nthread, wait_before_exit=False):
            self.func, self.nthread = func, nthread
            self.started, self.finished, self.exceptions = [], [], []
            self._can_exit = not wait_before_exit

        def task(self):
            tid = threading.get_ident()
            self.started.append(tid)
            try:
                self.func()
            except BaseException as exc:
                self.exceptions.append(exc)
            finally:
                self.finished.append(tid)
                for _ in support.sleeping_retry(support.SHORT_TIMEOUT):
                    if self._can_exit:
                        break

        def __enter__(self):
            for _ in range(self.nthread):
                start_new_thread(self.task, ())
            for _ in support.sleeping_retry(support.SHORT_TIMEOUT):
                if len(self.started) >= self.nthread:
                    break
            return self

        def __exit__(self, exc_type, *exc):
            if exc_type is not None:
                # The body failed (e.g. release(n) missing): report that, not the threads it left blocked.
                return False
            for _ in support.sleeping_retry(support.SHORT_TIMEOUT):
                if len(self.finished) >= self.nthread:
                    break
            if self.exceptions:
                raise self.exceptions[0]

        def do_finish(self):
            self._can_exit = True

    return {'threading': threading, 'time': time, 'sys': _sys, 'support': support, 'Bunch': Bunch,
            'wait_threads_blocked': wait_threads_blocked, 'unittest': unittest}


def make_case(test):
    import threading
    import unittest

    class Case(unittest.TestCase):
        def runTest(self):
            pass

        def assertTimeout(self, actual, expected):
            self.assertGreaterEqual(actual, expected - 0.01)

    if test['suite'] == 'threading':
        # The suites bind semtype as a staticmethod on the class; an instance attribute is the same callable on every version.
        Case.semtype = staticmethod(getattr(threading, test['semtype']))
    return Case()


def outcome_of(exc):
    if exc is None:
        return 'pass', None
    if isinstance(exc, AssertionError):
        return 'fail', '%s: %s' % (type(exc).__name__, str(exc).splitlines()[0] if str(exc) else '')
    return 'error', '%s: %s' % (type(exc).__name__, (str(exc).splitlines() or [''])[0])


def run_one(test):
    import threading
    ns = asyncio_namespace() if test['suite'] == 'asyncio' else threading_namespace()
    exec(compile(test['source'], '<%s %s>' % (test['from'], test['name']), 'exec'), ns)
    fn = ns[test['method']]
    case = make_case(test)
    box = {}

    def body():
        try:
            if test['async']:
                import asyncio
                loop = asyncio.new_event_loop()
                asyncio.set_event_loop(loop)
                try:
                    loop.run_until_complete(asyncio.wait_for(fn(case), LIMIT))
                finally:
                    loop.close()
                    asyncio.set_event_loop(None)
            elif test['suite'] == 'asyncio':
                # The suites of 3.9 and older give synchronous tests a loop of their own as self.loop.
                import asyncio
                case.loop = asyncio.new_event_loop()
                asyncio.set_event_loop(case.loop)
                try:
                    fn(case)
                finally:
                    case.loop.close()
                    asyncio.set_event_loop(None)
            else:
                fn(case)
            box['exc'] = None
        except BaseException as e:  # noqa: the verdict is the exception
            box['exc'] = e

    th = threading.Thread(target=body)
    th.daemon = True
    th.start()
    th.join(LIMIT + 5)
    if th.is_alive() or 'exc' not in box:
        return 'hang', 'no result within %ss' % LIMIT
    exc = box['exc']
    import asyncio
    if isinstance(exc, asyncio.TimeoutError) and test['async'] and 'wait_for' not in test['source']:
        return 'hang', 'no result within %ss' % LIMIT
    return outcome_of(exc)


def run(suite_path):
    import warnings
    warnings.simplefilter('ignore')
    tests = json.load(open(suite_path))
    results = []
    for t in tests:
        outcome, detail = run_one(t)
        results.append({'suite': t['suite'], 'name': t['name'], 'outcome': outcome, 'detail': detail})
    json.dump({'version': '%d.%d.%d' % sys.version_info[:3], 'results': results}, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    if sys.argv[1] == 'extract':
        extract(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == 'run':
        run(sys.argv[2])
