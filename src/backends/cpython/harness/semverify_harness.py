# -*- coding: utf-8 -*-
"""semverify CPython harness.

Runs a semverify scenario on this interpreter's own asyncio.Semaphore / threading.Semaphore
under a controlled, deterministic scheduler. Speaks line-delimited JSON on stdin/stdout:

    {"id": 1, "op": "hello"}                      -> {"id": 1, "ok": true, "version": ...}
    {"id": 2, "op": "run", "scenario": {...}, "schedule": [...] | null,
     "random": {"seed": n, "pSwitch": p, "pDelay": p, "pCancel": p} | null,
     "maxSteps": n, "target": null | {"spec": "mod:Class", "pythonpath": [...]}, "trace": true}
                                                  -> {"id": 2, "ok": true, "result": RunResult}
        while it runs: {"id": 2, "progress": "deviation"|"steps", "step": n, "time": t, "value": ...}
                       (and "event"|"trace" when the request has "tellAll": true)
    {"id": 3, "op": "target", "target": {...}, "scenario": {...}}   -> {"id": 3, "ok": true, "target": {...}}
                                  (a bad target: {"id": 3, "ok": false, "error": "...", "field": "--target"})
    {"id": 4, "op": "exit"}

Standard library only; runs on CPython 3.6 ... 3.13. See docs/cpython-backend.md.
"""
from __future__ import print_function

import sys
import os
import json
import dis
import gc
import heapq
import inspect as _inspect
import random as _random_mod
import re
import time as _time_mod
import threading
import _thread
import asyncio
import asyncio.events
import asyncio.base_events
import collections

try:
    import asyncio.mixins as _mixins  # 3.10+
except ImportError:  # pragma: no cover
    _mixins = None

PY = sys.version_info[:2]
VERSION = '%d.%d.%d' % sys.version_info[:3]
SHORT = '%d.%d' % PY

# Real primitives, captured before anything is patched.
_real_allocate_lock = _thread.allocate_lock
_real_get_ident = _thread.get_ident
_real_sleep = _time_mod.sleep
_real_monotonic = _time_mod.monotonic
_real_threading_lock = threading.Lock
_real_threading_alloc = threading._allocate_lock
_real_crlock = getattr(threading, '_CRLock', None)
_real_threading_time = getattr(threading, '_time', None)
_real_global_lock = getattr(_mixins, '_global_lock', None) if _mixins else None

LIB_DIR = os.path.dirname(os.path.abspath(threading.__file__))

if PY >= (3, 12):
    # 3.12 routes settrace through sys.monitoring: INSTRUCTION events are only switched on by
    # sys.settrace when some frame has already asked for opcode events.
    sys._getframe().f_trace_opcodes = True

if PY >= (3, 12):
    MODEL = 'gil-3.12'
elif PY == (3, 11):
    MODEL = 'gil-3.11'
elif PY == (3, 10):
    MODEL = 'gil-3.10'
elif PY >= (3, 7):
    MODEL = 'gil-3.9'
else:
    MODEL = 'line-3.6'

ADDR = re.compile(r'0x[0-9a-fA-F]+')


RUNNING_AT = re.compile(r' running at [^\s>]+')
SRC_AT = re.compile(r' at [^\s>]+\.py:\d+')


def norm(msg):
    return SRC_AT.sub('', RUNNING_AT.sub('', ADDR.sub('0x?', msg)))


class _Abort(SystemExit):
    """Raised in controlled threads to unwind them once the run's outcome is decided."""


class _RunEnd(Exception):
    """Raised in the main thread when the run failed while it built the shared semaphores."""


# The protocol's own output stream (set by main()): fd 1 itself is handed to stderr, so that code
# under test writing to it cannot corrupt a protocol line.
_OUT = None


def send(msg):
    _OUT.write((json.dumps(msg) + '\n').encode('utf-8'))
    _OUT.flush()


# A run in flight reports progress at least this often (in scheduling points): the driver's
# wall-time guard measures time without progress, so a long run that keeps stepping is not cut.
HEARTBEAT_STEPS = 1000


# ----------------------------------------------------------------------------------------
# Code under test and the per-version point model
# ----------------------------------------------------------------------------------------

CO_GENLIKE = 0x20 | 0x80 | 0x100 | 0x200  # GENERATOR | COROUTINE | ITERABLE_COROUTINE | ASYNC_GENERATOR

_UNDER_TEST_FILES = {}  # abs filename -> (relative label path, qualname-prefix filter or None)


def _register_under_test():
    import asyncio.locks as L
    _UNDER_TEST_FILES[os.path.abspath(L.__file__)] = ('asyncio/locks.py', None)
    if _mixins is not None:
        _UNDER_TEST_FILES[os.path.abspath(_mixins.__file__)] = ('asyncio/mixins.py', None)
    _UNDER_TEST_FILES[os.path.abspath(threading.__file__)] = (
        'threading.py', ('Semaphore', 'BoundedSemaphore', 'Condition'))


_register_under_test()

_QUALNAMES = {}  # code -> qualname (for interpreters without co_qualname)


def _walk_code(code, qual):
    _QUALNAMES.setdefault(code, qual)
    for c in code.co_consts:
        if hasattr(c, 'co_code'):
            _walk_code(c, qual + '.<locals>.' + c.co_name)


def _index_module(mod):
    for name, obj in list(vars(mod).items()):
        if isinstance(obj, type) and getattr(obj, '__module__', None) == mod.__name__:
            for an, av in list(vars(obj).items()):
                for f in (av, getattr(av, '__func__', None), getattr(av, 'fget', None),
                          getattr(av, '__wrapped__', None)):
                    code = getattr(f, '__code__', None)
                    if code is not None:
                        _walk_code(code, obj.__qualname__ + '.' + an)
        elif hasattr(obj, '__code__') and getattr(obj, '__module__', None) == mod.__name__:
            _walk_code(obj.__code__, obj.__qualname__)


if PY < (3, 11):
    import asyncio.locks as _L
    _index_module(_L)
    _index_module(threading)
    if _mixins is not None:
        _index_module(_mixins)


def qualname_of(code):
    q = getattr(code, 'co_qualname', None)
    if q is not None:
        return q
    return _QUALNAMES.get(code, code.co_name)


def _line_table(code):
    lines = {}
    if hasattr(code, 'co_lines'):
        for start, end, line in code.co_lines():
            if line is None:
                continue
            for o in range(start, end, 2):
                lines.setdefault(o, line)
    else:
        starts = list(dis.findlinestarts(code))
        starts.sort()
        n = len(code.co_code)
        for i, (o, line) in enumerate(starts):
            e = starts[i + 1][0] if i + 1 < len(starts) else n
            for x in range(o, e, 2):
                lines[x] = line
    return lines


HOT_BUILTINS = ('len', 'isinstance', 'type')
CALL_OPS = ('CALL', 'CALL_FUNCTION_EX', 'CALL_KW', 'CALL_FUNCTION', 'CALL_FUNCTION_KW', 'CALL_METHOD')
BACKJUMP_311 = ('JUMP_BACKWARD', 'POP_JUMP_BACKWARD_IF_FALSE', 'POP_JUMP_BACKWARD_IF_TRUE',
                'POP_JUMP_BACKWARD_IF_NONE', 'POP_JUMP_BACKWARD_IF_NOT_NONE')
JUMPS_310 = ('JUMP_ABSOLUTE', 'POP_JUMP_IF_FALSE', 'POP_JUMP_IF_TRUE', 'JUMP_IF_FALSE_OR_POP',
             'JUMP_IF_TRUE_OR_POP', 'JUMP_IF_NOT_EXC_MATCH')
# 3.7-3.9: instructions that end with FAST_DISPATCH (no eval-breaker check before the next one).
FAST_39 = frozenset(('NOP', 'LOAD_FAST', 'LOAD_CONST', 'STORE_FAST', 'POP_TOP', 'ROT_TWO', 'ROT_THREE',
                     'ROT_FOUR', 'DUP_TOP', 'DUP_TOP_TWO', 'JUMP_FORWARD', 'POP_JUMP_IF_FALSE',
                     'POP_JUMP_IF_TRUE', 'JUMP_IF_FALSE_OR_POP', 'JUMP_IF_TRUE_OR_POP',
                     'LOAD_CLOSURE', 'LOAD_DEREF', 'STORE_DEREF'))
SKIP_39 = frozenset(('SETUP_FINALLY', 'SETUP_WITH', 'BEFORE_ASYNC_WITH', 'SETUP_ASYNC_WITH', 'YIELD_FROM'))

K_ENTRY, K_CALL, K_BACK, K_COND_BACK = 1, 2, 3, 4


