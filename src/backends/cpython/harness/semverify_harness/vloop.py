# -*- coding: utf-8 -*-
"""The virtual event loop: a SelectorEventLoop with a virtual clock and a virtual selector
that wakes only on the loop's self-pipe write (call_soon_threadsafe) or a timer, which is what
reproduces the real lost wake-up of a cross-thread fut.set_result(); handles that pass the
loop's slot point before running (declared cancellations fire there); tied timers whose order
is a decision. The policy hands these loops to the scenario's asyncio.run()."""
import asyncio
import asyncio.base_events
import asyncio.events
import asyncio.futures
import asyncio.tasks
import collections
import functools
import heapq
import sys

from . import contract, real, scheduler, tracer

_HAS_CONTEXT = real.PY >= (3, 7)

# The code of the harness's own coroutines (interpreter.py fills it in): a task running one is
# the harness's, and its steps run the code under test only through the gates.
HARNESS_CODES = set()
# asyncio's callbacks that only set a future's state (running no code of the future's): untraced.
_PLAIN_CALLBACKS = frozenset([asyncio.base_events._run_until_complete_cb.__code__,
                              asyncio.futures._set_result_unless_cancelled.__code__]
                             + [c for c in asyncio.tasks.gather.__code__.co_consts
                                if getattr(c, 'co_name', None) == '_done_callback'])


def _untraced(s, cb):
    """Whether loop callback `cb` can run without the trace: a step of one of the harness's tasks,
    or one of asyncio's plain callbacks. Anything else may be (or call) the code under test."""
    owner = getattr(cb, '__self__', None)
    if owner is not None:
        return s.harness_tasks.get(id(owner)) is owner
    if type(cb) is functools.partial:
        cb = cb.func
    return getattr(cb, '__code__', None) in _PLAIN_CALLBACKS


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
        """Returns at once for a zero timeout or a pending self-pipe write; else a blocking point, then blocked until woken or timed out."""
        loop = self.loop
        s = scheduler.CURRENT
        if s is None or not s.controlled() or (timeout is not None and timeout <= 0):
            loop.sv_woken = False
            return []
        if s.aborting:
            raise scheduler.Abort()
        t = s.cur
        if loop.sv_woken:  # a self-pipe write is pending: select() returns at once, no point (as in the simulation)
            loop.sv_woken = False
            return []
        shown = None if timeout is None else round(timeout, 9)
        s.point(contract.SELECT_LABEL, 'select(timeout=%s)' % (shown,), blocking=True)
        if loop.sv_woken:  # woken while a replayed delay held this thread back
            loop.sv_woken = False
            s.no_block(t)
            return []
        deadline = None if timeout is None else s.now + timeout
        loop.sv_selecting = True
        try:
            s.block(t, 'select(timeout=%s) on %s' % (shown, loop.sv_id), deadline)
        finally:
            loop.sv_selecting = False
        loop.sv_woken = False
        return []


class _SlotMixin(object):
    __slots__ = ()

    def _run(self):
        s = scheduler.CURRENT
        if s is not None and not s.aborting and s.controlled():
            s.point(contract.SLOT_LABEL, 'slot %s' % _describe_cb(self._callback), slot_loop=self._loop)
            if self._cancelled:
                return
            if sys.gettrace() is None and not _untraced(s, self._callback):
                return tracer.traced(s.cur, super(_SlotMixin, self)._run)
        return super(_SlotMixin, self)._run()


def _describe_cb(cb):
    n = getattr(cb, '__qualname__', None) or getattr(cb, '__name__', None) or type(cb).__name__
    owner = getattr(cb, '__self__', None)
    s = scheduler.CURRENT
    if owner is not None and s is not None:
        tn = s.task_names.get(id(owner))
        if tn is not None:
            return '%s of task %s' % (n, tn)
    return contract.normalise(str(n))


class VHandle(_SlotMixin, asyncio.events.Handle):
    """A ready callback that passes its loop slot point before it runs."""
    __slots__ = ()


class VTimerHandle(_SlotMixin, asyncio.events.TimerHandle):
    """Timers tie-break by scheduling order (sv_seq), which a `tie` decision may permute."""
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


