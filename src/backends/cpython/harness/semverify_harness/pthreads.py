# -*- coding: utf-8 -*-
"""A program's own threads as controlled threads (program mode, docs/programs.md).

Every thread the program starts (threading.Thread, a thread pool's workers, a bare
_thread.start_new_thread) is started through `start`, patched in for threading's
_start_new_thread (3.13: _start_joinable_thread) during a run: the new OS thread registers with
the scheduler and parks on its baton before it runs a single instruction of the program, and the
starting thread waits (for real, briefly) until it has. From then on it runs only when the
scheduler hands it the CPU, traced like every controlled thread.

Joining is virtual: the lock threading's join() waits on (3.6-3.12: the thread-state "sentinel"
lock; 3.13: the thread handle) is a virtual lock released when the controlled thread finishes, so
join(timeout) blocks in virtual time like any lock.
"""
import _thread
import concurrent.futures.thread as cf_thread
import itertools
import queue
import sys
import threading
import traceback

from . import guards, real, scheduler, targets, tracer, virtual

_real_start = _thread.start_new_thread


class _Exited(object):
    """The OS thread of a program thread, for the unwinding's join()."""
    __slots__ = ('lock',)

    def __init__(self):
        self.lock = real.allocate_lock()
        self.lock.acquire()

    def join(self, timeout):
        """Wait (for real) until the OS thread has left the program's code."""
        if self.lock.acquire(True, timeout):
            self.lock.release()

    def is_alive(self):
        """Whether it has not yet."""
        return self.lock.locked()


class VThreadHandle(object):
    """3.13's _ThreadHandle for a controlled thread: join() and is_done() in virtual time."""

    def __init__(self):
        self.ident = None
        self.lock = virtual.VLock()
        self.lock.acquire()
        self.done = False

    def join(self, timeout=None):
        """Block (virtual time) until the thread finished, or `timeout` seconds."""
        if self.lock.acquire(True, -1 if timeout is None else timeout):
            self.lock.release()

    def is_done(self):
        """Whether the thread finished."""
        return self.done

    def _set_done(self):
        self.finish()

    def finish(self):
        """The thread finished: wake its joiners."""
        if not self.done:
            self.done = True
            self.lock.release()


def _release_joiners(thread_obj, handle):
    if handle is not None:
        handle.finish()
        return
    lock = getattr(thread_obj, '_tstate_lock', None) if thread_obj is not None else None
    if lock is not None and isinstance(lock, virtual.VLock) and lock.locked():
        lock.release()  # what the interpreter does when the thread's state is deleted


def start(s, function, args=(), kwargs=None, joinable=False):
    """Start `function` on a new controlled thread of the running program; returns its ident (3.13,
    `joinable`: the virtual handle its Thread joins on)."""
    if s.aborting or s.status is not None:
        raise scheduler.Abort()  # a thread started while the run is unwound (asyncio.run's shutdown)
    thread_obj = getattr(function, '__self__', None)
    if not isinstance(thread_obj, threading.Thread):
        thread_obj = None
    name = s.observer.thread_name(thread_obj.name if thread_obj is not None else 'thread')
    # A bare _thread thread does not keep the interpreter alive: a daemon.
    daemon = thread_obj.daemon if thread_obj is not None else True
    t = s.add_thread({'name': name, 'loop': False, 'tasks': [], 'daemon': daemon})
    t.thread_obj = thread_obj
    handle = None
    if joinable and thread_obj is not None:
        thread_obj._handle = handle = VThreadHandle()
    if thread_obj is not None:
        _watch_run(s, t, thread_obj)
    ready = real.allocate_lock()
    ready.acquire()
    t.thread = _Exited()

    def boot():
        t.ident = real.get_ident()
        s.by_ident[t.ident] = t
        if handle is not None:
            handle.ident = t.ident
        ready.release()
        t.baton.acquire()  # its first turn
        try:
            if not s.aborting:
                sys.settrace(tracer.make_tracer(s, t))
                try:
                    function(*args, **(kwargs or {}))
                except scheduler.Abort:
                    pass
                except BaseException as e:  # a bare _thread thread (threading.Thread reports its own)
                    ended_by(s, t, e)
                finally:
                    sys.settrace(None)
        except scheduler.Abort:
            pass
        finally:
            try:
                _release_joiners(thread_obj, handle)
                if not s.aborting:
                    s.finish(t)
                else:
                    t.state = 'finished'
            except scheduler.Abort:
                t.state = 'finished'
            finally:
                t.thread.lock.release()

    _real_start(boot, ())
    ready.acquire()
    return handle if handle is not None else t.ident


