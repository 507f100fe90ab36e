# -*- coding: utf-8 -*-
"""Program mode (docs/programs.md): a Python program run as it is, as __main__, on this
interpreter, under the controlled scheduler, once per run request.

The program's main thread is a controlled thread ("main"), started before anything is patched
like a scenario's threads; every thread it starts becomes one too (pthreads.py). Locks, time,
sleeps, event loops and the mixin's lock are virtual as for scenarios (virtual.py, vloop.py), and
so are the clocks the program reads (time.monotonic, time.time, ...); `random` is seeded the same
in every run. Its semaphores are observed and its calls on them recorded (observe.py). What it
prints goes to a buffer of the run's, never to the protocol. The script itself is code under test:
it has the interpreter's switch points, labelled `script.py:function:line`.

The run ends when the program has (its main thread and non-daemon threads finished; a daemon thread
still inside a semaphore call is let finish it, or hang), when nothing can run, at the step limit,
or when the program fails: an uncaught exception in any thread, sys.exit with a non-zero status,
os._exit, or something semverify cannot control (guards.py).
"""
import ast
import asyncio
import asyncio.events
import gc
import hashlib
import importlib
import importlib.util
import io
import os
import random
import re
import sys
import threading
import time
import traceback
import types

from . import contract, guards, observe, points, pool, pthreads, real, run, scheduler, sources, targets, tracer, virtual, wire

# Output kept per run: a counterexample shows it; beyond this it is cut.
MAX_OUTPUT = 64 * 1024
# time.time() in a run: a fixed epoch plus virtual time, the same in every run.
EPOCH = 1700000000.0
_ADDRESS = re.compile(r' at 0x[0-9a-fA-F]+')


class ProgramProblem(Exception):
    """A program that cannot be checked: answered as one line for the user, never a traceback."""


class Program(object):
    """A script read, compiled and accepted once per (path, content digest)."""
    __slots__ = ('path', 'digest', 'display', 'code')


_PROGRAMS = {}


def load(spec):
    """The Program of a request's `program` ({path, digest, args}); ProgramProblem when it cannot run."""
    path = os.path.abspath(str(spec.get('path') or ''))
    digest = str(spec.get('digest') or '')
    p = _PROGRAMS.get((path, digest))
    if p is not None:
        return p
    display = os.path.basename(path)
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except (IOError, OSError) as e:
        raise ProgramProblem('cannot read it: %s' % (e.strerror or e,))
    actual = hashlib.sha256(data).hexdigest()
    if actual != digest:
        raise ProgramProblem('it changed while semverify was reading it (sha256 %s, expected %s)' % (actual[:12], digest[:12]))
    try:
        code = compile(data, path, 'exec', dont_inherit=True)
        tree = ast.parse(data, path)
    except SyntaxError as e:
        raise ProgramProblem('line %s: %s: %s' % (e.lineno, type(e).__name__, e.msg))
    except ValueError as e:  # null bytes
        raise ProgramProblem('not a Python source file (%s)' % (e,))
    refused = guards.scan(tree)
    if refused is not None:
        raise ProgramProblem(refused)
    points.add_under_test(path, display)
    points.index_script(code)
    _preimport(tree)
    p = Program()
    p.path, p.digest, p.display, p.code = path, digest, display, code
    _PROGRAMS[(path, digest)] = p
    return p


def _preimport(tree):
    """Import the standard-library modules the script imports, now, before any run: imported during
    a run, a module would build its locks and points in that run only, and its replay would differ."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names.extend('%s.%s' % (node.module, a.name) for a in node.names)
    for name in names:
        try:
            spec = importlib.util.find_spec(name.split('.')[0])
            origin = getattr(spec, 'origin', None) if spec is not None else None
            if origin and observe.is_library(origin):
                importlib.import_module(name)
        except BaseException:  # a `from m import f` names no module, or a module refuses this platform
            pass


def check_program(spec):
    """What the `program` request answers: the program accepted (else ProgramProblem)."""
    p = load(spec)
    return {'file': p.path, 'digest': p.digest}


def output_text(buf):
    """What the program printed in a run, object addresses normalised, cut at MAX_OUTPUT."""
    text = _ADDRESS.sub(' at 0x?', buf.getvalue())
    if len(text) > MAX_OUTPUT:
        text = text[:MAX_OUTPUT] + '\n[... %d more characters]\n' % (len(text) - MAX_OUTPUT)
    return text


class _Capture(io.StringIO):
    """What the program prints in a run: written while the run is recorded, not what its unwinding prints."""

    def __init__(self, s):
        io.StringIO.__init__(self)
        self.s = s

    def write(self, text):
        """As StringIO's, until the run's outcome is decided."""
        if not self.s.recording:
            return len(text)
        return io.StringIO.write(self, text)


def _fail(s, t, failure, detail):
    s.record_trace(t, 'program:%s' % t.name, detail)
    s.fail(t, failure, detail)


def main_ended_by(s, t, e):
    """An exception ended the program's main thread. sys.exit(0) and an exception a semaphore call
    raised (already in the history) end the program; anything else fails the run."""
    if isinstance(e, SystemExit) and not isinstance(e, (scheduler.Abort, guards.ProgramExit)):
        if e.code is None or e.code == 0:
            return
        _fail(s, t, targets.code_failure(e), 'the program exited with status %r (sys.exit)' % (e.code,))
    fail = guards.failure_of(e)
    if fail is not None:
        _fail(s, t, fail[0], fail[1])
    sys.stderr.write(''.join(traceback.format_exception(type(e), e, e.__traceback__)))
    if s.observer.recorded(e):
        return
    _fail(s, t, targets.code_failure(e), 'the program raised %s' % targets.describe_exc(e))


def _main_entry(s, t, prog, module, ready):
    """The body of the program's main thread: waits for its first turn, then runs the script."""
    t.ident = real.get_ident()
    s.by_ident[t.ident] = t
    ready.release()
    t.baton.acquire()
    if s.aborting:
        t.state = 'finished'
        return
    sys.settrace(tracer.make_tracer(s, t))
    try:
        try:
            exec(prog.code, module.__dict__)
        except scheduler.Abort:
            raise
        except BaseException as e:
            main_ended_by(s, t, e)
        try:
            # What the interpreter does at exit before it joins the non-daemon threads (3.9+): a thread
            # pool not shut down by the program is, there (concurrent.futures' _python_exit).
            for hook in reversed(list(getattr(threading, '_threading_atexits', ()))):
                hook()
        except scheduler.Abort:
            raise
        except BaseException as e:
            main_ended_by(s, t, e)
    except scheduler.Abort:
        pass
    finally:
        sys.settrace(None)
        try:
            if not s.aborting and s.status is None:
                s.finish(t)
            else:
                t.state = 'finished'
        except scheduler.Abort:
            t.state = 'finished'