class CodeInfo(object):
    __slots__ = ('code', 'label_prefix', 'lines', 'entry', 'ops', 'opnames', 'qual')

    def label(self, offset):
        return '%s%s' % (self.label_prefix, self.lines.get(offset, self.code.co_firstlineno))


def _callee_pusher(instrs, i, nargs):
    """Index of the instruction that pushed the callable of the call at instrs[i] (straight-line guess)."""
    need = nargs + 1
    acc = 0
    k = i - 1
    while k >= 0:
        ins = instrs[k]
        if ins.opname in ('PRECALL', 'KW_NAMES', 'CACHE', 'NOP', 'EXTENDED_ARG'):
            k -= 1
            continue
        try:
            eff = dis.stack_effect(ins.opcode, ins.arg) if ins.opcode >= dis.HAVE_ARGUMENT else dis.stack_effect(ins.opcode)
        except Exception:
            return None
        acc += eff
        if acc >= need:
            return k
        k -= 1
    return None


def analyse(code):
    fn = code.co_filename
    spec = _UNDER_TEST_FILES.get(fn)
    if spec is None:
        spec = _UNDER_TEST_FILES.get(os.path.abspath(fn))
        if spec is None:
            return None
    rel, prefixes = spec
    qual = qualname_of(code)
    if prefixes is not None and qual.split('.', 1)[0] not in prefixes:
        return None
    info = CodeInfo()
    info.code = code
    info.qual = qual
    info.label_prefix = '%s:%s:' % (rel, qual)
    info.lines = _line_table(code)
    info.entry = set()
    info.ops = {}
    info.opnames = {}
    instrs = [ins for ins in dis.get_instructions(code) if ins.opname != 'CACHE']
    for idx, ins in enumerate(instrs):
        info.opnames[ins.offset] = ins.opname
        name = ins.opname
        if MODEL in ('gil-3.11', 'gil-3.12'):
            if name == 'RESUME':
                arg = ins.arg or 0
                if (arg & 3) < 2:
                    info.entry.add(ins.offset)
            elif name in ('CALL', 'CALL_FUNCTION_EX', 'CALL_KW'):
                nargs = ins.arg or 0 if name != 'CALL_FUNCTION_EX' else -1
                gen_create = False
                init_explicit = False
                hot = False
                nxt = instrs[idx + 1].opname if idx + 1 < len(instrs) else ''
                if nxt in ('GET_AWAITABLE', 'GET_YIELD_FROM_ITER'):
                    gen_create = True
                # generator expression: MAKE_FUNCTION <iterable> GET_ITER [PRECALL 0] CALL 0
                j = idx - 1
                while j >= 0 and instrs[j].opname in ('PRECALL', 'NOP'):
                    j -= 1
                if nargs == 0 and j >= 0 and instrs[j].opname == 'GET_ITER':
                    j -= 1
                    while j >= 0 and instrs[j].opname not in CALL_OPS:
                        if instrs[j].opname == 'MAKE_FUNCTION':
                            gen_create = True
                            break
                        j -= 1
                if nargs >= 0:
                    p = _callee_pusher(instrs, idx, nargs)
                    if p is not None:
                        pi = instrs[p]
                        if pi.opname == 'MAKE_FUNCTION':
                            gen_create = True
                        elif pi.opname in ('LOAD_GLOBAL',) and pi.argval in HOT_BUILTINS:
                            hot = True
                        elif pi.opname in ('LOAD_METHOD', 'LOAD_ATTR') and pi.argval == '__init__':
                            init_explicit = True
                if hot:
                    continue
                info.ops[ins.offset] = (K_CALL, info.label(ins.offset), gen_create, init_explicit)
            elif name in BACKJUMP_311:
                kind = K_BACK if name == 'JUMP_BACKWARD' else K_COND_BACK
                info.ops[ins.offset] = (kind, info.label(ins.offset), False, False)
        elif MODEL == 'gil-3.10':
            if name in CALL_OPS:
                info.ops[ins.offset] = (K_CALL, info.label(ins.offset), False, False)
            elif name in JUMPS_310 and isinstance(ins.argval, int) and ins.argval <= ins.offset:
                info.ops[ins.offset] = (K_COND_BACK, info.label(ins.offset), False, False)
    return info


# ----------------------------------------------------------------------------------------
# Scheduler
# ----------------------------------------------------------------------------------------

SCHED = None
SELECT_LABEL = 'asyncio/base_events.py:BaseEventLoop._run_once:select'
SLOT_LABEL = 'asyncio/base_events.py:BaseEventLoop._run_once:slot'
TIMERS_LABEL = 'asyncio/base_events.py:BaseEventLoop._run_once:timers'
SLEEP_LABEL = 'time.py:sleep'
CLOCK_LABEL = 'clock:advance'
EPS = 1e-9


class CThread(object):
    def __init__(self, index, decl):
        self.index = index
        self.name = decl['name']
        self.decl = decl
        self.loop_thread = bool(decl.get('loop'))
        self.baton = _real_allocate_lock()
        self.baton.acquire()
        self.state = 'runnable'  # runnable | blocked | finished
        self.delayed = False
        self.on = None
        self.deadline = None
        self.wake_reason = None
        self.occ = {}
        self.ident = None
        self.loop = None  # VLoop of a loop thread
        self.plain_task = None  # task name running in a plain thread (for the trace only)
        self.thread = None
        self.frame_states = {}
        self.op = None  # (kind, sem_id, task, waiting_emitted) of the scenario op in progress