def _watch_run(s, t, thread_obj):
    """What ends a threading.Thread: its run(), watched so that an exception escaping it is judged
    (`ended_by`) before threading reports it."""
    run = thread_obj.run

    def watched_run():
        try:
            run()
        except scheduler.Abort:
            raise
        except BaseException as e:
            if ended_by(s, t, e):
                raise  # threading prints it (to the run's captured output), as it would
    thread_obj.run = watched_run


def ended_by(s, t, e):
    """An exception escaped program thread `t`. True when it ends that thread only, as in a real
    interpreter (SystemExit; an exception a semaphore call raised, already in the history). Anything
    else makes the run fail; os._exit and what semverify cannot control end it too (guards.py)."""
    if s.aborting or s.status is not None:
        return True
    fail = guards.failure_of(e)
    if fail is not None:
        s.fail(t, fail[0], fail[1])
    if isinstance(e, SystemExit) or s.observer.recorded(e) or type(e).__name__ == 'CancelledError':
        return True
    sys.stderr.write('Exception in thread %s:\n%s' % (t.name, ''.join(traceback.format_exception(type(e), e, e.__traceback__))))
    s.fail(t, targets.code_failure(e), 'thread %s raised %s' % (t.name, targets.describe_exc(e)))
    return True


class Patches(object):
    """The thread machinery patched for one program run, and restored after it."""

    def __init__(self, s):
        self.s = s
        self.saved = []

    def _set(self, obj, name, value):
        self.saved.append((obj, name, getattr(obj, name)))
        setattr(obj, name, value)

    def apply(self):
        """Route thread starts and joins through the scheduler; reset the counters names are made of."""
        s = self.s
        if hasattr(threading, '_start_joinable_thread'):  # 3.13
            self._set(threading, '_start_joinable_thread',
                      lambda function, handle=None, daemon=True: start(s, function, joinable=True))
        else:
            self._set(threading, '_start_new_thread', lambda function, args, kwargs=None: start(s, function, args, kwargs))
        if hasattr(threading, '_set_sentinel'):
            self._set(threading, '_set_sentinel', virtual.VLock)
        self._set(_thread, 'start_new_thread', lambda function, args, kwargs=None: start(s, function, args, kwargs))
        # Names as in a fresh interpreter, the same in every run: Thread-1, ThreadPoolExecutor-0_0, ...
        self._set(threading, '_counter', itertools.count(1).__next__)
        if hasattr(cf_thread.ThreadPoolExecutor, '_counter'):
            self._set(cf_thread.ThreadPoolExecutor, '_counter', itertools.count().__next__)
        if hasattr(queue, '_PySimpleQueue'):
            self._set(queue, 'SimpleQueue', queue._PySimpleQueue)  # the C one blocks on a real lock
        if hasattr(cf_thread, '_global_shutdown_lock'):
            self._set(cf_thread, '_global_shutdown_lock', virtual.VLock())
        # The program's exit shuts thread pools down (program.py): for this run only.
        self._set(cf_thread, '_shutdown', False)

    def restore(self):
        """Undo apply(), and forget the run's threads in threading's and the thread pools' tables."""
        for obj, name, value in reversed(self.saved):
            setattr(obj, name, value)
        self.saved = []
        mine = set(t.ident for t in self.s.threads[1:] if t.ident is not None)
        for ident in list(threading._active):
            if ident in mine:
                threading._active.pop(ident, None)
        for t in self.s.threads[1:]:
            th = getattr(t, 'thread_obj', None)
            if th is not None:
                threading._limbo.pop(th, None)
        locks = getattr(threading, '_shutdown_locks', None)
        if locks is not None:
            for lock in list(locks):
                if isinstance(lock, virtual.VLock):
                    locks.discard(lock)
        cf_thread._threads_queues.clear()
