# -*- coding: utf-8 -*-
"""The scenario interpreter (the same shape as src/backends/sim/interpret.ts). One op
interpreter, `interpret`, written once as a generator: it passes the scenario points, records
the history around every semaphore call, and yields each call that may await or block as a
Step. Two drivers perform the steps: `drive_async` in a loop thread's task (awaiting what must
be awaited) and `drive_sync` in a plain thread. Whatever a step raises is thrown back into the
generator at its yield, so the history and the `with` cleanup are written once for both.

Every call that may run the code under test goes through a gate (tracer.traced): the thread
traces only there (see tracer.py)."""
import asyncio
import inspect
import sys
import threading
import time
import traceback

from . import contract, real, scheduler, targets, tracer, vloop

# What a Step asks of its driver.
AWAIT = 0  # fn() returns an awaitable (an asyncio acquire): await it; `arg` (an Observed) hears when it first parks
BLOCK = 1  # fn() may block the thread (a threading acquire): `arg` (an Observed) records `waiting` if it parks in Condition.wait
CALL = 2   # call fn(); in a loop thread, await its result when it is awaitable (a release, an __aexit__)
SLEEP = 3  # sleep `arg` seconds: asyncio.sleep in a loop thread, time.sleep in a plain thread
AWAIT_TIMED = 4  # asyncio.wait_for(<fn() watched>, arg.timeout): an asyncio acquire with a timeout; `arg` as for AWAIT
JOIN = 5  # asyncio.wait([arg]): until task `arg` of this loop is done, whatever its outcome


class Step(object):
    """One call the op interpreter hands its driver: `kind` says how to perform `fn`."""
    __slots__ = ('kind', 'fn', 'arg')

    def __init__(self, kind, fn, arg=None):
        self.kind = kind
        self.fn = fn
        self.arg = arg


class Env(object):
    """What one scenario task sees: its scheduler, thread, name and semaphores."""

    def __init__(self, sched, t, task, sems):
        self.s = sched
        self.t = t
        self.task = task
        # History events name the task only in a loop thread (a plain thread's tasks are calls).
        self.event_task = task if t.loop_thread else None
        self.sems = sems  # name -> (id, decl, obj)
        declared = sched.scenario.get('semaphores')
        self.default = list(declared.keys())[0] if declared else (sorted(sems.keys())[0] if sems else None)

    def sem(self, op):
        """The (id, declaration, object) of the semaphore `op` names, or of the scenario's default one."""
        return self.sems[op.get('sem') or self.default]

    def point(self, path):
        """The scenario point before the op at `path`."""
        s = self.s
        if s.aborting:
            raise scheduler.Abort()
        s.point('scenario:%s:%s' % (self.task, path), 'scenario op %s' % path)

    def loop_task(self, name):
        """Task `name` of this thread's loop, or None while it has not been created (its spawn has not run)."""
        s, t = self.s, self.t
        other = s.tasks.get(name)
        if t.loop_thread and other is not None and s.task_loop.get(name) is t.loop:
            return other
        s.record_trace(t, 'scenario:%s' % self.task, 'task %s: not created yet (its spawn has not run): nothing to do' % name)
        return None

    def cancel(self, name, msg):
        """The `cancel` op: cancel a task of this thread's loop, with a message (3.9+) if given."""
        other = self.loop_task(name)
        if other is None:
            return
        if msg is None:
            other.cancel()
            return
        try:
            other.cancel(msg)
        except TypeError as e:
            # Task.cancel() takes no msg before 3.9: the scenario asks what this version cannot do.
            self.s.fail(self.t, {'kind': 'code-raised', 'exception': 'TypeError'},
                        "task %s: %s.cancel(msg) raised TypeError (cancel's msg is 3.9+): %s" % (self.task, name, e))

    def spawn(self, decl):
        """The `spawn` op: asyncio.create_task of a new task of this loop, gathered by the thread's main."""
        s, t = self.s, self.t
        env = Env(s, t, decl['name'], self.sems)
        task = start_task(s, t, env, decl.get('ops', []))
        s.spawned.setdefault(t.name, []).append(task)
        s.scenario_event(t, self.event_task, 'spawn', decl['name'])