class Sched(object):
    def __init__(self, scenario, schedule, rnd, max_steps, want_trace):
        self.scenario = scenario
        self.threads = [CThread(i, d) for i, d in enumerate(scenario.get('threads', []))]
        self.by_name = dict((t.name, t) for t in self.threads)
        self.by_ident = {}
        self.cur = None
        self.now = 0.0
        self.step = 0
        self.max_steps = max_steps
        self.want_trace = want_trace
        self.tell_all = False  # tell the history and trace too, not only the deviations (costly: asked for by few runs)
        self.history = []
        self.trace = []
        self.applied = []
        self.recording = True
        self.aborting = False
        self.status = None
        self.detail = None
        self.final = None
        self.blocked = None
        self.end_time = 0.0
        self.end_steps = 0
        self.done = _real_allocate_lock()
        self.done.acquire()
        self.lock_seq = 0
        self.clock_occ = 0
        self.dev = {}
        for d in schedule or []:
            self.dev.setdefault((d.get('thread'), d.get('label'), d.get('occ')), []).append(d)
        self.rng = _random_mod.Random(rnd['seed']) if rnd else None
        self.p_switch = float(rnd.get('pSwitch', 0)) if rnd else 0.0
        self.p_delay = float(rnd.get('pDelay', 0)) if rnd else 0.0
        self.p_cancel = float(rnd.get('pCancel', 0)) if rnd else 0.0
        self.declared_cancels = [c['task'] for c in (scenario.get('cancellations') or [])]
        self.fired_cancels = set()
        self.tasks = {}  # task name -> asyncio.Task
        self.task_names = {}  # id(task) -> name
        self.task_loop = {}  # task name -> VLoop
        self.sems = []  # (id, decl, obj)
        self.loops = []
        self.rid = None  # id of the run request: progress lines carry it
        self.failure = None  # why the run failed (RunFailure in src/backends/run-result.ts), with status error
        self.scenario_excs = []  # exceptions a semaphore call raised (recorded as error/cancelled events)
        self.target = None  # Target standing in for every semaphore, or None (the standard library's)

    # -- helpers --------------------------------------------------------------------------
    def controlled(self):
        c = self.cur
        return c is not None and c.ident == _real_get_ident()

    def current_task_name(self, t):
        if t.loop is not None:
            try:
                task = _current_task(t.loop)
            except Exception:
                task = None
            if task is not None:
                return self.task_names.get(id(task))
            return None
        return None

    def unfinished_others(self, t):
        for o in self.threads:
            if o is not t and o.state != 'finished':
                return True
        return False

    def runnable(self):
        return [o for o in self.threads if o.state == 'runnable' and not o.delayed]

    def record_trace(self, t, label, what, decision=None, occ=None):
        if self.want_trace and self.recording:
            e = {'step': self.step, 'time': round(self.now, 9), 'thread': t.name if t else 'clock',
                 'task': self.current_task_name(t) if t else None, 'label': label, 'what': what}
            if occ is not None:
                e['occ'] = occ  # a scheduling point: (thread, label, occ) is what a deviation can name
            if decision is not None:
                e['decision'] = decision
            self.trace.append(e)
            if self.tell_all:
                self.tell('trace', e)

    def take(self, d):
        if self.recording:
            self.applied.append(d)
            self.tell('deviation', d)

    def tell(self, kind, value=None):
        """One progress line about the run in flight. If the process then dies (os._exit, a signal,
        the driver's wall-time guard), what was told is all the driver knows of the run: the
        deviations taken, so that the run replays to the same end; with `tell_all`, also the
        history and the trace so far, so that its counterexample shows where it died."""
        if self.recording:
            msg = {'id': self.rid, 'progress': kind, 'step': self.step, 'time': round(self.now, 9)}
            if value is not None:
                msg['value'] = value
            send(msg)

    # -- points ---------------------------------------------------------------------------
    def point(self, label, what='point', blocking=False, slot_loop=None):
        if self.aborting:
            return
        t = self.cur
        occ = t.occ.get(label, 0) + 1
        t.occ[label] = occ
        self.step += 1
        if self.step % HEARTBEAT_STEPS == 0:
            self.tell('steps')
        if self.step > self.max_steps:
            self.record_trace(t, label, what, occ=occ)
            self.end('step-limit', 'more than %d scheduling points' % self.max_steps)
            self.park(t)
            return
        decision = None
        devs = self.dev.get((t.name, label, occ))
        # declared cancellations at loop slots
        if slot_loop is not None:
            if devs:
                for d in devs:
                    if d.get('kind') == 'cancel' and self.fire_cancel(d.get('task'), slot_loop):
                        self.take(d)
                        decision = d
            elif self.rng is not None:
                for name in self.declared_cancels:
                    if name in self.fired_cancels:
                        continue
                    if self.task_loop.get(name) is not slot_loop:
                        continue
                    task = self.tasks.get(name)
                    if task is None or task.done():
                        continue
                    if self.rng.random() < self.p_cancel:
                        d = {'kind': 'cancel', 'thread': t.name, 'label': label, 'occ': occ, 'task': name}
                        if self.fire_cancel(name, slot_loop):
                            self.take(d)
                            decision = d
        target = None
        delay = False
        if devs:
            for d in devs:
                k = d.get('kind')
                if k == 'switch':
                    target = self.switch_target(t, d.get('to'))
                    if target is not None:
                        self.take(d)
                        decision = d
                        break
                elif k == 'delay':
                    if self.unfinished_others(t):
                        delay = True
                        self.take(d)
                        decision = d
                        break
        elif self.rng is not None and not blocking:
            others = [o for o in self.threads if o is not t and o.state == 'runnable' and not o.delayed]
            if others and self.rng.random() < self.p_switch:
                target = others[self.rng.randrange(len(others))]
                d = {'kind': 'switch', 'thread': t.name, 'label': label, 'occ': occ, 'to': target.name}
                self.take(d)
                decision = d
            elif self.p_delay > 0 and self.unfinished_others(t) and self.rng.random() < self.p_delay:
                delay = True
                d = {'kind': 'delay', 'thread': t.name, 'label': label, 'occ': occ}
                self.take(d)
                decision = d
        self.record_trace(t, label, what, decision, occ)
        if target is not None:
            self.transfer(t, target)
        elif delay:
            t.delayed = True
            self.reschedule(t)

    def switch_target(self, t, to):
        if to is not None:
            o = self.by_name.get(to)
            if o is not None and o is not t and o.state == 'runnable' and not o.delayed:
                return o
        n = len(self.threads)
        for k in range(1, n):
            o = self.threads[(t.index + k) % n]
            if o.state == 'runnable' and not o.delayed:
                return o
        return None

    def fire_cancel(self, name, loop):
        task = self.tasks.get(name)
        if task is None or task.done() or self.task_loop.get(name) is not loop:
            return False
        if name in self.fired_cancels:
            return False
        self.fired_cancels.add(name)
        task.cancel()
        return True

    # -- baton ----------------------------------------------------------------------------
    def transfer(self, t, nxt):
        """t (running, still runnable) hands the CPU to nxt and waits for its turn."""
        self.cur = nxt
        nxt.baton.release()
        self.park(t)

    def park(self, t):
        t.baton.acquire()
        if self.aborting:
            raise _Abort()

    def pick(self):
        for o in self.threads:
            if o.state == 'runnable' and not o.delayed:
                return o
        return None

    def advance(self):
        """Nothing can run: let virtual time advance. Returns the thread to run, or None."""
        deadlines = [o.deadline for o in self.threads if o.state == 'blocked' and o.deadline is not None]
        delayed = [o for o in self.threads if o.delayed and o.state != 'finished']
        if not deadlines and not delayed:
            return None
        if deadlines:
            tmin = min(deadlines)
            if tmin > self.now:
                self.now = tmin
            for o in self.threads:
                if o.state == 'blocked' and o.deadline is not None and o.deadline <= self.now + EPS:
                    o.state = 'runnable'
                    o.wake_reason = 'timeout'
                    o.deadline = None
        for o in delayed:
            o.delayed = False
        run = self.runnable()
        if not run:
            return self.advance()
        choice = run[0]
        if len(run) > 1:
            self.clock_occ += 1
            occ = self.clock_occ
            devs = self.dev.get(('clock', CLOCK_LABEL, occ))
            decision = None
            if devs:
                for d in devs:
                    if d.get('kind') == 'switch':
                        o = self.by_name.get(d.get('to'))
                        if o in run and o is not choice:
                            choice = o
                            decision = d
                            self.take(d)
                            break
            elif self.rng is not None:
                o = run[self.rng.randrange(len(run))]
                if o is not choice:
                    choice = o
                    decision = {'kind': 'switch', 'thread': 'clock', 'label': CLOCK_LABEL, 'occ': occ, 'to': o.name}
                    self.take(decision)
            self.record_trace(None, CLOCK_LABEL, 'time %s: %s runnable' % (round(self.now, 9), ','.join(o.name for o in run)), decision)
        return choice

    def reschedule(self, t):
        """t can no longer run (blocked, delayed or finished): run someone else."""
        if self.aborting:
            if t.state == 'blocked':
                raise _Abort()
            return
        nxt = self.pick()
        if nxt is None:
            nxt = self.advance()
        if nxt is None:
            unfinished = [o for o in self.threads if o.state != 'finished']
            if unfinished:
                self.end('hang', None)
            else:
                self.end('completed', None)
            if t.state != 'finished':
                self.park(t)
            return
        if nxt is t:
            return
        self.cur = nxt
        nxt.baton.release()
        if t.state != 'finished':
            self.park(t)

    def block(self, t, on, deadline=None):
        t.state = 'blocked'
        t.on = on
        t.deadline = deadline
        t.wake_reason = None
        self.reschedule(t)
        return t.wake_reason

    def wake(self, o, reason='woken'):
        if o.state == 'blocked':
            o.state = 'runnable'
            o.deadline = None
            o.wake_reason = reason

    def fail(self, t, failure, detail):
        """The run failed (`failure`: a RunFailure, src/backends/run-result.ts): its outcome is decided
        here. Called in the running controlled thread `t`, which then parks until the main thread
        unwinds it (_Abort); or in the main thread (t None), which then stops building (_RunEnd)."""
        if self.status is None:
            self.failure = failure
            self.end('error', detail)
        if t is None:
            raise _RunEnd()
        if not self.aborting:
            self.park(t)
        raise _Abort()

    def finish(self, t):
        t.state = 'finished'
        t.delayed = False
        self.reschedule(t)

    def end(self, status, detail):
        if self.status is not None:
            return
        self.status = status
        self.detail = detail
        self.end_time = self.now
        self.end_steps = self.step
        try:
            self.final = snapshot_sems(self)
        except Exception as e:  # pragma: no cover
            self.final = []
            self.detail = (detail or '') + ' (snapshot failed: %r)' % (e,)
        if status in ('hang', 'step-limit'):
            try:
                self.blocked = describe_blocked(self)
            except Exception as e:  # pragma: no cover
                self.blocked = [{'thread': '?', 'on': 'describe failed: %r' % (e,)}]
        self.recording = False
        self.done.release()

    # -- history --------------------------------------------------------------------------
    def event(self, t, task, sem_id, kind, op, error=None):
        if not self.recording:
            return
        e = {'seq': len(self.history), 'step': self.step, 'time': round(self.now, 9), 'thread': t.name,
             'loop': t.loop.sv_id if t.loop is not None else None, 'task': task, 'sem': sem_id,
             'kind': kind, 'op': op}
        if error is not None:
            e['error'] = error
        self.history.append(e)
        if self.tell_all:
            self.tell('event', e)


if PY >= (3, 7):
    def _current_task(loop):
        return asyncio.current_task(loop)
else:
    def _current_task(loop):
        return asyncio.Task.current_task(loop)


def caller_label(default):
    """Label of the innermost frame of code under test on the current stack."""
    f = sys._getframe(2)
    while f is not None:
        info = _CODE_INFO.get(f.f_code)
        if info:
            return '%s%s' % (info.label_prefix, f.f_lineno)
        f = f.f_back
    return default


