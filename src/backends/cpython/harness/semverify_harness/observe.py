# -*- coding: utf-8 -*-
"""Observing a program's semaphores (program mode, docs/programs.md): every asyncio.Semaphore,
asyncio.BoundedSemaphore, threading.Semaphore and threading.BoundedSemaphore the program creates
is found at its constructor, named after what it is assigned to, and every call the program makes
on it is recorded in the history, exactly where the scenario interpreter records its own calls.

Nothing is wrapped: the tracer (tracer.py) hands the first entry of a constructor's or an API
method's frame to `Observer.first_entry`, and the calls' own frames say when they return, park or
raise. So a program's semaphore calls pass the same points as they would untraced.

What is a call of the program's: the outermost API method of an observed semaphore on the stack
(`async with sem` is one `acquire`, the __aenter__; its inner `self.acquire()` is not another).
"""
import asyncio
import asyncio.events
import dis
import inspect
import os
import threading

from . import contract, points, real

# What each API method's frame is: the constructors, and the calls recorded as acquire or release.
CREATE = {}  # code -> kind
OPS = {}  # code -> ('acquire' | 'release', kind)
ASYNC_SEMAPHORES = (asyncio.Semaphore,)
BOUNDED = (asyncio.BoundedSemaphore, threading.BoundedSemaphore)
# A call's frame returns (for good, not parked) at these instructions.
RETURNS = frozenset(('RETURN_VALUE', 'RETURN_CONST'))
NOT_ERRORS = (StopIteration, StopAsyncIteration)
STORES = frozenset(('STORE_NAME', 'STORE_GLOBAL', 'STORE_FAST', 'STORE_DEREF', 'STORE_ATTR'))
SKIPPED = frozenset(('CACHE', 'EXTENDED_ARG', 'NOP'))
JUMPS_FORWARD = frozenset(('JUMP_FORWARD', 'JUMP', 'JUMP_NO_INTERRUPT'))
# Standard-library code (not site-packages): a semaphore it makes for itself (queue.SimpleQueue's,
# a thread pool's) is plumbing, not the program's.
_LIB = os.path.dirname(os.path.abspath(os.__file__)) + os.sep
_HERE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _code(cls, name):
    f = getattr(cls, name, None)
    f = getattr(f, '__func__', f)
    try:
        f = inspect.unwrap(f)
    except Exception:
        pass
    return getattr(f, '__code__', None)


def _register():
    for cls, kind in ((asyncio.Semaphore, 'asyncio'), (asyncio.BoundedSemaphore, 'asyncio'),
                      (threading.Semaphore, 'threading'), (threading.BoundedSemaphore, 'threading')):
        c = _code(cls, '__init__')
        if c is not None:
            CREATE[c] = kind
        names = (('acquire', 'acquire'), ('release', 'release'))
        names += (('__aenter__', 'acquire'), ('__aexit__', 'release')) if kind == 'asyncio' else (('__exit__', 'release'),)
        for name, op in names:
            c = _code(cls, name)
            if c is not None:
                OPS[c] = (op, kind)


_register()


def is_library(filename):
    """Whether a file is the standard library's (or the harness's) rather than the program's."""
    fn = os.path.abspath(filename)
    if fn.startswith(_HERE):
        return True
    return fn.startswith(_LIB) and 'site-packages' not in fn and 'dist-packages' not in fn


if real.PY >= (3, 7):
    _running_loop = asyncio.events._get_running_loop
else:  # pragma: no cover - 3.6
    def _running_loop():
        return asyncio.events._get_running_loop()


class Op(object):
    """One semaphore call of the program in progress: who made it, and how it is going."""
    __slots__ = ('t', 'task', 'sid', 'op', 'kind', 'generator', 'opnames', 'exc', 'waited', 'outer')

    def __init__(self, t, task, sid, op, kind, generator, opnames):
        self.t, self.task, self.sid, self.op, self.kind = t, task, sid, op, kind
        self.generator = generator
        self.opnames = opnames
        self.exc = None  # an exception passing through the call's frame, until it is caught there
        self.waited = False
        self.outer = None  # the thread's blocking call this one sits inside (CThread.op), restored after