class VLoop(asyncio.SelectorEventLoop):
    """SelectorEventLoop with a virtual clock and a virtual selector."""

    def __init__(self, name=None):
        sel = VSelector()
        self.sv_woken = False
        self.sv_selecting = False
        self.sv_timer_seq = 0
        s = scheduler.CURRENT
        t = s.by_ident.get(real.get_ident()) if s is not None else None
        self.sv_id = name if name is not None else ('loop@' + t.name if t is not None else 'loop@?')
        program = s is not None and s.observer is not None
        if program:
            # A program may run several loops in one thread, one after another: each its own id.
            taken = set(lp.sv_id for lp in s.loops)
            base, k = self.sv_id, 1
            while self.sv_id in taken:
                k += 1
                self.sv_id = '%s#%d' % (base, k)
        super(VLoop, self).__init__(selector=sel)
        sel.loop = self
        if s is not None:
            s.loops.append(self)
            # A scenario thread has one loop; a program thread's loop is the one running in it (run_forever).
            if t is not None and t.loop is None and not program:
                t.loop = self

    def run_forever(self):
        """As the base loop's; in a program, the loop running is its thread's loop meanwhile."""
        s = scheduler.CURRENT
        t = s.by_ident.get(real.get_ident()) if s is not None and s.observer is not None else None
        if t is None:
            return super(VLoop, self).run_forever()
        before, t.loop = t.loop, self
        try:
            return super(VLoop, self).run_forever()
        finally:
            t.loop = before

    def create_task(self, coro, *args, **kw):
        """As the base loop's; a program's tasks are named per run (Task-1, ...), as in a fresh interpreter."""
        task = super(VLoop, self).create_task(coro, *args, **kw)
        s = scheduler.CURRENT
        if s is not None:
            if getattr(coro, 'cr_code', None) in HARNESS_CODES:
                s.harness_tasks[id(task)] = task
            if s.observer is not None:
                s.observer.task_created(task, self, kw.get('name') is not None)
        return task

    # no real self-pipe
    def _make_self_pipe(self):
        self._ssock = None
        self._csock = None

    def _close_self_pipe(self):
        pass

    def _write_to_self(self):
        self.sv_woken = True
        s = scheduler.CURRENT
        if s is not None:
            for t in s.threads:
                if t.loop is self and t.state == 'blocked' and self.sv_selecting:
                    s.wake(t, 'self-pipe')

    def _read_from_self(self):
        pass

    def time(self):
        """The loop's clock: virtual time during a run."""
        s = scheduler.CURRENT
        return s.now if s is not None else real.monotonic()

    def _call_soon(self, callback, args, context=None):
        handle = VHandle(callback, args, self, context) if _HAS_CONTEXT else VHandle(callback, args, self)
        if handle._source_traceback:
            del handle._source_traceback[-1]
        self._ready.append(handle)
        return handle

    def call_at(self, when, callback, *args, **kw):
        """As the base loop, with a VTimerHandle numbered in scheduling order."""
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
        s = scheduler.CURRENT
        if s is None or s.aborting or not s.controlled():
            return
        end = self.time() + self._clock_resolution
        due = sorted(h for h in self._scheduled if h._when < end and not h._cancelled)
        if len(due) < 2:
            return
        groups = collections.OrderedDict()
        for h in due:
            groups.setdefault(h._when, []).append(h)
        for when, hs in groups.items():
            if len(hs) < 2:
                continue
            t = s.cur
            s.point(contract.TIMERS_LABEL, '%d timers due at %s' % (len(hs), round(when, 9)), decision_only=True)
            order = s.tie_decision(t.occ.get(contract.TIMERS_LABEL, 0), len(hs))
            if order is not None:
                seqs = sorted(h.sv_seq for h in hs)
                for rank, idx in enumerate(order):
                    hs[idx].sv_seq = seqs[rank]
                heapq.heapify(self._scheduled)


class VPolicy(asyncio.DefaultEventLoopPolicy):
    """Hands out VLoops (asyncio.run calls new_event_loop)."""
    _loop_factory = VLoop

    def new_event_loop(self):
        """A fresh VLoop."""
        return VLoop()

    def get_event_loop(self):
        """As the default policy's. A program's main thread is not the interpreter's main thread here,
        but gets the loop the real one would (asyncio.get_event_loop() at module level, 3.9's Semaphore())."""
        s = scheduler.CURRENT
        if (s is not None and s.observer is not None and self._local._loop is None and not self._local._set_called
                and s.threads and s.by_ident.get(real.get_ident()) is s.threads[0]):
            self.set_event_loop(self.new_event_loop())
        return super(VPolicy, self).get_event_loop()
