# -*- coding: utf-8 -*-
"""One run of a scenario: take the controlled threads' OS threads from the pool (pool.py; it
starts any new one before anything is patched: Thread.start uses real locks), patch in the
virtual primitives, build the shared semaphores in the main thread, hand the CPU to T0, wait for
the outcome, then unwind the survivors, restore everything and give the threads back. The
reply's `result` is a RunResult (src/contract/run-result.ts)."""
import asyncio
import asyncio.events
import gc

from . import contract, final_state, interpreter, pool, real, scheduler, sources, targets, virtual, vloop, wire


def do_run(req):
    """Runs the request's scenario under its decision source. Returns (result, clean): `clean` is
    False when a controlled thread would not exit, and the process must then be replaced."""
    scenario = req['scenario']
    # Imported (once) in this thread, before anything is patched: import machinery takes real locks.
    target = targets.check_target(req['target'], scenario) if req.get('target') else None
    source = sources.build(req.get('source'), req.get('schedule'))
    s = scheduler.Sched(scenario, source, int(req.get('maxSteps') or contract.DEFAULT_MAX_STEPS), req.get('trace', True) is not False)
    s.rid = req.get('id')
    s.tell_all = req.get('tellAll') is True
    s.target = target
    reuse = pool.reusable(target)
    workers = pool.POOL.take(len(s.threads), reuse)
    gc_was = gc.isenabled()
    gc.disable()
    shared_box = [{}]
    for t, w in zip(s.threads, workers):
        t.thread = w
        t.ident = w.ident
        s.by_ident[w.ident] = t
    for t, w in zip(s.threads, workers):
        w.give('semverify-' + t.name, interpreter.thread_entry, (s, t, shared_box))
    old_policy = asyncio.events._event_loop_policy
    main_loop = None
    clean = True
    try:
        scheduler.CURRENT = s
        virtual.patch()
        # <= 3.9 binds an asyncio semaphore to a loop at construction: shared ones to the main thread's.
        need_main_loop = real.PY < (3, 10) and any(
            d.get('kind', 'asyncio') == 'asyncio' and d.get('scope', 'shared') == 'shared'
            for d in (scenario.get('semaphores') or {}).values())
        if need_main_loop:
            main_loop = vloop.VLoop('loop@main')
            asyncio.set_event_loop(main_loop)
        shared = {}
        try:
            for n, d in (scenario.get('semaphores') or {}).items():
                if d.get('scope', 'shared') == 'shared':
                    shared[n] = (n, d, interpreter.make_sem(s, n, d))
                    s.sems.append(shared[n])
        except scheduler.RunEnd:
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
            s.final = final_state.snapshot_sems(s)
        if s.target is not None:
            wire.flush()  # unwinding runs the target's cleanup, which may end the process
        else:
            wire.drop()  # the reply says it all; unwinding runs only the standard library
        clean = unwind(s)
    finally:
        s.aborting = True
        virtual.unpatch(old_policy)
        if main_loop is not None:
            try:
                asyncio.set_event_loop(None)
                main_loop.close()
            except Exception:
                pass
        scheduler.CURRENT = None
        for t in s.threads:
            t.frame_states.clear()
        pool.POOL.give_back(workers, reuse)
        if gc_was:
            gc.enable()
    return result_of(s, source), clean


def unwind(s):
    """Resume every unfinished thread with the abort flag set, one at a time, so that its next
    blocking operation or point raises Abort and real cleanup runs (no longer recorded). False
    when a thread does not exit."""
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
                return False
    for t in s.threads:
        t.thread.join(5.0)
        if t.thread.is_alive():
            return False
    return True


def result_of(s, source):
    """The reply's `result` of decided run `s` (a RunResult)."""
    res = {'status': s.status, 'history': s.history, 'trace': s.trace, 'semaphores': s.final or [],
           'endTime': round(s.end_time, 9), 'steps': s.end_steps, 'schedule': s.applied}
    if s.blocked is not None and s.status in ('hang', 'step-limit'):
        res['blocked'] = s.blocked
    if s.detail:
        res['detail'] = s.detail
    if s.failure is not None:
        res['failure'] = s.failure
    if source.log is not None:
        res['decisions'] = source.log  # a prefix run's log: the driver computes the next prefix from it
    return res