# ----------------------------------------------------------------------------------------
# Tracing
# ----------------------------------------------------------------------------------------

_CODE_INFO = {}


def _info_for(code):
    info = _CODE_INFO.get(code)
    if info is None:
        info = analyse(code) or False
        _CODE_INFO[code] = info
    return info


def make_tracer(sched, t):
    states = t.frame_states
    model = MODEL
    classify_calls = model in ('gil-3.11', 'gil-3.12')

    def make_local(info, st):
        ops = info.ops
        label_of = info.label

        if model in ('gil-3.11', 'gil-3.12', 'gil-3.10'):
            def local(frame, event, arg):
                if event == 'opcode':
                    o = frame.f_lasti
                    p = st[0]
                    if p is not None:
                        st[0] = None
                        kind = p[0]
                        if kind == K_CALL:
                            if st[1] != 'py' and not (st[1] is None and p[2]):
                                sched.point(p[1], 'after call')
                        elif kind == K_BACK:
                            sched.point(p[1], 'backward jump')
                        elif kind == K_COND_BACK:
                            if o <= p[3]:
                                sched.point(p[1], 'backward jump')
                    e = ops.get(o)
                    if e is not None:
                        if e[0] == K_CALL:
                            st[0] = e
                            st[1] = None
                        elif e[0] == K_BACK:
                            st[0] = e
                        else:
                            st[0] = (K_COND_BACK, e[1], False, o)
                elif event == 'exception' or event == 'return':
                    st[0] = None
                return local
        elif model == 'gil-3.9':
            opnames = info.opnames

            def local(frame, event, arg):
                if event == 'opcode':
                    o = frame.f_lasti
                    name = opnames.get(o)
                    if not st[2] and name not in SKIP_39:
                        sched.point(label_of(o), 'eval breaker')
                    st[2] = name in FAST_39
                elif event == 'exception' or event == 'return':
                    st[2] = False
                return local
        else:
            def local(frame, event, arg):
                if event == 'line':
                    sched.point('%s%s' % (info.label_prefix, frame.f_lineno), 'line')
                return local
        return local

    def tracer(frame, event, arg):
        if event != 'call':
            return None
        code = frame.f_code
        info = _CODE_INFO.get(code)
        if info is None:
            info = _info_for(code)
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
        if not info:
            return None
        if sched.aborting:
            return None
        st = states.get(frame)
        if st is None:
            st = [None, None, False, None]
            st.append(make_local(info, st))
            states[frame] = st
        else:
            st[0] = None
            st[2] = False
        if model == 'line-3.6':
            sched.point('%s%s' % (info.label_prefix, frame.f_lineno), 'entry')
        else:
            # f_trace first: 3.13 only instruments a code object for opcode events when the frame
            # already has a local trace function at the moment f_trace_opcodes is set.
            frame.f_trace = st[4]
            frame.f_trace_opcodes = True
            o = frame.f_lasti
            if model in ('gil-3.11', 'gil-3.12'):
                if o in info.entry:
                    sched.point(info.label(o), 'entry')
            elif model == 'gil-3.10':
                if o < 0 or info.opnames.get(o) == 'YIELD_VALUE':
                    sched.point(info.label(o if o >= 0 else 0), 'entry')
            # gil-3.9: the entry check is the first opcode event (st[2] False)
        return st[4]

    return tracer


# ----------------------------------------------------------------------------------------
# Virtual primitives
# ----------------------------------------------------------------------------------------

class VLock(object):
    """Virtual, non-reentrant lock replacing _thread.allocate_lock() during a run."""
    __slots__ = ('_locked', '_waiters', 'sv_id', '__weakref__')

    def __init__(self, *a, **k):
        self._locked = False
        self._waiters = []
        s = SCHED
        if s is not None:
            s.lock_seq += 1
            self.sv_id = 'lock#%d' % s.lock_seq
        else:
            self.sv_id = 'lock#?'

    def acquire(self, blocking=True, timeout=-1):
        if not self._locked:
            self._locked = True
            return True
        if not blocking:
            return False
        s = SCHED
        if s is None or not s.controlled():
            raise RuntimeError('virtual lock would block outside a controlled thread')
        t = s.cur
        if s.aborting:
            raise _Abort()
        label = caller_label('lock:acquire')
        s.point(label, 'blocks on %s' % self.sv_id, blocking=True)
        deadline = None
        if timeout is not None and timeout >= 0:
            deadline = s.now + timeout
        while self._locked:
            if deadline is not None and s.now >= deadline - EPS:
                return False
            self._waiters.append(t)
            op = t.op
            if op is not None and op[0] == 'acquire' and not op[3] and label.startswith('threading.py:Condition.wait:'):
                op[3] = True
                s.event(t, op[2], op[1], 'waiting', 'acquire')
            r = s.block(t, 'blocks on %s at %s' % (self.sv_id, label), deadline)
            if r == 'timeout':
                if t in self._waiters:
                    self._waiters.remove(t)
                if self._locked:
                    return False
        self._locked = True
        return True

    def release(self):
        if not self._locked:
            raise RuntimeError('release unlocked lock')
        self._locked = False
        if self._waiters:
            s = SCHED
            i = 0
            if s is not None and len(self._waiters) > 1 and s.controlled() and not s.aborting:
                t = s.cur
                label = caller_label('lock:release')
                occ = t.occ.get(label, 0) + 1
                devs = s.dev.get((t.name, label, occ))
                if devs:
                    for d in devs:
                        if d.get('kind') == 'wake':
                            for j, w in enumerate(self._waiters):
                                if w.name == d.get('waiter') and j != 0:
                                    i = j
                                    s.take(d)
                                    break
                elif s.rng is not None:
                    j = s.rng.randrange(len(self._waiters))
                    if j != 0:
                        i = j
                        s.take({'kind': 'wake', 'thread': t.name, 'label': label, 'occ': occ,
                                'waiter': self._waiters[j].name})
            w = self._waiters.pop(i)
            if s is not None:
                s.wake(w)

    def locked(self):
        return self._locked

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *a):
        self.release()

    def _at_fork_reinit(self):
        self._locked = False
        self._waiters = []

    acquire_lock = acquire
    release_lock = release
    locked_lock = locked

    def __repr__(self):
        return '<%s %s>' % ('locked' if self._locked else 'unlocked', self.sv_id)


def vmonotonic():
    s = SCHED
    return s.now if s is not None else _real_monotonic()


def vsleep(secs):
    s = SCHED
    if s is None or not s.controlled():
        return _real_sleep(secs)
    if s.aborting:
        raise _Abort()
    t = s.cur
    s.point(SLEEP_LABEL, 'sleep(%s)' % secs, blocking=True)
    deadline = s.now + max(0.0, secs)
    while s.now < deadline - EPS:
        s.block(t, 'time.sleep until %s' % round(deadline, 9), deadline)


class VSelector(object):
    """A selector with nothing registered that wakes only on the loop's self-pipe write or a timer."""

    def __init__(self):
        self.loop = None
        self._map = {}

    def register(self, fileobj, events, data=None):
        raise RuntimeError('virtual selector: I/O is not supported in scenarios')

    def unregister(self, fileobj):
        raise KeyError(fileobj)

    def modify(self, fileobj, events, data=None):
        raise KeyError(fileobj)

    def get_key(self, fileobj):
        raise KeyError(fileobj)

    def get_map(self):
        return self._map

    def close(self):
        pass

    def select(self, timeout=None):
        loop = self.loop
        s = SCHED
        if s is None or not s.controlled():
            loop.sv_woken = False
            return []
        if timeout is not None and timeout <= 0:
            loop.sv_woken = False
            return []
        if s.aborting:
            raise _Abort()
        t = s.cur
        s.point(SELECT_LABEL, 'select(timeout=%s)' % (None if timeout is None else round(timeout, 9)), blocking=True)
        if loop.sv_woken:
            loop.sv_woken = False
            return []
        deadline = None if timeout is None else s.now + timeout
        loop.sv_selecting = True
        try:
            s.block(t, 'select(timeout=%s) on %s' % (None if timeout is None else round(timeout, 9), loop.sv_id), deadline)
        finally:
            loop.sv_selecting = False
        loop.sv_woken = False
        return []


class _SlotMixin(object):
    __slots__ = ()

    def _run(self):
        s = SCHED
        if s is not None and not s.aborting and s.controlled():
            s.point(SLOT_LABEL, 'slot %s' % _describe_cb(self._callback), slot_loop=self._loop)
            if self._cancelled:
                return
        return super(_SlotMixin, self)._run()