class Observed(object):
    """One semaphore call between its history events: the call, then its return or its exception
    (the simulated backend's `observed`). An acquire that returns False ends `not-acquired`; so does
    a timed asyncio one (wait_for) that raises TimeoutError, which the task survives."""
    __slots__ = ('s', 't', 'sid', 'op', 'task', 'n', 'timeout', 'got')

    def __init__(self, env, sid, op, n=None, timeout=None):
        self.s, self.t, self.sid, self.op, self.task = env.s, env.t, sid, op, env.event_task
        self.n = n
        self.timeout = timeout  # set: an asyncio acquire under wait_for
        self.got = True

    def emit(self, kind, error=None):
        """Record a history event of this call."""
        self.s.event(self.t, self.task, self.sid, kind, self.op, error, self.n if kind == 'release' else None)

    def waiting(self):
        """The call really parked: record `waiting` (an asyncio acquire that first yields to its loop)."""
        self.emit('waiting')

    def __enter__(self):
        self.emit(self.op)
        return self

    def __exit__(self, et, e, tb):
        s = self.s
        if et is not None and s.target is not None and not s.aborting:
            # A target's exception is its code: its __str__ runs, traced, as anywhere.
            return tracer.traced(self.t, self._ended, et, e)
        return self._ended(et, e)

    def _ended(self, et, e):
        s = self.s
        if et is None:
            if self.op == 'release':
                self.emit('released')
            else:
                self.emit('acquired' if self.got else 'not-acquired')
        elif self.timeout is not None and issubclass(et, asyncio.TimeoutError):
            self.emit('not-acquired')
            return True  # `try: await wait_for(...) except TimeoutError: pass`
        elif issubclass(et, asyncio.CancelledError):
            self.emit('cancelled')
            s.scenario_excs.append(e)
        elif issubclass(et, Exception):
            self.emit('error', contract.py_error(e, self.op))
            s.scenario_excs.append(e)
        elif not issubclass(et, (scheduler.Abort, GeneratorExit)) and not s.aborting:
            # SystemExit, KeyboardInterrupt, ...: no outcome a semaphore call may have. The run failed.
            where = 'task %s' % self.task if self.task else 'thread %s' % self.t.name
            s.fail(self.t, targets.code_failure(e), '%s: %s() on %s raised %s' % (where, self.op, self.sid, targets.describe_exc(e)))
        return False


def interpret(env, ops, prefix):
    """The scenario's ops as a generator of Steps (paths `0`, `1.body.0`, `2.iter1.0`)."""
    for i, op in enumerate(ops):
        path = '%s%d' % (prefix, i)
        env.point(path)
        kind = op.get('op')
        if kind == 'acquire':
            sid, decl, sem = env.sem(op)
            yield from _acquire(env, sid, decl, _acquire_fn(env, decl, sem.acquire, op), op.get('timeout'))
        elif kind == 'release':
            sid, decl, sem = env.sem(op)
            n = op.get('n')
            yield from _release(env, sid, sem.release if n is None else (lambda r=sem.release, k=n: r(k)), n)
        elif kind in ('with', 'hold'):
            sid, decl, sem = env.sem(op)
            enter, exit_ = targets.enter_exit(env.s.target, sem, _is_async(env, decl))
            yield from _acquire(env, sid, decl, enter)
            try:
                if kind == 'with':
                    yield from interpret(env, op.get('body') or [], path + '.body.')
                else:
                    yield Step(SLEEP, None, float(op.get('seconds', 0)))  # a hold's sleep has no scenario point
            except GeneratorExit:
                raise  # the generator is being closed: nothing can run any more
            except BaseException:
                ei = sys.exc_info()
                yield from _release(env, sid, lambda: exit_(*ei))
                raise
            yield from _release(env, sid, lambda: exit_(None, None, None))
        elif kind == 'sleep':
            yield Step(SLEEP, None, float(op.get('seconds', 0)))
        elif kind == 'cancel':
            env.cancel(op.get('task'), op.get('msg'))
        elif kind == 'repeat':
            for k in range(int(op.get('times', 0))):
                yield from interpret(env, op.get('body') or [], '%s.iter%d.' % (path, k))
        elif kind == 'spawn':
            env.spawn(op.get('task'))
        elif kind == 'record':
            env.s.scenario_event(env.t, env.event_task, 'record', op.get('tag'))
        elif kind == 'await':
            other = env.loop_task(op.get('task'))
            if other is not None:
                yield Step(JOIN, None, other)
        else:
            raise ValueError('unknown op %r' % (kind,))


