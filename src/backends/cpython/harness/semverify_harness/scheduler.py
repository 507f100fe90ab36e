# -*- coding: utf-8 -*-
"""The controlled scheduler of one run: the scenario's threads on real OS threads, exactly one
of them holding the CPU at a time (each parks on its own baton, a real lock); the virtual clock;
the decisions at every point, asked of the run's decision source (sources.py) and recorded as
the run's schedule when they take effect; the history and the trace.

Semantics: docs/execution-model.md, as the simulated machine (src/runtime/machine.ts) has them.
"""
import asyncio
import sys

from . import contract, final_state, real, sources, tracer, wire

# A run in flight reports progress at least this often (in scheduling points): the driver's
# wall-time guard measures time without progress, so a long run that keeps stepping is not cut.
HEARTBEAT_STEPS = 1000
EPS = 1e-9

# The scheduler of the run in flight, for the virtual primitives (None between runs).
CURRENT = None


class Abort(SystemExit):
    """Raised in controlled threads to unwind them once the run's outcome is decided (a
    SystemExit, so that asyncio re-raises it through Handle._run and Task.__step)."""


class RunEnd(Exception):
    """Raised in the main thread when the run failed while it built the shared semaphores."""


if real.PY >= (3, 7):
    def current_task(loop):
        return asyncio.current_task(loop)
else:  # pragma: no cover - 3.6
    def current_task(loop):
        return asyncio.Task.current_task(loop)


class CThread(object):
    """One controlled thread of the scenario."""

    def __init__(self, index, decl):
        self.index = index
        self.name = decl['name']
        self.decl = decl
        self.loop_thread = bool(decl.get('loop'))
        self.baton = real.allocate_lock()
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
        self.thread = None  # its OS thread (a pool.Worker in a scenario): join() and is_alive()
        self.tracer = None  # its global trace function, made when it first runs
        self.wide = False  # traces everywhere, not only in the gates (tracer.widen)
        self.frame_states = {}
        self.op = None  # [kind, sem_id, task, waiting_emitted] of a blocking scenario call in progress
        self.daemon = bool(decl.get('daemon'))  # a program's daemon thread: abandoned when the program ends
        self.open_ops = 0  # a program's semaphore calls in progress in this thread (observe.py)


