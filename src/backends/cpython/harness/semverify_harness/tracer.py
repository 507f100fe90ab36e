# -*- coding: utf-8 -*-
"""The sys.settrace glue of a controlled thread: at every `call` event it finds out whether the
frame is code under test (analysed once per code object by the point model) and, if so, gives
it the model's local trace function and passes the entry point. It also classifies callees for
models whose call points depend on them (3.11+: no point after a call to a Python function of
the code under test).

A scenario's thread traces only where the code under test can run (`traced`, the gates): a
`call` event costs every Python call of the thread, the harness's and asyncio's own included,
and a run makes about a thousand of them for a dozen frames of code under test (issue 11). The
gates are the harness's calls of the semaphores (interpreter.py), a loop callback that is not
the harness's own (vloop.py), and a target's exceptions and state (scheduler.py, interpreter.py);
inside a gate every call is traced, as everywhere before, so the points are the same. A thread
whose task waits on a future of the code under test's own making (a Future subclass: the C Task
calls its Python methods) traces from then on to the end of the run (`widen`). A program's
threads trace from their start (the program is code under test throughout).
"""
import asyncio
import sys

from . import points, wire

settrace = sys.settrace
gettrace = sys.gettrace

CODE_INFO = {}  # code -> CodeInfo, or False when not code under test


def info_for(code):
    """The CodeInfo of `code` (analysed on first sight), or False."""
    info = CODE_INFO.get(code)
    if info is None:
        info = points.analyse(code) or False
        CODE_INFO[code] = info
    return info


def caller_label(default):
    """Label of the innermost frame of code under test on the caller's stack (where a virtual
    primitive was called from), else `default`."""
    f = sys._getframe(2)
    while f is not None:
        info = CODE_INFO.get(f.f_code)
        if info:
            return '%s%s' % (info.label_prefix, f.f_lineno)
        f = f.f_back
    return default


def make_tracer(sched, t):
    """The global trace function of controlled thread `t`."""
    states = t.frame_states  # frame -> [pending op, callee class, fast-dispatch flag, -, local tracer]
    model = points.MODEL
    classify_calls = model.classifies_calls
    uses_lines = model.uses_lines
    K_CALL = points.K_CALL
    CO_GENLIKE = points.CO_GENLIKE
    # Program mode: semaphore constructors and calls the observer records (observe.py).
    observer = sched.observer
    hooked = observer.codes if observer is not None else frozenset()

    def tracer(frame, event, arg):
        if event != 'call':
            return None
        code = frame.f_code
        info = CODE_INFO.get(code)
        if info is None:
            info = info_for(code)
        parent = frame.f_back
        if parent is not None:
            pst = states.get(parent)
            if classify_calls and pst is not None and pst[0] is not None and pst[1] is None and pst[0][0] == K_CALL:
                if code.co_flags & CO_GENLIKE:
                    pst[1] = 'c'
                elif info and (code.co_name not in ('__init__', '__new__') or pst[0][3]):
                    pst[1] = 'py'
                else:
                    pst[1] = 'c'
        if not info or sched.aborting:
            return None
        st = states.get(frame)
        if st is None:
            st = [None, None, False, None]
            st.append(model.local_tracer(sched, info, st))
            states[frame] = st
            if code in hooked:
                st[4] = observer.first_entry(t, frame, info, st[4])
        else:
            st[0] = None
            st[2] = False
        if not uses_lines:
            # f_trace first: 3.13 only instruments a code object for opcode events when the frame
            # already has a local trace function at the moment f_trace_opcodes is set.
            frame.f_trace = st[4]
            frame.f_trace_opcodes = True
        model.entry(sched, frame, info)
        return st[4]

    return tracer


def idle_tracer(frame, event, arg):
    """Traces nothing: keeps the main thread tracing on 3.12+ (see protocol.main)."""
    return None


def traced(t, fn, *args):
    """fn(*args) with controlled thread `t` tracing: a gate to the code under test. Progress told
    so far goes out first: the code under test may end the process (os._exit) or block for good."""
    if gettrace() is not None:
        return fn(*args)  # inside a gate already (or a program's thread, or widened)
    wire.flush()
    settrace(t.tracer)
    try:
        return fn(*args)
    finally:
        if not t.wide:
            settrace(None)


def widen(t):
    """Controlled thread `t` (running) traces from now on, wherever it runs."""
    if not t.wide:
        t.wide = True
        settrace(t.tracer)


# Futures of asyncio's own classes: a task waiting on one runs none of the code under test.
_OWN_FUTURE_MODULES = ('_asyncio', 'asyncio.futures', 'asyncio.tasks')
_FUTURE_KINDS = {type(None): True}


def harmless_wait(y):
    """Whether a task may wait on `y` (what a coroutine of the code under test yielded) untraced."""
    tp = type(y)
    ok = _FUTURE_KINDS.get(tp)
    if ok is None:
        ok = _FUTURE_KINDS[tp] = issubclass(tp, asyncio.Future) and tp.__module__ in _OWN_FUTURE_MODULES
    return ok