def _describe_cb(cb):
    n = getattr(cb, '__qualname__', None) or getattr(cb, '__name__', None) or type(cb).__name__
    owner = getattr(cb, '__self__', None)
    s = SCHED
    if owner is not None and s is not None:
        tn = s.task_names.get(id(owner))
        if tn is not None:
            return '%s of task %s' % (n, tn)
    return norm(str(n))


class VHandle(_SlotMixin, asyncio.events.Handle):
    __slots__ = ()


class VTimerHandle(_SlotMixin, asyncio.events.TimerHandle):
    __slots__ = ('sv_seq',)

    def __lt__(self, other):
        if self._when == other._when:
            return getattr(self, 'sv_seq', 0) < getattr(other, 'sv_seq', 0)
        return self._when < other._when

    def __le__(self, other):
        return self < other or self is other

    def __gt__(self, other):
        return other < self

    def __ge__(self, other):
        return other < self or self is other


_HAS_CONTEXT = PY >= (3, 7)


class VLoop(asyncio.SelectorEventLoop):
    """SelectorEventLoop with a virtual clock and a virtual selector."""

    def __init__(self, name=None):
        sel = VSelector()
        self.sv_woken = False
        self.sv_selecting = False
        self.sv_timer_seq = 0
        self.sv_timers_occ = 0
        s = SCHED
        if name is None:
            name = 'loop@?'
            if s is not None:
                t = s.by_ident.get(_real_get_ident())
                if t is not None:
                    name = 'loop@' + t.name
        self.sv_id = name
        super(VLoop, self).__init__(selector=sel)
        sel.loop = self
        if s is not None:
            s.loops.append(self)
            t = s.by_ident.get(_real_get_ident())
            if t is not None and t.loop is None:
                t.loop = self

    # no real self-pipe
    def _make_self_pipe(self):
        self._ssock = None
        self._csock = None

    def _close_self_pipe(self):
        pass

    def _write_to_self(self):
        self.sv_woken = True
        s = SCHED
        if s is not None:
            for t in s.threads:
                if t.loop is self and t.state == 'blocked' and self.sv_selecting:
                    s.wake(t, 'self-pipe')

    def _read_from_self(self):
        pass

    def time(self):
        s = SCHED
        return s.now if s is not None else _real_monotonic()

    def _call_soon(self, callback, args, context=None):
        if _HAS_CONTEXT:
            handle = VHandle(callback, args, self, context)
        else:
            handle = VHandle(callback, args, self)
        if handle._source_traceback:
            del handle._source_traceback[-1]
        self._ready.append(handle)
        return handle

    def call_at(self, when, callback, *args, **kw):
        self._check_closed()
        if _HAS_CONTEXT:
            timer = VTimerHandle(when, callback, args, self, kw.get('context'))
        else:
            timer = VTimerHandle(when, callback, args, self)
        self.sv_timer_seq += 1
        timer.sv_seq = self.sv_timer_seq
        if timer._source_traceback:
            del timer._source_traceback[-1]
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def _process_events(self, event_list):
        # Called by _run_once right after select(): decide the order of tied due timers.
        s = SCHED
        if s is None or s.aborting or not s.controlled():
            return
        end = self.time() + self._clock_resolution
        due = [h for h in self._scheduled if h._when < end and not h._cancelled]
        if len(due) < 2:
            return
        due.sort()
        groups = collections.OrderedDict()
        for h in due:
            groups.setdefault(h._when, []).append(h)
        for when, hs in groups.items():
            if len(hs) < 2:
                continue
            t = s.cur
            s.point(TIMERS_LABEL, '%d timers due at %s' % (len(hs), round(when, 9)))
            occ = t.occ.get(TIMERS_LABEL, 0)
            order = list(range(len(hs)))
            devs = s.dev.get((t.name, TIMERS_LABEL, occ))
            if devs:
                for d in devs:
                    if d.get('kind') == 'tie' and sorted(d.get('order') or []) == order:
                        if list(d['order']) != order:
                            order = list(d['order'])
                            s.take(d)
                        break
            elif s.rng is not None:
                o2 = list(order)
                s.rng.shuffle(o2)
                if o2 != order:
                    order = o2
                    s.take({'kind': 'tie', 'thread': t.name, 'label': TIMERS_LABEL, 'occ': occ, 'order': order})
            if order != list(range(len(hs))):
                seqs = sorted(h.sv_seq for h in hs)
                for rank, idx in enumerate(order):
                    hs[idx].sv_seq = seqs[rank]
                heapq.heapify(self._scheduled)


class VPolicy(asyncio.DefaultEventLoopPolicy):
    _loop_factory = VLoop

    def new_event_loop(self):
        return VLoop()


# ----------------------------------------------------------------------------------------
# Patching
# ----------------------------------------------------------------------------------------

def patch():
    _thread.allocate_lock = VLock
    threading._allocate_lock = VLock
    threading.Lock = VLock
    threading._CRLock = None
    threading._time = vmonotonic
    _time_mod.sleep = vsleep
    if _mixins is not None:
        _mixins._global_lock = VLock()


def unpatch():
    _thread.allocate_lock = _real_allocate_lock
    threading._allocate_lock = _real_threading_alloc
    threading.Lock = _real_threading_lock
    threading._CRLock = _real_crlock
    if _real_threading_time is not None:
        threading._time = _real_threading_time
    _time_mod.sleep = _real_sleep
    if _mixins is not None:
        _mixins._global_lock = _real_global_lock


# ----------------------------------------------------------------------------------------
# Targets: a user's own semaphore class in place of the standard library's
# ----------------------------------------------------------------------------------------

class TargetProblem(Exception):
    """A --target that cannot be used: answered as one line for the user, never a traceback."""


class Target(object):
    __slots__ = ('spec', 'cls', 'file', 'async_acquire', 'async_release', 'has_cm', 'has_acm')


_TARGETS = {}  # (spec, pythonpath) -> Target


def _describe_exc(e):
    tb = getattr(e, '__traceback__', None)
    where = ''
    while tb is not None:
        where = ' (%s:%d)' % (os.path.basename(tb.tb_frame.f_code.co_filename), tb.tb_lineno)
        tb = tb.tb_next
    text = norm(str(e)).splitlines()[0] if str(e).strip() else ''
    return '%s%s%s' % (type(e).__name__, ': ' + text if text else '', where)


def _is_coro_fn(f):
    import inspect
    return inspect.iscoroutinefunction(f)


def load_target(target):
    """Import `module.path:ClassName` (after putting `pythonpath` first on sys.path) and make its
    module code under test. Cached: a module is imported once per process."""
    spec = str(target.get('spec') or '')
    pythonpath = [str(p) for p in (target.get('pythonpath') or [])]
    key = (spec, tuple(pythonpath))
    t = _TARGETS.get(key)
    if t is not None:
        return t
    mod_name, sep, cls_name = spec.partition(':')
    if not sep or not mod_name or not cls_name:
        raise TargetProblem('expected module.path:ClassName, got %r' % (spec,))
    for p in reversed(pythonpath):
        ap = os.path.abspath(p)
        if ap not in sys.path:
            sys.path.insert(0, ap)
    import importlib
    where = ' (searched --pythonpath %s and the interpreter\'s sys.path)' % ', '.join(pythonpath) if pythonpath else \
        ' (not on the interpreter\'s sys.path; add its directory with --pythonpath)'
    try:
        mod = importlib.import_module(mod_name)
    except ImportError as e:
        missing = getattr(e, 'name', None)
        if missing is not None and (mod_name == missing or mod_name.startswith(missing + '.')):
            raise TargetProblem('module %r not found%s' % (mod_name, where))
        raise TargetProblem('importing %r failed: %s' % (mod_name, _describe_exc(e)))
    except BaseException as e:  # a module that raises (or exits) at import time
        raise TargetProblem('importing %r failed: %s' % (mod_name, _describe_exc(e)))
    cls = mod
    for part in cls_name.split('.'):
        cls = getattr(cls, part, None)
        if cls is None:
            raise TargetProblem('module %r has no attribute %r' % (mod_name, cls_name))
    if not callable(cls):
        raise TargetProblem('%s is not callable (it is of type %s)' % (spec, type(cls).__name__))
    for m in ('acquire', 'release'):
        if not callable(getattr(cls, m, None)):
            raise TargetProblem('%s has no %s() method' % (spec, m))
    # Trace the module that defines the class (it may be re-exported elsewhere).
    home = sys.modules.get(getattr(cls, '__module__', None) or '', mod)
    fn = getattr(home, '__file__', None)
    if not fn or not fn.endswith('.py'):
        raise TargetProblem('%s is not defined in a Python source file (%s): there is no code to trace' % (spec, fn or 'built in'))
    fn = os.path.abspath(fn)
    # A standard-library module already under test keeps its labels (and its qualname filter).
    if fn not in _UNDER_TEST_FILES:
        _UNDER_TEST_FILES[fn] = (os.path.basename(fn), None)
        if PY < (3, 11):
            _index_module(home)
    t = Target()
    t.spec = spec
    t.cls = cls
    t.file = fn
    t.async_acquire = _is_coro_fn(cls.acquire)
    t.async_release = _is_coro_fn(cls.release)
    t.has_cm = hasattr(cls, '__enter__') and hasattr(cls, '__exit__')
    t.has_acm = hasattr(cls, '__aenter__') and hasattr(cls, '__aexit__')
    _TARGETS[key] = t
    return t


