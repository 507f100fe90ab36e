# -*- coding: utf-8 -*-
"""Virtual locks and time, and the patching that puts them (and the virtual loop policy) in
place for one run. A real lock held across a scheduling point would deadlock the batons, and
which waiter a release wakes must be a decision; time must not pass in reality."""
import asyncio
import _thread
import threading
import time

from . import contract, real, scheduler, vloop
from .tracer import caller_label

EPS = scheduler.EPS


class VLock(object):
    """Virtual, non-reentrant lock replacing _thread.allocate_lock() during a run: a blocking
    acquire is a blocking point; release wakes the longest-blocked waiter (or the one the source
    chooses), which re-acquires when it next runs (barging allowed); timeouts in virtual time."""
    __slots__ = ('_locked', '_waiters', 'sv_id', '__weakref__')

    def __init__(self, *a, **k):
        self._locked = False
        self._waiters = []
        s = scheduler.CURRENT
        if s is not None:
            s.lock_seq += 1
            self.sv_id = 'lock#%d' % s.lock_seq
        else:
            self.sv_id = 'lock#?'

    def acquire(self, blocking=True, timeout=-1):
        """_thread.lock.acquire, with the block a scheduling point."""
        if not self._locked:
            self._locked = True
            return True
        if not blocking:
            return False
        s = scheduler.CURRENT
        if s is None or not s.controlled():
            raise RuntimeError('virtual lock would block outside a controlled thread')
        t = s.cur
        if s.aborting:
            raise scheduler.Abort()
        label = caller_label('lock:acquire')
        deadline = None
        if timeout is not None and timeout >= 0:
            deadline = s.now + timeout
        while self._locked:
            # A point before every block, the first and each one after losing the lock to a barging
            # thread once woken, as in the simulation's lock.
            s.point(label, 'blocks on %s' % self.sv_id, blocking=True)
            if deadline is not None and s.now >= deadline - EPS:
                s.no_block(t)
                return False
            self._waiters.append(t)
            op = t.op
            if op is not None and op[0] == 'acquire' and not op[3] and label.startswith('threading.py:Condition.wait:'):
                op[3] = True  # the scenario's acquire really parks: in its Condition's wait
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
        """_thread.lock.release: unlock, and wake one blocked thread (a decision when several are)."""
        if not self._locked:
            raise RuntimeError('release unlocked lock')
        self._locked = False
        if self._waiters:
            s = scheduler.CURRENT
            i = 0
            if s is not None and len(self._waiters) > 1 and s.controlled() and not s.aborting:
                i = s.wake_decision(caller_label('lock:release'), self._waiters)
            w = self._waiters.pop(i)
            if s is not None:
                s.wake(w)

    def locked(self):
        """_thread.lock.locked."""
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
    """threading's clock during a run: virtual time."""
    s = scheduler.CURRENT
    return s.now if s is not None else real.monotonic()


def vsleep(secs):
    """time.sleep during a run: a blocking point, then blocked until the virtual deadline."""
    s = scheduler.CURRENT
    if s is None or not s.controlled():
        return real.sleep(secs)
    if s.aborting:
        raise scheduler.Abort()
    t = s.cur
    # sleep(0) does not block: an ordinary point (where a delay is possible), as in the simulation.
    s.point(contract.SLEEP_LABEL, 'sleep(%s)' % secs, blocking=secs > 0)
    deadline = s.now + max(0.0, secs)
    if s.now >= deadline - EPS:
        s.no_block(t)
    while s.now < deadline - EPS:
        s.block(t, 'time.sleep until %s' % round(deadline, 9), deadline)


def patch():
    """Put the virtual primitives in place (undone by unpatch)."""
    _thread.allocate_lock = VLock
    threading._allocate_lock = VLock
    threading.Lock = VLock
    threading._CRLock = None  # RLock() is then the pure-Python _PyRLock, over virtual locks
    threading._time = vmonotonic
    time.sleep = vsleep
    if real.mixins is not None:
        real.mixins._global_lock = VLock()
    asyncio.set_event_loop_policy(vloop.VPolicy())


def unpatch(old_policy):
    """Restore the real primitives and `old_policy`."""
    _thread.allocate_lock = real.allocate_lock
    threading._allocate_lock = real.threading_allocate_lock
    threading.Lock = real.threading_lock
    threading._CRLock = real.threading_crlock
    if real.threading_time is not None:
        threading._time = real.threading_time
    time.sleep = real.sleep
    if real.mixins is not None:
        real.mixins._global_lock = real.global_lock
    asyncio.events._event_loop_policy = old_policy