def _acquire_fn(env, decl, acquire, op):
    """The call an `acquire` op makes: acquire(), or threading's acquire(False) / acquire(timeout=t).
    An asyncio semaphore's timeout is no argument: wait_for goes around the call (AWAIT_TIMED)."""
    if _is_async(env, decl):
        return acquire
    if op.get('blocking') is False:
        return lambda: acquire(False)
    if op.get('timeout') is not None:
        return lambda: acquire(timeout=op['timeout'])
    return acquire


def _is_async(env, decl):
    """An asyncio semaphore is awaited; a threading one is called, even from a loop thread (blocking the loop)."""
    return env.t.loop_thread and decl.get('kind', 'asyncio') == 'asyncio'


def _acquire(env, sid, decl, fn, timeout=None):
    timed = timeout is not None and _is_async(env, decl)
    with Observed(env, sid, 'acquire', timeout=timeout if timed else None) as obs:
        got = yield Step(AWAIT_TIMED if timed else AWAIT if _is_async(env, decl) else BLOCK, fn, obs)
        obs.got = got is not False  # False: acquire(False) or acquire(timeout=...) took no permit


def _release(env, sid, fn, n=None):
    with Observed(env, sid, 'release', n=n):
        yield Step(CALL, fn)


def _is_awaitable(r):
    # Not hasattr(r, '__await__'): 3.6's asyncio.locks makes __aexit__ an @asyncio.coroutine over a
    # plain function, which returns a generator flagged CO_ITERABLE_COROUTINE -- awaitable, but
    # without __await__. Skipping it skipped the release itself (the holder never gave its permit back).
    return r is not None and inspect.isawaitable(r)


def _perform(t, step):
    """Performs a step that needs no awaiting, in thread `t`: what a plain thread does with every
    step, and a loop thread with all but an asyncio acquire, a sleep and an awaitable result."""
    k = step.kind
    if k == BLOCK:
        # t.op lets the lock code record `waiting` when this call really blocks in Condition.wait.
        obs = step.arg
        t.op = ['acquire', obs.sid, obs.task, False]
        try:
            return tracer.traced(t, step.fn)
        finally:
            t.op = None
    if k == CALL:
        return tracer.traced(t, step.fn)
    if k == SLEEP:
        return time.sleep(step.arg)  # looked up now: the virtual sleep during a run
    # Scenario validation keeps asyncio semaphores out of plain threads.
    raise RuntimeError('an asyncio operation in thread %s, which has no event loop' % t.name)


def _resume(gen, value, exc):
    """The op interpreter's next step after `value` (or with `exc` thrown in at its yield), or None
    when it has finished. Whatever it raises otherwise ends the task."""
    try:
        return gen.send(value) if exc is None else gen.throw(exc)
    except StopIteration:
        return None


async def drive_async(env, gen):
    """Performs `gen`'s steps in a loop thread's task, awaiting what must be awaited."""
    step = _resume(gen, None, None)
    while step is not None:
        value = exc = None
        try:
            if step.kind == AWAIT:
                value = await _Watch(env.t, tracer.traced(env.t, step.fn), step.arg.waiting)
            elif step.kind == AWAIT_TIMED:
                value = await asyncio.wait_for(_watched(env.t, step.fn, step.arg.waiting), step.arg.timeout)
            elif step.kind == SLEEP:
                await asyncio.sleep(step.arg)
            elif step.kind == JOIN:
                await asyncio.wait([step.arg])
            else:
                value = _perform(env.t, step)
                if step.kind == CALL and _is_awaitable(value):
                    value = await _Watch(env.t, value, None)
        except BaseException as e:
            exc = e
        step = _resume(gen, value, exc)


