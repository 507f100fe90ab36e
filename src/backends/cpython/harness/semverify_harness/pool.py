# -*- coding: utf-8 -*-
"""The OS threads that play a scenario's controlled threads, kept from one run to the next:
starting and joining fresh threads, and waiting for them to register, cost a run more than the
run itself (issue 11). A worker is a daemon threading.Thread parked on a real lock of its own
between jobs; a run hands each controlled thread to one worker (its `thread`: join and is_alive
as a Thread's, about the job).

Nothing a job leaves in its thread may reach the next job there, since a fresh thread would not
carry it: jobs run in a fresh contextvars Context; afterwards the worker removes its trace,
profile and async-generator hooks and the running loop, drops its `threading.local` data and
puts its Thread object back as it was (name, daemon flag, attributes a job added). 3.13 keeps
`threading.local` data in thread-state fields that no API reaches: there, and where ctypes is
missing, runs of a --target (whose module might hold a threading.local) get fresh threads;
the standard library's semaphores hold none. A worker whose job does not come back (stuck in
the code under test) is abandoned: never handed another job, the process replaced.

Workers are started only between runs, before anything is patched: Thread.start waits on real
locks.
"""
import asyncio.events
import sys
import threading
import traceback

from . import real

try:
    from contextvars import Context  # 3.7+
except ImportError:  # pragma: no cover - 3.6 has no context variables
    Context = None
try:
    import ctypes
except ImportError:  # pragma: no cover - an interpreter built without ctypes
    ctypes = None

# Idle workers kept beyond this are retired (a scenario has a few threads; a burst of larger ones
# should not pin threads for the life of the process).
MAX_IDLE = 16


def _thread_dict_getter():
    """PyThreadState_GetDict (the thread state's dict, where 3.6-3.12 keep each thread's
    `threading.local` data), or None where it does not hold that data or cannot be reached."""
    if real.PY >= (3, 13) or ctypes is None:
        return None
    try:
        get = ctypes.pythonapi.PyThreadState_GetDict
        # A borrowed reference: a py_object restype would take it as the caller's own and free the
        # thread's dict when dropped. Cast from the address instead, which counts a new reference.
        get.restype = ctypes.c_void_p
        get.argtypes = []
        cast, py_object = ctypes.cast, ctypes.py_object
        return lambda: cast(get(), py_object).value
    except Exception:  # pragma: no cover - a build without pythonapi
        return None


_thread_dict = _thread_dict_getter()
# Whether a worker can drop the threading.local data of any code: else only the standard library's runs reuse workers.
CLEARS_LOCALS = _thread_dict is not None


def _drop_locals():
    """Forget this thread's data in every threading.local (3.6-3.12, Modules/_threadmodule.c:
    each is a `_localdummy` in the thread-state dict; dropping it runs the local's weakref callback,
    which forgets the thread's dict, and the next access starts afresh, __init__ included, as in a
    new thread)."""
    d = _thread_dict()
    for k in [k for k, v in d.items() if type(v).__name__ == '_localdummy']:
        del d[k]


def _scrub(w):
    """Put this worker's thread back as a fresh thread has it."""
    sys.settrace(None)
    sys.setprofile(None)
    sys.set_asyncgen_hooks(None, None)
    if hasattr(sys, 'set_coroutine_origin_tracking_depth'):  # 3.7+
        sys.set_coroutine_origin_tracking_depth(0)
    asyncio.events._set_running_loop(None)
    if _thread_dict is not None:
        _drop_locals()
    d = w.thread.__dict__
    pristine = w.pristine
    for k in [k for k in d if k not in pristine]:
        del d[k]  # _threading_local's per-thread data lives here too
    for k, v in pristine.items():
        if d.get(k) is not v:
            d[k] = v


def _serve(w):
    """A worker's life: wait for a job, run it, scrub, say so; until retired or abandoned."""
    while True:
        w.go.acquire()
        job = w.job
        if job is None:
            return  # retired
        fn, args = job
        try:
            if Context is not None:
                Context().run(fn, *args)
            else:
                fn(*args)
        except BaseException:  # a job's own errors are its business; this one escaped it: not reused
            w.spoiled = True
            traceback.print_exc()
        finally:
            _scrub(w)
        w.job = None
        if w.abandoned:
            return
        w.done.release()


class Worker(object):
    """One pooled thread. `done` is held while it has a job."""
    __slots__ = ('thread', 'ident', 'go', 'done', 'job', 'abandoned', 'spoiled', 'pristine')

    def __init__(self):
        self.go = real.allocate_lock()
        self.go.acquire()
        self.done = real.allocate_lock()
        self.job = None
        self.abandoned = False
        self.spoiled = False
        th = threading.Thread(target=_serve, args=(self,), name='semverify-idle')
        th.daemon = True
        self.thread = th
        th.start()
        self.ident = th.ident
        self.pristine = dict(th.__dict__)

    def give(self, name, fn, args):
        """Run fn(*args) in this worker, as a thread named `name`."""
        self.done.acquire()
        self.thread._name = name
        self.job = (fn, args)
        self.go.release()

    def join(self, timeout):
        """Wait (for real) until the job has returned, at most `timeout` seconds."""
        if self.done.acquire(True, timeout):
            self.done.release()

    def is_alive(self):
        """Whether the job has not returned yet."""
        return self.done.locked()

    def retire(self):
        """End the thread (idle only), and wait until it has left threading's tables."""
        self.job = None
        self.go.release()
        self.thread.join()


class Pool(object):
    """The idle workers of this process."""

    def __init__(self):
        self.idle = []
        self.started = 0  # workers ever started: tests tell reuse from creation by it

    def take(self, n, reuse=True):
        """`n` workers for a run; fresh ones unless `reuse` (called before anything is patched)."""
        if not reuse:
            self.retire_idle()
        out = []
        for _ in range(n):
            if self.idle:
                out.append(self.idle.pop())
            else:
                out.append(Worker())
                self.started += 1
        return out

    def give_back(self, workers, reuse=True):
        """The run is over: workers whose job returned go idle (or are retired, without `reuse`);
        one still in its job is abandoned for good."""
        for w in workers:
            if w.is_alive():
                w.abandoned = True
            elif w.spoiled or not reuse or len(self.idle) >= MAX_IDLE:
                w.retire()
            else:
                self.idle.append(w)

    def retire_idle(self):
        """End every idle worker (a program run must not see them in threading.enumerate())."""
        while self.idle:
            self.idle.pop().retire()


POOL = Pool()


def reusable(target):
    """Whether a run (of `target`, or the standard library's semaphores for None) may run on
    workers that served earlier runs."""
    return target is None or CLEARS_LOCALS