def check_target(target, scenario):
    """The target, if it can stand in for every semaphore of the scenario; else TargetProblem."""
    t = load_target(target)
    decls = scenario.get('semaphores') or {}
    bounded = [n for n, d in decls.items() if d.get('bounded')]
    if bounded:
        raise TargetProblem('the scenario declares bounded semaphore(s) %s: a target replaces plain semaphores only'
                            % ', '.join(repr(n) for n in bounded))
    kinds = set(d.get('kind', 'asyncio') for d in decls.values())
    if len(kinds) > 1:
        raise TargetProblem('the scenario declares both asyncio and threading semaphores: a target is one class')
    if 'asyncio' in kinds and not t.async_acquire:
        raise TargetProblem('%s.acquire is a plain function but the scenario\'s semaphores are asyncio: it must be async def' % t.spec)
    if 'threading' in kinds and (t.async_acquire or t.async_release):
        raise TargetProblem('%s.%s is a coroutine function but the scenario\'s semaphores are threading: it must be a plain function'
                            % (t.spec, 'acquire' if t.async_acquire else 'release'))
    return t


def _enter_exit(s, sem):
    """`with` for a threading semaphore: its own __enter__/__exit__, else (a target without them) acquire/release."""
    t = s.target
    if t is None or t.has_cm:
        return sem.__enter__, sem.__exit__
    return sem.acquire, lambda *ei: sem.release()


def _aenter_aexit(s, sem):
    """`async with`: its own __aenter__/__aexit__, else (a target without them) acquire/release."""
    t = s.target
    if t is None or t.has_acm:
        return sem.__aenter__, sem.__aexit__
    return sem.acquire, lambda *ei: sem.release()


# ----------------------------------------------------------------------------------------
# Scenario interpretation
# ----------------------------------------------------------------------------------------

def classify(exc, bounded):
    msg = norm(str(exc))
    tn = type(exc).__name__
    if isinstance(exc, RuntimeError) and 'is bound to a different event loop' in msg:
        c = 'wrong-loop'
    elif isinstance(exc, RuntimeError) and 'attached to a different loop' in msg:
        # <= 3.9 binds at construction and awaits its waiter future on that loop: the task's
        # "got Future attached to a different loop" is that version's loop-affinity error.
        c = 'wrong-loop'
    elif isinstance(exc, ValueError) and 'released too many times' in msg:
        c = 'released-too-many'
    else:
        c = 'other'
    return {'type': tn, 'message': msg, 'class': c}


def code_failure(e):
    """The RunFailure of an exception from the code under test that no semaphore call may end with."""
    return {'kind': 'code-exited' if isinstance(e, SystemExit) else 'code-raised', 'exception': type(e).__name__}


def _raised_through(e, filename):
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            return True
        tb = tb.tb_next
    return False


def run_failed(s, t, e, task=None):
    """An exception that no semaphore call accounts for ended a task or a thread: the run failed
    (s.fail). If it passed through the target's own file it is the code under test's; otherwise it
    is the harness's (a bug, or a scenario it cannot interpret), with its traceback."""
    import traceback
    where = 'task %s' % task if task else 'thread %s' % t.name
    label = 'scenario:%s' % (task or t.name)
    if s.target is not None and _raised_through(e, s.target.file):
        s.record_trace(t, label, 'code under test raised %s' % _describe_exc(e))
        s.fail(t, code_failure(e), '%s: the code under test raised %s' % (where, _describe_exc(e)))
    text = '%s: %s' % (type(e).__name__, norm(str(e)))
    s.record_trace(t, label, 'harness error: %s' % text)
    tb = ''.join(traceback.format_exception(type(e), e, e.__traceback__))
    s.fail(t, {'kind': 'harness-error', 'traceback': tb}, 'harness: %s: %s' % (where, text))


def make_sem(s, sid, decl, t=None):
    """A semaphore for `decl`, built in controlled thread `t` (per-thread ones) or the main thread."""
    kind = decl.get('kind', 'asyncio')
    value = int(decl.get('value', 1))
    bounded = bool(decl.get('bounded'))
    if s.target is not None:
        try:
            return s.target.cls(value)
        except _Abort:
            raise
        except BaseException as e:  # any exception: a constructor has no outcome to report but its object
            s.fail(t, code_failure(e), '%sbuilding %s: %s(%d) raised %s' % (
                '' if t is None else 'thread %s: ' % t.name, sid, s.target.spec, value, _describe_exc(e)))
    if kind == 'asyncio':
        cls = asyncio.BoundedSemaphore if bounded else asyncio.Semaphore
    else:
        cls = threading.BoundedSemaphore if bounded else threading.Semaphore
    return cls(value)


class _Watch(object):
    """Awaitable driving a coroutine and reporting the first time it parks (yields to the loop)."""
    __slots__ = ('c', 'cb')

    def __init__(self, c, cb):
        self.c = c
        self.cb = cb

    def __await__(self):
        return _drive(self.c, self.cb)

    __iter__ = __await__


def _drive(c, on_park):
    val = None
    exc = None
    parked = False
    while True:
        try:
            if exc is None:
                y = c.send(val)
            else:
                e, exc = exc, None
                y = c.throw(e)
        except StopIteration as si:
            return si.value
        if not parked:
            parked = True
            on_park()
        try:
            val = yield y
        except GeneratorExit:
            c.close()
            raise
        except BaseException as e:
            exc = e
            val = None


class Env(object):
    """What one scenario task sees: its thread, name, semaphores."""

    def __init__(self, sched, t, task, sems):
        self.s = sched
        self.t = t
        self.task = task
        self.sems = sems  # name -> (id, decl, obj)
        self.default = sorted(sems.keys())[0] if sems else None
        if sched.scenario.get('semaphores'):
            self.default = list(sched.scenario['semaphores'].keys())[0]

    def sem(self, op):
        name = op.get('sem') or self.default
        return self.sems[name]


def _point_raw(s, label):
    if s.aborting:
        raise _Abort()
    s.point(label, 'scenario main')


def _point(env, path):
    s = env.s
    if s.aborting:
        raise _Abort()
    s.point('scenario:%s:%s' % (env.task, path), 'scenario op %s' % path)


async def run_ops_async(env, ops, prefix):
    s, t = env.s, env.t
    for i, op in enumerate(ops):
        path = '%s%d' % (prefix, i)
        _point(env, path)
        kind = op.get('op')
        if kind == 'acquire':
            sid, decl, sem = env.sem(op)
            if decl.get('kind') == 'threading':
                _sync_acquire(env, sid, decl, sem, sem.acquire)
            else:
                await _async_acquire(env, sid, decl, sem, sem.acquire)
        elif kind == 'release':
            sid, decl, sem = env.sem(op)
            if s.target is not None and s.target.async_release:
                await _async_release(env, sid, decl, sem.release)
            else:
                _sync_release(env, sid, decl, sem.release)
        elif kind in ('with', 'hold'):
            sid, decl, sem = env.sem(op)
            if decl.get('kind') == 'threading':
                _sync_with(env, sid, decl, sem, op, path)
                continue
            enter, exit_ = _aenter_aexit(s, sem)
            await _async_acquire(env, sid, decl, sem, enter)
            ok = False
            try:
                if kind == 'with':
                    await run_ops_async(env, op.get('body') or [], path + '.body.')
                else:
                    await asyncio.sleep(float(op.get('seconds', 0)))
                ok = True
            finally:
                ei = (None, None, None) if ok else sys.exc_info()
                await _async_release(env, sid, decl, lambda: exit_(*ei))
        elif kind == 'sleep':
            await asyncio.sleep(float(op.get('seconds', 0)))
        elif kind == 'cancel':
            other = s.tasks.get(op.get('task'))
            if other is not None and s.task_loop.get(op.get('task')) is t.loop:
                other.cancel()
        elif kind == 'repeat':
            for k in range(int(op.get('times', 0))):
                await run_ops_async(env, op.get('body') or [], '%s.iter%d.' % (path, k))
        else:
            raise ValueError('unknown op %r' % (kind,))