def drive_sync(env, gen):
    """Performs `gen`'s steps in a plain thread."""
    step = _resume(gen, None, None)
    while step is not None:
        value = exc = None
        try:
            value = _perform(env.t, step)
        except BaseException as e:
            exc = e
        step = _resume(gen, value, exc)


async def _watched(t, fn, on_park):
    """The coroutine wait_for runs (in a task of its own before 3.12): fn(), called and driven
    through the gates of thread `t`, watched for its first park."""
    return await _Watch(t, tracer.traced(t, fn), on_park)


class _Watch(object):
    """Awaitable driving an awaitable of the code under test through the gates of thread `t`,
    reporting the first time it parks (yields to the loop) to `cb`, if any."""
    __slots__ = ('t', 'c', 'cb')

    def __init__(self, t, c, cb):
        self.t = t
        # A coroutine or generator is driven itself; another awaitable (a Future) by its iterator.
        self.c = c if hasattr(c, 'send') else c.__await__()
        self.cb = cb

    def __await__(self):
        return _drive_coro(self.t, self.c, self.cb)

    __iter__ = __await__


def _drive_coro(t, c, on_park):
    val = None
    exc = None
    parked = on_park is None
    while True:
        try:
            if exc is None:
                y = tracer.traced(t, c.send, val)
            else:
                e, exc = exc, None
                y = tracer.traced(t, c.throw, e)
        except StopIteration as si:
            return si.value
        if not tracer.harmless_wait(y):
            tracer.widen(t)  # the task's own C code calls this future's Python methods
        if not parked:
            parked = True
            on_park()
        try:
            val = yield y
        except GeneratorExit:
            tracer.traced(t, c.close)
            raise
        except BaseException as e:
            exc = e
            val = None


def make_sem(s, sid, decl, t=None):
    """A semaphore for `decl`, built in controlled thread `t` (per-thread ones) or the main thread."""
    value = int(decl.get('value', 1))
    if s.target is not None:
        try:
            return s.target.cls(value)
        except scheduler.Abort:
            raise
        except BaseException as e:  # any exception: a constructor has no outcome to report but its object
            s.fail(t, targets.code_failure(e), '%sbuilding %s: %s(%d) raised %s' % (
                '' if t is None else 'thread %s: ' % t.name, sid, s.target.spec, value, targets.describe_exc(e)))
    bounded = bool(decl.get('bounded'))
    if decl.get('kind', 'asyncio') == 'asyncio':
        cls = asyncio.BoundedSemaphore if bounded else asyncio.Semaphore
    else:
        cls = threading.BoundedSemaphore if bounded else threading.Semaphore
    return cls(value)


def run_failed(s, t, e, task=None):
    """An exception that no semaphore call accounts for ended a task or a thread: the run failed
    (s.fail). If it passed through the target's own file it is the code under test's; otherwise it
    is the harness's (a bug, or a scenario it cannot interpret), with its traceback."""
    where = 'task %s' % task if task else 'thread %s' % t.name
    label = 'scenario:%s' % (task or t.name)
    if s.target is not None and targets.raised_through(e, s.target.file):
        s.record_trace(t, label, 'code under test raised %s' % targets.describe_exc(e))
        s.fail(t, targets.code_failure(e), '%s: the code under test raised %s' % (where, targets.describe_exc(e)))
    text = '%s: %s' % (type(e).__name__, contract.normalise(str(e)))
    s.record_trace(t, label, 'harness error: %s' % text)
    tb = ''.join(traceback.format_exception(type(e), e, e.__traceback__))
    s.fail(t, {'kind': 'harness-error', 'traceback': tb}, 'harness: %s: %s' % (where, text))


def task_exception(s, t, task, e):
    """An exception ended scenario task `task`. The scenario's own outcomes -- an exception a semaphore
    call raised (already an `error`/`cancelled` event) or a cancellation -- are swallowed so sibling
    tasks go on. Anything else is the run's failure: a trace note and the run's status error."""
    if s.aborting or s.status is not None:
        return  # unwinding a decided run
    if isinstance(e, asyncio.CancelledError):
        return
    for x in s.scenario_excs:
        if x is e:
            return
    if s.target is not None:
        tracer.traced(t, run_failed, s, t, e, task)  # a target's exception is its code (its __str__)
    else:
        run_failed(s, t, e, task)


