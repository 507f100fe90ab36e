# -*- coding: utf-8 -*-
"""What a run leaves behind, captured when its outcome is decided (before unwinding changes
it): the semaphores' final state (SemaphoreFinal in src/contract/run-result.ts) and, for a hang
or a cut-off run, what each unfinished thread waits on."""
import asyncio
import inspect

from . import contract, real

_INFLIGHT = []


def _asyncio_inflight_model():
    """Whether this asyncio's _wake_up_next hands the permit over (decrements _value for the
    woken waiter): 3.10.13+ and 3.11+. Read from the source, which is what decides it."""
    if not _INFLIGHT:
        try:
            _INFLIGHT.append('_value -= 1' in inspect.getsource(asyncio.Semaphore._wake_up_next))
        except Exception:
            _INFLIGHT.append(real.PY >= (3, 10))
    return _INFLIGHT[0]


def loop_id(loop):
    """The id a loop is reported by ("loop@T1", "loop@main"), or None."""
    return None if loop is None else getattr(loop, 'sv_id', 'loop@?')


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
            'waiters': waiters, 'inFlight': 0,
            'boundLoop': loop_id(loop) if isinstance(loop, asyncio.AbstractEventLoop) else None}


def snapshot_sems(s):
    """The final state of every semaphore of the run, in creation order."""
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
            e['boundLoop'] = loop_id(getattr(obj, '_loop', None))
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
    r = contract.normalise(repr(fut))
    return r[:117] + '...' if len(r) > 120 else r


def describe_blocked(s):
    """What every unfinished thread waits on (BlockedThread), with its loop's pending tasks."""
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
            # The loop's tasks, in creation order: a scenario's declared and spawned ones, or those a
            # program's loop created (observe.py).
            names = [n for n, lp in s.task_loop.items() if lp is loop]
            for name in names:
                task = s.tasks.get(name)
                if task is not None and not task.done():
                    tasks.append({'task': name, 'awaits': _describe_fut(s, getattr(task, '_fut_waiter', None))})
            e['tasks'] = tasks
        out.append(e)
    return out