class _Observed(object):
    """One semaphore call between its history events: the call, then its return or its exception
    (the simulated backend's `observed`). Used with `with` around sync and async calls alike."""

    def __init__(self, env, sid, decl, op, task):
        self.s, self.t, self.sid, self.decl, self.op, self.task = env.s, env.t, sid, decl, op, task

    def emit(self, kind, error=None):
        self.s.event(self.t, self.task, self.sid, kind, self.op, error)

    def __enter__(self):
        self.emit(self.op)
        return self

    def __exit__(self, et, e, tb):
        if et is None:
            self.emit('acquired' if self.op == 'acquire' else 'released')
        elif issubclass(et, asyncio.CancelledError):
            self.emit('cancelled')
            self.s.scenario_excs.append(e)
        elif issubclass(et, Exception):
            self.emit('error', classify(e, self.decl.get('bounded')))
            self.s.scenario_excs.append(e)
        elif not issubclass(et, (_Abort, GeneratorExit)) and not self.s.aborting:
            # SystemExit, KeyboardInterrupt, ...: no outcome a semaphore call may have. The run failed.
            where = 'task %s' % self.task if self.task else 'thread %s' % self.t.name
            self.s.fail(self.t, code_failure(e), '%s: %s() on %s raised %s' % (where, self.op, self.sid, _describe_exc(e)))
        return False


async def _async_acquire(env, sid, decl, sem, fn):
    env.t.op = None
    with _Observed(env, sid, decl, 'acquire', env.task) as obs:
        await _Watch(fn(), lambda: obs.emit('waiting'))


def _is_awaitable(r):
    # Not hasattr(r, '__await__'): 3.6's asyncio.locks makes __aexit__ an @asyncio.coroutine over a
    # plain function, which returns a generator flagged CO_ITERABLE_COROUTINE -- awaitable, but
    # without __await__. Skipping it skipped the release itself (the holder never gave its permit back).
    return r is not None and _inspect.isawaitable(r)


async def _async_release(env, sid, decl, fn):
    with _Observed(env, sid, decl, 'release', env.task):
        r = fn()
        if _is_awaitable(r):  # a target's release may be plain
            await r


def _sync_acquire(env, sid, decl, sem, fn):
    t = env.t
    task = env.task if t.loop_thread else None
    # t.op lets the lock code record `waiting` when this call really blocks in Condition.wait.
    t.op = ['acquire', sid, task, False]
    try:
        with _Observed(env, sid, decl, 'acquire', task):
            fn()
    finally:
        t.op = None


def _sync_release(env, sid, decl, fn):
    with _Observed(env, sid, decl, 'release', env.task if env.t.loop_thread else None):
        fn()


def run_ops_sync(env, ops, prefix):
    for i, op in enumerate(ops):
        path = '%s%d' % (prefix, i)
        _point(env, path)
        kind = op.get('op')
        if kind == 'acquire':
            sid, decl, sem = env.sem(op)
            _sync_acquire(env, sid, decl, sem, sem.acquire)
        elif kind == 'release':
            sid, decl, sem = env.sem(op)
            _sync_release(env, sid, decl, sem.release)
        elif kind in ('with', 'hold'):
            sid, decl, sem = env.sem(op)
            _sync_with(env, sid, decl, sem, op, path)
        elif kind == 'sleep':
            _time_mod.sleep(float(op.get('seconds', 0)))
        elif kind == 'cancel':
            pass  # no tasks to cancel in a plain thread
        elif kind == 'repeat':
            for k in range(int(op.get('times', 0))):
                run_ops_sync(env, op.get('body') or [], '%s.iter%d.' % (path, k))
        else:
            raise ValueError('unknown op %r' % (kind,))


def _sync_with(env, sid, decl, sem, op, path):
    enter, exit_ = _enter_exit(env.s, sem)
    _sync_acquire(env, sid, decl, sem, enter)
    ok = False
    try:
        if op.get('op') == 'with':
            run_ops_sync(env, op.get('body') or [], path + '.body.')
        else:
            _time_mod.sleep(float(op.get('seconds', 0)))
        ok = True
    finally:
        ei = (None, None, None) if ok else sys.exc_info()
        _sync_release(env, sid, decl, lambda: exit_(*ei))


def task_exception(s, t, task, e):
    """An exception ended scenario task `task`. The scenario's own outcomes -- an exception a semaphore
    call raised (already an `error`/`cancelled` event) or a cancellation -- are swallowed so sibling
    tasks go on. Anything else is the harness's: it becomes a trace note and the run's status error."""
    if s.aborting or s.status is not None:
        return  # unwinding a decided run
    if isinstance(e, asyncio.CancelledError):
        return
    for x in s.scenario_excs:
        if x is e:
            return
    run_failed(s, t, e, task)


def thread_body(s, t, shared):
    """Runs in the controlled OS thread."""
    decl = t.decl
    per = [(n, d) for n, d in (s.scenario.get('semaphores') or {}).items() if d.get('scope') == 'per-thread']
    if t.loop_thread:
        async def task_main(env, ops):
            try:
                await run_ops_async(env, ops, '')
            except _Abort:
                raise
            except BaseException as e:
                task_exception(s, t, env.task, e)

        async def main():
            _point_raw(s, 'scenario:%s.main:0' % t.name)
            sems = dict(shared)
            for n, d in per:
                sid = '%s@%s' % (n, t.name)
                sems[n] = (sid, d, make_sem(s, sid, d, t))
                s.sems.append(sems[n])
            loop = asyncio.get_event_loop()
            tasks = []
            for td in decl.get('tasks', []):
                env = Env(s, t, td['name'], sems)
                coro = task_main(env, td.get('ops', []))
                task = loop.create_task(coro, name=td['name']) if PY >= (3, 8) else loop.create_task(coro)
                s.tasks[td['name']] = task
                s.task_names[id(task)] = td['name']
                s.task_loop[td['name']] = loop
                tasks.append(task)
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)

        if hasattr(asyncio, 'run'):
            asyncio.run(main())
        else:
            loop = VLoop()
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(main())
            finally:
                asyncio.set_event_loop(None)
                loop.close()
    else:
        sems = dict(shared)
        for n, d in per:
            sid = '%s@%s' % (n, t.name)
            sems[n] = (sid, d, make_sem(s, sid, d, t))
            s.sems.append(sems[n])
        for td in decl.get('tasks', []):
            env = Env(s, t, td['name'], sems)
            t.plain_task = td['name']
            try:
                run_ops_sync(env, td.get('ops', []), '')
            except _Abort:
                raise
            except Exception as e:
                task_exception(s, t, td['name'], e)


def thread_entry(s, t, shared_box):
    t.ident = _real_get_ident()
    s.by_ident[t.ident] = t
    t.baton.acquire()  # wait for the first turn
    if s.aborting:
        return
    sys.settrace(make_tracer(s, t))
    try:
        thread_body(s, t, shared_box[0])
    except _Abort:
        pass
    except BaseException as e:  # an escape past the tasks: the code under test's, or a harness bug
        if not s.aborting and s.status is None:
            try:
                run_failed(s, t, e)
            except _Abort:
                pass
    finally:
        sys.settrace(None)
        if not s.aborting:
            s.finish(t)
        else:
            t.state = 'finished'


# ----------------------------------------------------------------------------------------
# Final state and hang description
# ----------------------------------------------------------------------------------------

_INFLIGHT = None


def _asyncio_inflight_model():
    global _INFLIGHT
    if _INFLIGHT is None:
        try:
            import inspect
            src = inspect.getsource(asyncio.Semaphore._wake_up_next)
            _INFLIGHT = '_value -= 1' in src
        except Exception:
            _INFLIGHT = PY >= (3, 10)
    return _INFLIGHT


def _loop_id(loop):
    if loop is None:
        return None
    return getattr(loop, 'sv_id', 'loop@?')


def _target_final(sid, decl, obj):
    """A target's state as far as the contract lets us read it: `_value` when it is an int, else null
    (permit-conservation is then n/a); waiters from `_waiters` or `_cond._waiters` when sized; inFlight 0
    (a permit handed to a woken waiter shows as that waiter's pending acquire)."""
    kind = decl.get('kind', 'asyncio')
    v = getattr(obj, '_value', None)
    value = v if isinstance(v, int) and not isinstance(v, bool) else None
    waiters = 0
    for holder in (obj, getattr(obj, '_cond', None)):
        try:
            waiters = len(getattr(holder, '_waiters', None) or ())
            if waiters:
                break
        except Exception:
            waiters = 0
    loop = getattr(obj, '_loop', None) if kind == 'asyncio' else None
    return {'id': sid, 'kind': kind, 'initial': int(decl.get('value', 1)), 'bounded': False, 'value': value,
            'waiters': waiters, 'inFlight': 0, 'boundLoop': _loop_id(loop) if isinstance(loop, asyncio.AbstractEventLoop) else None}