def _per_thread_sems(s, t, shared):
    sems = dict(shared)
    for n, d in (s.scenario.get('semaphores') or {}).items():
        if d.get('scope') == 'per-thread':
            sid = '%s@%s' % (n, t.name)
            sems[n] = (sid, d, tracer.traced(t, make_sem, s, sid, d, t))
            s.sems.append(sems[n])
    return sems


async def task_main(s, t, env, ops):
    """One scenario task's body: its ops, with what ends it sorted out (task_exception)."""
    try:
        await drive_async(env, interpret(env, ops, ''))
    except scheduler.Abort:
        raise
    except BaseException as e:
        task_exception(s, t, env.task, e)


def start_task(s, t, env, ops):
    """asyncio.create_task of scenario task env.task in this thread's loop (named after it on 3.8+)."""
    loop = asyncio.get_event_loop()
    coro = task_main(s, t, env, ops)
    task = loop.create_task(coro, name=env.task) if real.PY >= (3, 8) else loop.create_task(coro)
    s.tasks[env.task] = task
    s.task_names[id(task)] = env.task
    s.task_loop[env.task] = loop
    return task


def _loop_thread(s, t, shared):
    """asyncio.run(main()): main passes its scenario point, builds the thread's semaphores, starts
    one task per scenario task and gathers them with return_exceptions; then the tasks they spawned,
    batch by batch, until none is left (the simulation's main does the same)."""
    async def main():
        if s.aborting:
            raise scheduler.Abort()
        s.point('scenario:%s.main:0' % t.name, 'scenario main')
        sems = _per_thread_sems(s, t, shared)
        tasks = [start_task(s, t, Env(s, t, td['name'], sems), td.get('ops', [])) for td in t.decl.get('tasks', [])]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        spawned = s.spawned.setdefault(t.name, [])
        while spawned:
            batch = list(spawned)
            del spawned[:]
            await asyncio.gather(*batch, return_exceptions=True)

    if hasattr(asyncio, 'run'):
        asyncio.run(main())
    else:  # 3.6
        loop = vloop.VLoop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(main())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


# The harness's own coroutines: a scenario task's body (task_main, spawned tasks too), a loop
# thread's main, and the watched acquire wait_for runs in a task of its own before 3.12. Their
# tasks' steps are the harness's (vloop.py); they reach the code under test through the gates only.
vloop.HARNESS_CODES.update([task_main.__code__, _watched.__code__]
                           + [c for c in _loop_thread.__code__.co_consts if hasattr(c, 'co_code')])


def _plain_thread(s, t, shared):
    """The thread's tasks, one after another; an exception a semaphore call raised ends that task only."""
    sems = _per_thread_sems(s, t, shared)
    for td in t.decl.get('tasks', []):
        t.plain_task = td['name']
        env = Env(s, t, td['name'], sems)
        try:
            drive_sync(env, interpret(env, td.get('ops', []), ''))
        except scheduler.Abort:
            raise
        except Exception as e:
            task_exception(s, t, td['name'], e)


def thread_entry(s, t, shared_box):
    """The body of controlled thread `t` (registered by the main thread, run by a pooled OS
    thread): waits for its first turn, runs its part, tracing in the gates."""
    t.baton.acquire()  # wait for the first turn
    if s.aborting:
        return
    t.tracer = tracer.make_tracer(s, t)
    try:
        (_loop_thread if t.loop_thread else _plain_thread)(s, t, shared_box[0])
    except scheduler.Abort:
        pass
    except BaseException as e:  # an escape past the tasks: the code under test's, or a harness bug
        if not s.aborting and s.status is None:
            try:
                if s.target is not None:
                    tracer.traced(t, run_failed, s, t, e)  # a target's exception is its code (its __str__)
                else:
                    run_failed(s, t, e)
            except scheduler.Abort:
                pass
    finally:
        sys.settrace(None)
        if not s.aborting:
            s.finish(t)
        else:
            t.state = 'finished'