class Observer(object):
    """A program run's semaphores and the program's calls on them (one per run)."""

    def __init__(self, sched):
        self.s = sched
        self.codes = frozenset(CREATE) | frozenset(OPS)
        self.sems = {}  # id(obj) -> (sid, decl, obj)
        self.sem_ids = set()
        self.thread_names = set()
        self.active = {}  # frame of a call in progress -> Op
        self.task_seq = 0
        self.stores = {}  # code -> {offset: instruction index}, [instructions]

    # -- names ------------------------------------------------------------------------------
    def thread_name(self, wanted):
        """A unique thread name for the run, from the program's own (`T0`, `Thread-1 (worker)`)."""
        base = ' '.join(str(wanted).split())[:60].replace('@', '_') or 'thread'
        name, k = base, 1
        while name in self.thread_names or name == contract.CLOCK_THREAD:
            k += 1
            name = '%s#%d' % (base, k)
        self.thread_names.add(name)
        return name

    def task_created(self, task, loop, named):
        """A task a loop of the program created: named per run (Task-1, ... unless the program named it)."""
        s = self.s
        self.task_seq += 1
        name = 'Task-%d' % self.task_seq
        if hasattr(task, 'set_name'):
            if named:
                name = task.get_name()
            else:
                task.set_name(name)
        while name in s.tasks:
            name += "'"
        s.tasks[name] = task
        s.task_names[id(task)] = name
        s.task_loop[name] = loop

    def _assigned(self, frame):
        """The name the value being built in `frame` is stored to (`sem = Semaphore(2)`), if that is plain."""
        code = frame.f_code
        known = self.stores.get(code)
        if known is None:
            instrs = list(dis.get_instructions(code))
            known = (dict((ins.offset, i) for i, ins in enumerate(instrs)), instrs)
            self.stores[code] = known
        at, instrs = known
        i = at.get(frame.f_lasti)
        if i is None:
            return None
        if instrs[i].opname == 'PRECALL':
            i += 1
        i += 1
        hops = 0
        while i < len(instrs) and hops < 8:
            ins = instrs[i]
            hops += 1
            if ins.opname in SKIPPED:
                i += 1
            elif ins.opname in JUMPS_FORWARD and isinstance(ins.argval, int) and ins.argval > ins.offset:
                i = at.get(ins.argval, len(instrs))
            elif ins.opname in STORES:
                return str(ins.argval)
            else:
                return None
        return None

    # -- the tracer's hook ------------------------------------------------------------------
    def first_entry(self, t, frame, info, local):
        """The tracer met the first entry of a constructor's or API method's frame in thread `t`.
        Returns the frame's local trace function (wrapped for a call of the program's)."""
        code = frame.f_code
        try:
            obj = frame.f_locals.get('self')
        except Exception:
            return local
        if obj is None:
            return local
        if code in CREATE:
            self._created(t, frame, obj, CREATE[code])
            return local
        rec = self.sems.get(id(obj))
        if rec is None or rec[2] is not obj:
            return local
        sid = rec[0]
        f = frame.f_back
        while f is not None:
            outer = self.active.get(f)
            if outer is not None and outer.sid == sid:
                return local  # inside a call of the program's on the same semaphore: part of it
            f = f.f_back
        op, kind = OPS[code]
        s = self.s
        task = s.current_task_name(t)
        rec_op = Op(t, task, sid, op, kind, bool(code.co_flags & points.CO_GENLIKE), info.opnames)
        self.active[frame] = rec_op
        t.open_ops += 1
        n = frame.f_locals.get('n') if op == 'release' else None  # threading's release(n), 3.9+: n permits
        s.event(t, task, sid, op, op, None, n if isinstance(n, int) and not isinstance(n, bool) and n != 1 else None)
        if kind == 'threading' and op == 'acquire':
            # The lock code records `waiting` when this acquire really parks in its Condition's wait.
            rec_op.outer, t.op = t.op, ['acquire', sid, task, False]
        return self._local(rec_op, local)

    def _created(self, t, frame, obj, kind):
        if id(obj) in self.sems:
            return  # a subclass's constructor chain: seen at its first
        try:
            value = frame.f_locals.get('value', 1)
        except Exception:
            return
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return  # the constructor raises: no semaphore
        site = frame.f_back
        while site is not None and site.f_locals.get('self', None) is obj:
            site = site.f_back
        if site is None or is_library(site.f_code.co_filename):
            return
        name = self._assigned(site) or '%s:%d' % (os.path.basename(site.f_code.co_filename), site.f_lineno)
        where = '' if t is self.s.threads[0] else '@' + t.name
        sid, k = name + where, 1
        while sid in self.sem_ids:
            k += 1
            sid = '%s#%d%s' % (name, k, where)
        self.sem_ids.add(sid)
        decl = {'kind': kind, 'value': value, 'bounded': isinstance(obj, BOUNDED)}
        self.sems[id(obj)] = (sid, decl, obj)
        self.s.sems.append((sid, decl, obj))

    def _local(self, op, inner):
        """The local trace function of a call's frame: the point model's, then the call's end."""
        ended = self._ended

        def local(frame, event, arg):
            inner(frame, event, arg)
            if event == 'exception':
                etype, value = arg[0], arg[1]
                # StopIteration: an awaited coroutine returned (the exception event of `await`, 3.6-3.10).
                if not issubclass(etype, NOT_ERRORS):
                    op.exc = value if isinstance(value, BaseException) else etype
            elif event == 'return':
                ended(op, frame, arg)
            return local
        return local

    def _ended(self, op, frame, value):
        """A `return` event of a call's frame: it parked (a coroutine yielding to its loop) or ended."""
        s = self.s
        t = op.t
        # The API methods catch no exception for good: one that reached the frame ends the call, unless
        # the frame still returns normally. Otherwise a coroutine's frame that returns parks.
        returned = op.opnames.get(frame.f_lasti) in RETURNS
        if returned or not op.generator:
            op.exc = None if returned else op.exc
        elif op.exc is None:
            if op.op == 'acquire' and not op.waited:
                op.waited = True
                s.event(t, op.task, op.sid, 'waiting', 'acquire')
            return
        self.active.pop(frame, None)
        t.open_ops -= 1
        if op.kind == 'threading' and op.op == 'acquire':
            t.op = op.outer
        e = op.exc
        if isinstance(e, type):
            e = e()
        if e is None:
            # An acquire that returns False (acquire(False), a timeout) took no permit (contract: not-acquired).
            kind = 'not-acquired' if op.op == 'acquire' and value is False else ('acquired' if op.op == 'acquire' else 'released')
            s.event(t, op.task, op.sid, kind, op.op)
        elif isinstance(e, (asyncio.CancelledError, GeneratorExit)) and op.op == 'acquire':
            s.event(t, op.task, op.sid, 'cancelled', op.op)
            s.scenario_excs.append(e)
        elif isinstance(e, Exception) or isinstance(e, asyncio.CancelledError):
            s.event(t, op.task, op.sid, 'error', op.op, contract.py_error(e, op.op))
            s.scenario_excs.append(e)
        else:
            return  # SystemExit, os._exit, an unwinding: the program's end, not the call's outcome
        if s.program_over is not None and t.daemon and s.recording and s.program_over():
            s.end('completed', None)
            s.park(t)

    def recorded(self, e):
        """Whether exception `e` is one a semaphore call raised (already an `error` or `cancelled` event)."""
        return any(x is e for x in self.s.scenario_excs)


def open_daemon_calls(s):
    """Whether an unfinished daemon thread of the program is inside a semaphore call."""
    return any(t.daemon and t.state != 'finished' and t.open_ops > 0 for t in s.threads)


def program_over(s):
    """The program has ended: its main thread and every non-daemon thread finished, and no daemon
    thread is inside a semaphore call (one that is can still finish it, or hang: docs/programs.md)."""
    for t in s.threads:
        if t.state != 'finished' and not t.daemon:
            return False
    return not open_daemon_calls(s)