def snapshot_sems(s):
    out = []
    for sid, decl, obj in s.sems:
        if s.target is not None:
            out.append(_target_final(sid, decl, obj))
            continue
        kind = decl.get('kind', 'asyncio')
        e = {'id': sid, 'kind': kind, 'initial': int(decl.get('value', 1)), 'bounded': bool(decl.get('bounded')),
             'value': obj._value}
        if kind == 'asyncio':
            ws = obj._waiters
            e['waiters'] = len(ws) if ws else 0
            inflight = 0
            if ws and _asyncio_inflight_model():
                for f in list(ws):
                    if f.done() and not f.cancelled():
                        inflight += 1
            e['inFlight'] = inflight
            e['boundLoop'] = _loop_id(getattr(obj, '_loop', None))
        else:
            e['waiters'] = len(obj._cond._waiters)
            e['inFlight'] = 0
            e['boundLoop'] = None
        out.append(e)
    return out


def _describe_fut(s, fut):
    if fut is None:
        return 'nothing: its step is scheduled in the ready queue'
    for sid, decl, obj in s.sems:
        ws = getattr(obj, '_waiters', None)
        try:
            mine = decl.get('kind') == 'asyncio' and ws and fut in list(ws)
        except Exception:  # a target's _waiters may be anything
            mine = False
        if mine:
            return 'waiter future of %s (%s)' % (sid, 'done' if fut.done() else 'pending')
    r = norm(repr(fut))
    if len(r) > 120:
        r = r[:117] + '...'
    return r


def describe_blocked(s):
    out = []
    for t in s.threads:
        if t.state == 'finished':
            continue
        if t.state == 'runnable':
            on = 'runnable' + (' (delayed)' if t.delayed else '')
        else:
            on = t.on or 'blocked'
        e = {'thread': t.name, 'on': on}
        if t.loop is not None:
            loop = t.loop
            if loop._ready:
                e['on'] = on + ' with %d ready handle(s) (lost wake-up)' % len(loop._ready)
            tasks = []
            for td in t.decl.get('tasks', []):
                task = s.tasks.get(td['name'])
                if task is not None and not task.done():
                    tasks.append({'task': td['name'], 'awaits': _describe_fut(s, getattr(task, '_fut_waiter', None))})
            e['tasks'] = tasks
        out.append(e)
    return out


# ----------------------------------------------------------------------------------------
# A run
# ----------------------------------------------------------------------------------------

def do_run(req):
    global SCHED
    scenario = req['scenario']
    # Imported (once) in this thread, before anything is patched: import machinery takes real locks.
    target = check_target(req['target'], scenario) if req.get('target') else None
    s = Sched(scenario, req.get('schedule'), req.get('random'), int(req.get('maxSteps') or 20000),
              req.get('trace', True) is not False)
    s.rid = req.get('id')
    s.tell_all = req.get('tellAll') is True
    s.target = target
    gc_was = gc.isenabled()
    gc.disable()
    shared_box = [{}]
    threads = []
    for t in s.threads:
        th = threading.Thread(target=thread_entry, args=(s, t, shared_box), name='semverify-' + t.name)
        th.daemon = True
        t.thread = th
        threads.append(th)
    for th in threads:
        th.start()
    while len(s.by_ident) < len(s.threads):
        _real_sleep(0.0001)
    old_policy = asyncio.events._event_loop_policy
    main_loop = None
    clean = True
    try:
        SCHED = s
        patch()
        asyncio.set_event_loop_policy(VPolicy())
        # the main thread creates the shared semaphores
        need_main_loop = PY < (3, 10) and any(
            d.get('kind', 'asyncio') == 'asyncio' and d.get('scope', 'shared') == 'shared'
            for d in (scenario.get('semaphores') or {}).values())
        if need_main_loop:
            main_loop = VLoop('loop@main')
            asyncio.set_event_loop(main_loop)
        shared = {}
        try:
            for n, d in (scenario.get('semaphores') or {}).items():
                if d.get('scope', 'shared') == 'shared':
                    shared[n] = (n, d, make_sem(s, n, d))
                    s.sems.append(shared[n])
        except _RunEnd:
            pass  # a target's constructor raised: the run failed (s.fail)
        shared_box[0] = shared
        if s.status is not None:
            pass  # the controlled threads are still parked on their batons: unwound below
        elif s.threads:
            s.cur = s.threads[0]
            s.threads[0].baton.release()
            # No time limit here: a run that blocks outside the virtual primitives is the driver's to
            # stop (its wall-time guard kills this process), since this thread could not unblock it.
            s.done.acquire()
        else:
            s.status = 'completed'
            s.final = snapshot_sems(s)
        # unwind whatever is still alive
        s.aborting = True
        for t in s.threads:
            if t.state != 'finished':
                s.cur = t
                try:
                    t.baton.release()
                except RuntimeError:
                    pass
                t.thread.join(5.0)
                if t.thread.is_alive():
                    clean = False
                    break
        for t in s.threads:
            if clean:
                t.thread.join(5.0)
                if t.thread.is_alive():
                    clean = False
    finally:
        s.aborting = True
        unpatch()
        asyncio.events._event_loop_policy = old_policy
        if main_loop is not None:
            try:
                asyncio.set_event_loop(None)
                main_loop.close()
            except Exception:
                pass
        SCHED = None
        for t in s.threads:
            t.frame_states.clear()
        if gc_was:
            gc.enable()
    status = s.status
    detail = s.detail
    res = {'status': status, 'history': s.history, 'trace': s.trace, 'semaphores': s.final or [],
           'endTime': round(s.end_time, 9), 'steps': s.end_steps, 'schedule': s.applied}
    if s.blocked is not None and status == 'hang':
        res['blocked'] = s.blocked
    elif s.blocked is not None and status == 'step-limit':
        res['blocked'] = s.blocked
    if detail:
        res['detail'] = detail
    if s.failure is not None:
        res['failure'] = s.failure
    return res, clean


def hello():
    return {'version': VERSION, 'short': SHORT, 'model': MODEL, 'implementation': sys.implementation.name,
            'executable': sys.executable, 'pid': os.getpid()}


def _idle_trace(frame, event, arg):
    return None


def protocol_streams():
    """Private copies of fds 0 and 1 for the protocol; fd 1 then goes to stderr and fd 0 to /dev/null.
    Code under test that prints (even with os.write(1, ...)) or reads stdin can then neither corrupt
    a protocol line nor eat a request. (os.dup makes non-inheritable fds: a child process of the code
    under test does not get them either.)"""
    global _OUT
    inp = os.fdopen(os.dup(0), 'rb')
    _OUT = os.fdopen(os.dup(1), 'wb')
    sys.stdout.flush()
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout = sys.stderr
    return inp


def main():
    if PY >= (3, 12):
        # Keep one thread tracing for the whole life of the process: when the last tracing thread
        # stops, 3.12+ tears the monitoring instrumentation down and code loses its opcode events.
        sys.settrace(_idle_trace)
    inp = protocol_streams()
    runs = 0
    while True:
        line = inp.readline()
        if not line:
            break  # stdin closed: the driver is gone
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line.decode('utf-8') if isinstance(line, bytes) else line)
        except Exception as e:
            send({'id': None, 'ok': False, 'error': 'bad json: %s' % e})
            continue
        rid = req.get('id')
        op = req.get('op')
        restart = False
        try:
            if op == 'hello':
                resp = {'id': rid, 'ok': True}
                resp.update(hello())
            elif op == 'target':
                t = check_target(req.get('target') or {}, req.get('scenario') or {})
                resp = {'id': rid, 'ok': True, 'target': {'spec': t.spec, 'file': t.file, 'async': t.async_acquire}}
            elif op == 'run':
                result, clean = do_run(req)
                runs += 1
                restart = not clean
                resp = {'id': rid, 'ok': True, 'result': result}
                if restart:
                    resp['restart'] = True
                if runs % 200 == 0:
                    gc.collect()
            elif op == 'exit':
                send({'id': rid, 'ok': True})
                break
            else:
                resp = {'id': rid, 'ok': False, 'error': 'unknown op %r' % (op,)}
        except TargetProblem as e:
            resp = {'id': rid, 'ok': False, 'error': str(e), 'field': '--target'}
        except BaseException as e:  # even SystemExit or KeyboardInterrupt: answer, and serve the next request
            import traceback
            resp = {'id': rid, 'ok': False, 'error': '%s: %s' % (type(e).__name__, e),
                    'traceback': traceback.format_exc()}
        send(resp)
        if restart:
            break
    os._exit(0)


if __name__ == '__main__':
    main()