class _World(object):
    """What a program run changes in the interpreter, saved before and restored after."""

    def __init__(self, prog, args, out):
        self.prog, self.args, self.out = prog, args, out
        self.saved = []
        self.modules = set(sys.modules)
        self.main_module = None
        self.random_state = None

    def _set(self, obj, name, value):
        self.saved.append((obj, name, getattr(obj, name)))
        setattr(obj, name, value)

    def enter(self, s, module):
        """sys.argv, sys.path, __main__, stdout and stderr, the clocks, the seed of `random`."""
        self._set(sys, 'argv', [self.prog.path] + list(self.args))
        self._set(sys, 'path', [os.path.dirname(self.prog.path)] + sys.path)
        self._set(sys, 'stdout', self.out)
        self._set(sys, 'stderr', self.out)
        self.main_module = sys.modules.get('__main__')
        sys.modules['__main__'] = module
        for name in ('monotonic', 'perf_counter'):
            self._set(time, name, lambda: s.now)
        for name in ('monotonic_ns', 'perf_counter_ns'):
            if hasattr(time, name):
                self._set(time, name, lambda: int(round(s.now * 1e9)))
        self._set(time, 'time', lambda: EPOCH + s.now)
        if hasattr(time, 'time_ns'):
            self._set(time, 'time_ns', lambda: int(round((EPOCH + s.now) * 1e9)))
        self.random_state = random.getstate()
        random.seed(0)

    def leave(self):
        """Undo enter(), and forget the program's own modules (the next run imports them afresh)."""
        for obj, name, value in reversed(self.saved):
            setattr(obj, name, value)
        self.saved = []
        if self.main_module is not None:
            sys.modules['__main__'] = self.main_module
        if self.random_state is not None:
            random.setstate(self.random_state)
        for name in set(sys.modules) - self.modules:
            f = getattr(sys.modules.get(name), '__file__', None)
            if f and not observe.is_library(f):
                del sys.modules[name]


def _fresh_main(prog):
    module = types.ModuleType('__main__')
    module.__file__ = prog.path
    module.__cached__ = None
    module.__builtins__ = __builtins__
    return module


def do_run(req):
    """Runs the request's program under its decision source. Returns (result, clean) as run.do_run."""
    prog = load(req['program'])
    args = [str(a) for a in (req['program'].get('args') or [])]
    source = sources.build(req.get('source'), req.get('schedule'))
    main = {'name': contract.PROGRAM_MAIN_THREAD, 'loop': False, 'tasks': [], 'daemon': False}
    want_trace = req.get('trace', True) is not False
    s = scheduler.Sched({'threads': [main], 'semaphores': {}}, source,
                        int(req.get('maxSteps') or contract.DEFAULT_MAX_STEPS), want_trace)
    s.rid = req.get('id')
    s.tell_all = req.get('tellAll') is True
    s.observer = observe.Observer(s)
    s.observer.thread_names.add(contract.PROGRAM_MAIN_THREAD)
    s.program_over = lambda: observe.program_over(s)
    # A program sees every thread of the process (threading.enumerate()): no idle pooled ones.
    pool.POOL.retire_idle()
    gc_was = gc.isenabled()
    gc.disable()
    t = s.threads[0]
    module = _fresh_main(prog)
    ready = real.allocate_lock()
    ready.acquire()
    # Not a daemon: the threads the program starts inherit that, as from a real main thread.
    t.thread = threading.Thread(target=_main_entry, args=(s, t, prog, module, ready), name='MainThread')
    t.thread.start()
    ready.acquire()  # registered
    out = _Capture(s)
    world = _World(prog, args, out)
    thread_patches = pthreads.Patches(s)
    guard_patches = guards.Patches()
    old_policy = asyncio.events._event_loop_policy
    clean = True
    try:
        scheduler.CURRENT = s
        virtual.patch()
        thread_patches.apply()
        guard_patches.apply()
        world.enter(s, module)
        s.cur = t
        t.baton.release()
        # No time limit here: a program that blocks outside the virtual primitives is the driver's to stop.
        s.done.acquire()
        wire.flush()  # unwinding runs the program's own cleanup, which may end the process
        clean = run.unwind(s)
    finally:
        s.aborting = True
        world.leave()
        guard_patches.restore()
        thread_patches.restore()
        virtual.unpatch(old_policy)
        scheduler.CURRENT = None
        for th in s.threads:
            th.frame_states.clear()
        if gc_was:
            gc.enable()
    result = run.result_of(s, source)
    result['threads'] = [th.name for th in s.threads]
    if want_trace:
        result['output'] = output_text(out)
    return result, clean