class Sched(object):
    """One run's scheduler. `source` makes every decision (sources.py)."""

    def __init__(self, scenario, source, max_steps, want_trace):
        self.scenario = scenario
        self.source = source
        self.threads = [CThread(i, d) for i, d in enumerate(scenario.get('threads', []))]
        self.by_name = dict((t.name, t) for t in self.threads)
        self.by_ident = {}
        self.cur = None
        self.now = 0.0
        self.step = 0
        # Points at which the source was asked to preempt: the simulation's step count, which a
        # bounded source's preemption steps index (loop slots and timer ties are points here only).
        self.source_step = 0
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
        self.done = real.allocate_lock()
        self.done.acquire()
        self.lock_seq = 0
        self.clock_occ = 0
        # The thread a switch at a blocking point runs once the switching thread has blocked.
        self.after_block = None
        self.declared_cancels = [c['task'] for c in (scenario.get('cancellations') or [])]
        self.fired_cancels = set()
        self.tasks = {}  # task name -> asyncio.Task
        self.harness_tasks = {}  # id -> the tasks running the harness's own coroutines (vloop.py: their steps need no trace)
        self.task_names = {}  # id(task) -> name
        self.task_loop = {}  # task name -> VLoop
        self.spawned = {}  # thread name -> tasks its `spawn` ops created, not yet gathered by its main
        self.sems = []  # (id, decl, obj)
        self.loops = []
        self.rid = None  # id of the run request: progress lines carry it
        self.failure = None  # why the run failed (RunFailure in src/contract/run-result.ts), with status error
        self.scenario_excs = []  # exceptions a semaphore call raised (recorded as error/cancelled events)
        self.target = None  # Target standing in for every semaphore, or None (the standard library's)
        # Program mode (program.py): the observer of the program's semaphores (observe.py), and whether
        # the program has ended (its threads done but for daemons, none of them inside a semaphore call).
        self.observer = None
        self.program_over = None

    def add_thread(self, decl):
        """A controlled thread the running program starts (program mode): runnable, last in index order."""
        t = CThread(len(self.threads), decl)
        self.threads.append(t)
        self.by_name[t.name] = t
        self.tell('thread', t.name)
        return t

    # -- helpers --------------------------------------------------------------------------
    def controlled(self):
        """Whether the calling thread is the controlled thread holding the CPU."""
        c = self.cur
        return c is not None and c.ident == real.get_ident()

    def current_task_name(self, t):
        """The scenario name of the task running in `t`'s loop, if any."""
        if t.loop is None:
            return None
        try:
            task = current_task(t.loop)
        except Exception:
            task = None
        return self.task_names.get(id(task)) if task is not None else None

    def unfinished_others(self, t):
        """Whether a thread other than `t` has not finished (a delay of `t` can then change something)."""
        for o in self.threads:
            if o is not t and o.state != 'finished':
                return True
        return False

    def runnable(self):
        """Threads that can run now, in index order."""
        return [o for o in self.threads if o.state == 'runnable' and not o.delayed]

    def record_trace(self, t, label, what, decision=None, occ=None):
        """One trace row (TraceEntry); `occ` marks a scheduling point."""
        if self.want_trace and self.recording:
            e = {'step': self.step, 'time': round(self.now, 9), 'thread': t.name if t else contract.CLOCK_THREAD,
                 'task': self.current_task_name(t) if t else None, 'label': label, 'what': what}
            if occ is not None:
                e['occ'] = occ  # a scheduling point: (thread, label, occ) is what a deviation can name
            if decision is not None:
                e['decision'] = decision
            self.trace.append(e)
            if self.tell_all:
                self.tell('trace', e)

    def take(self, d):
        """Deviation `d` took effect: it joins the run's schedule and is told at once."""
        if self.recording:
            self.applied.append(d)
            self.tell('deviation', d)

    def tell(self, kind, value=None):
        """One progress item about the run in flight (written in batches: wire.py). If the process
        then dies (os._exit, a signal, the driver's wall-time guard), what was told is all the
        driver knows of the run: the deviations taken, so that the run replays to the same end;
        with `tell_all`, also the history and the trace so far, so that its counterexample shows
        where it died."""
        if self.recording:
            msg = {'progress': kind, 'step': self.step, 'time': round(self.now, 9)}
            if value is not None:
                msg['value'] = value
            wire.tell(self.rid, msg)

    # -- points ---------------------------------------------------------------------------
    def point(self, label, what='point', blocking=False, slot_loop=None, decision_only=False):
        """The running thread reaches a scheduling point. `slot_loop`: a loop slot of that loop,
        where declared cancellations may fire; `decision_only`: a point where the simulation
        decides something but never preempts (a slot, a timer tie)."""
        if self.aborting:
            return
        t = self.cur
        occ = t.occ.get(label, 0) + 1
        t.occ[label] = occ
        self.step += 1
        if self.step % HEARTBEAT_STEPS == 0:
            self.tell('steps')
            wire.flush()  # the driver's wall-time guard hears the run is alive
        if self.step > self.max_steps:
            self.record_trace(t, label, what, occ=occ)
            self.end('step-limit', 'more than %d scheduling points' % self.max_steps)
            self.park(t)
            return
        decision = None
        if slot_loop is not None:
            decision = self.slot_decision(t, label, occ, slot_loop)
        ctx = sources.PointCtx()
        ctx.thread, ctx.label, ctx.occ = t.name, label, occ
        ctx.others = [o.name for o in self.threads if o is not t and o.state == 'runnable' and not o.delayed]
        ctx.unfinished = self.unfinished_others(t)
        ctx.can_delay = ctx.unfinished and not blocking
        ctx.blocking = blocking
        if decision_only or slot_loop is not None:
            ctx.step = None
            d = self.source.replayed_point(ctx)
        else:
            self.source_step += 1
            ctx.step = self.source_step
            d = self.source.point(ctx)
        target = None
        delay = False
        if d is not None:
            if d.get('kind') == 'switch':
                target = self.switch_target(t, d.get('to'))
                if target is not None:
                    self.take(d)
                    decision = d
                    if blocking:
                        # As in the simulation, a switch does not put off the block: the thread blocks
                        # now (a lock's waiter from this moment), and the target runs instead of the
                        # default next thread. The caller blocks right after this point (see no_block).
                        self.after_block = target
                        target = None
            elif d.get('kind') == 'delay' and ctx.unfinished:
                delay = True
                self.take(d)
                decision = d
        self.record_trace(t, label, what, decision, occ)
        if wire._told and sys.gettrace() is not None:
            wire.flush()  # the code under test goes on from here
        if target is not None:
            self.transfer(t, target)
        elif delay:
            t.delayed = True
            self.reschedule(t)

    def no_block(self, t):
        """After a blocking point, the block did not come after all (a zero timeout, a deadline
        already past): a switch taken there preempts the thread now."""
        target, self.after_block = self.after_block, None
        if target is not None and not self.aborting and target.state == 'runnable' and not target.delayed:
            self.transfer(t, target)

    def slot_decision(self, t, label, occ, loop):
        """Declared cancellations of `loop`'s tasks that fire at this slot."""
        cancellable = [name for name in self.declared_cancels
                       if name not in self.fired_cancels and self.task_loop.get(name) is loop
                       and self.tasks.get(name) is not None and not self.tasks[name].done()]
        decision = None
        for d in self.source.slot((t.name, label, occ), cancellable):
            if self.fire_cancel(d.get('task'), loop):
                self.take(d)
                decision = d
        return decision

    def switch_target(self, t, to):
        """`to` if it can run, else the next runnable thread after `t` in index order, else None."""
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
        """Cancel declared task `name` at a slot of `loop`, once; False when it cannot (done, elsewhere, fired)."""
        task = self.tasks.get(name)
        if task is None or task.done() or self.task_loop.get(name) is not loop:
            return False
        if name in self.fired_cancels:
            return False
        self.fired_cancels.add(name)
        task.cancel()
        return True

    def wake_decision(self, label, waiters):
        """Which of a released lock's blocked threads (longest-blocked first) it wakes: its index.
        Keyed by the next arrival of the releasing thread at `label`, as in the simulation."""
        t = self.cur
        i, d = self.source.wake((t.name, label, t.occ.get(label, 0) + 1), [w.name for w in waiters])
        if d is not None:
            self.take(d)
        return i

    def tie_decision(self, occ, n):
        """The order in which n timers due at the same instant fire, or None for scheduling order."""
        order, d = self.source.tie((self.cur.name, contract.TIMERS_LABEL, occ), n)
        if d is not None:
            self.take(d)
        return order

    # -- baton ----------------------------------------------------------------------------
    def transfer(self, t, nxt):
        """t (running, still runnable) hands the CPU to nxt and waits for its turn."""
        self.cur = nxt
        wire.flush()
        nxt.baton.release()
        self.park(t)

    def park(self, t):
        """Wait on `t`'s baton for its next turn; raises Abort when it comes to unwind."""
        t.baton.acquire()
        if self.aborting:
            raise Abort()

    def pick(self):
        """The default next thread: the lowest-index runnable one."""
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
        # Every advance counts, whether it wakes one thread or several: the simulation keys its
        # clock decisions the same way, so a `clock:advance` deviation names the same advance on both.
        self.clock_occ += 1
        if len(run) == 1:
            return run[0]
        i, d = self.source.clock((contract.CLOCK_THREAD, contract.CLOCK_LABEL, self.clock_occ), [o.name for o in run])
        if d is not None:
            self.take(d)
        self.record_trace(None, contract.CLOCK_LABEL, 'time %s: %s runnable' % (round(self.now, 9), ','.join(o.name for o in run)), d)
        return run[i]

    def reschedule(self, t):
        """t can no longer run (blocked, delayed or finished): run someone else."""
        if self.aborting:
            if t.state == 'blocked':
                raise Abort()
            return
        nxt, self.after_block = self.after_block, None
        if nxt is None or nxt.state != 'runnable' or nxt.delayed:
            nxt = self.pick()
        if nxt is None:
            nxt = self.advance()
        if nxt is None:
            self.end('hang' if any(o.state != 'finished' for o in self.threads) else 'completed', None)
            if t.state != 'finished':
                self.park(t)
            return
        if nxt is t:
            return
        self.cur = nxt
        wire.flush()
        nxt.baton.release()
        if t.state != 'finished':
            self.park(t)

    def block(self, t, on, deadline=None):
        """`t` blocks on `on` until woken or until `deadline` (virtual time); returns why it woke."""
        t.state = 'blocked'
        t.on = on
        t.deadline = deadline
        t.wake_reason = None
        self.reschedule(t)
        return t.wake_reason

    def wake(self, o, reason='woken'):
        """Make blocked thread `o` runnable."""
        if o.state == 'blocked':
            o.state = 'runnable'
            o.deadline = None
            o.wake_reason = reason

    def fail(self, t, failure, detail):
        """The run failed (`failure`: a RunFailure, src/contract/run-result.ts): its outcome is decided
        here. Called in the running controlled thread `t`, which then parks until the main thread
        unwinds it (Abort); or in the main thread (t None), which then stops building (RunEnd)."""
        if self.status is None:
            self.failure = failure
            self.end('error', detail)
        if t is None:
            raise RunEnd()
        if not self.aborting:
            self.park(t)
        raise Abort()

    def finish(self, t):
        """`t` finished its part of the scenario."""
        t.state = 'finished'
        t.delayed = False
        if self.program_over is not None and self.program_over():
            self.end('completed', None)  # the daemons left are abandoned, as at interpreter exit
            return
        self.reschedule(t)

    def end(self, status, detail):
        """The run's outcome is decided: snapshot the final state, stop recording, wake the main thread."""
        if self.status is not None:
            return
        self.status = status
        self.detail = detail
        self.end_time = self.now
        self.end_steps = self.step
        # A target's state may be properties, its futures' reprs its own: its code, traced as anywhere.
        gated = self.target is not None and self.controlled()
        try:
            self.final = tracer.traced(self.cur, final_state.snapshot_sems, self) if gated else final_state.snapshot_sems(self)
        except Exception as e:  # pragma: no cover
            self.final = []
            self.detail = (detail or '') + ' (snapshot failed: %r)' % (e,)
        if status in ('hang', 'step-limit'):
            try:
                self.blocked = tracer.traced(self.cur, final_state.describe_blocked, self) if gated else final_state.describe_blocked(self)
            except Exception as e:  # pragma: no cover
                self.blocked = [{'thread': '?', 'on': 'describe failed: %r' % (e,)}]
        self.recording = False
        self.done.release()

    # -- history --------------------------------------------------------------------------
    def event(self, t, task, sem_id, kind, op, error=None, n=None):
        """One history event of a semaphore (SemaphoreEvent in src/contract/events.ts); `n` on the
        `release` event of a release(n)."""
        e = self._event_base(t, task)
        e.update({'sem': sem_id, 'kind': kind, 'op': op})
        if error is not None:
            e['error'] = error
        if n is not None:
            e['n'] = n
        self._record_event(e)

    def scenario_event(self, t, task, kind, tag):
        """One event of the scenario itself (ScenarioEvent): `record` of a tag, `spawn` of a task."""
        e = self._event_base(t, task)
        e.update({'kind': kind, 'tag': tag})
        self._record_event(e)

    def _event_base(self, t, task):
        return {'seq': len(self.history), 'step': self.step, 'time': round(self.now, 9), 'thread': t.name,
                'loop': t.loop.sv_id if t.loop is not None else None, 'task': task}

    def _record_event(self, e):
        if not self.recording:
            return
        self.history.append(e)
        if self.tell_all:
            self.tell('event', e)
