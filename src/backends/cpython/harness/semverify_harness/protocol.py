# -*- coding: utf-8 -*-
"""The request loop: line-delimited JSON on the protocol's private stdin, one reply per request
on its private stdout (docs/cpython-backend.md, "Protocol"):

    {"id": 1, "op": "hello"}                      -> {"id": 1, "ok": true, "version": ..., "model": ...}
    {"id": 2, "op": "run", "scenario": {...}, "schedule": [...] | null, "source": <SourceSpec> | null,
     "maxSteps": n, "target": null | {"spec": "mod:Class", "pythonpath": [...]}, "trace": true, "tellAll": false}
                                                  -> {"id": 2, "ok": true, "result": <RunResult>}
        while it runs: {"id": 2, "told": [{"progress": "deviation"|"steps", "step": n, "time": t, "value": ...}, ...]}
                       (items held and sent in batches, wire.py; also "event"|"trace" items when the
                       request has "tellAll": true)
    {"id": 3, "op": "target", "target": {...}, "scenario": {...}}   -> {"id": 3, "ok": true, "target": {...}}
                                  (a bad target: {"id": 3, "ok": false, "error": "...", "field": "--target"})
    {"id": 5, "op": "program", "program": {"path": "/abs/x.py", "digest": "<sha256>", "args": [...]}}
                                                  -> {"id": 5, "ok": true, "program": {"file": ..., "digest": ...}}
                                  (one that cannot run: {"id": 5, "ok": false, "error": "...", "field": "program"})
    a `run` with "program" runs that program (program.py) and tells each thread it starts as it does
    ({"progress": "thread", "value": name}); its result also has "threads" and, traced, "output"
    {"id": 4, "op": "exit"}
"""
import gc
import json
import os
import sys
import traceback

from . import points, program, real, run, targets, tracer, wire

# A collection every so many runs (the GC is off during a run).
GC_EVERY_RUNS = 200


def hello():
    """What the harness says about itself: version, point model, executable, pid."""
    return {'version': real.VERSION, 'short': real.SHORT, 'model': points.MODEL.name,
            'implementation': sys.implementation.name, 'executable': sys.executable, 'pid': os.getpid()}


def answer(req, state):
    """The reply to one request, and whether the process must exit after sending it."""
    rid = req.get('id')
    op = req.get('op')
    if op == 'hello':
        resp = {'id': rid, 'ok': True}
        resp.update(hello())
        return resp, False
    if op == 'target':
        t = targets.check_target(req.get('target') or {}, req.get('scenario') or {})
        return {'id': rid, 'ok': True, 'target': {'spec': t.spec, 'file': t.file, 'async': t.async_acquire}}, False
    if op == 'program':
        return {'id': rid, 'ok': True, 'program': program.check_program(req.get('program') or {})}, False
    if op == 'run':
        result, clean = program.do_run(req) if req.get('program') else run.do_run(req)
        state['runs'] += 1
        if state['runs'] % GC_EVERY_RUNS == 0:
            gc.collect()
        resp = {'id': rid, 'ok': True, 'result': result}
        if not clean:
            resp['restart'] = True  # a thread of the run would not exit: this process must be replaced
        return resp, not clean
    if op == 'exit':
        return {'id': rid, 'ok': True}, True
    return {'id': rid, 'ok': False, 'error': 'unknown op %r' % (op,)}, False


def main():
    """Serve requests until stdin closes (the driver is gone) or `exit`."""
    if real.PY >= (3, 12):
        # Keep one thread tracing for the whole life of the process: when the last tracing thread
        # stops, 3.12+ tears the monitoring instrumentation down and code loses its opcode events.
        sys.settrace(tracer.idle_tracer)
    inp = wire.open_streams()
    state = {'runs': 0}
    while True:
        line = inp.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line.decode('utf-8'))
        except Exception as e:
            wire.send({'id': None, 'ok': False, 'error': 'bad json: %s' % e})
            continue
        stop = False
        try:
            resp, stop = answer(req, state)
        except targets.TargetProblem as e:
            resp = {'id': req.get('id'), 'ok': False, 'error': str(e), 'field': '--target'}
        except program.ProgramProblem as e:
            resp = {'id': req.get('id'), 'ok': False, 'error': str(e), 'field': 'program'}
        except BaseException as e:  # even SystemExit or KeyboardInterrupt: answer, and serve the next request
            resp = {'id': req.get('id'), 'ok': False, 'error': '%s: %s' % (type(e).__name__, e),
                    'traceback': traceback.format_exc()}
        # Progress a run held back is the reply's to say (or moot: the request failed); it must
        # not go out later under the next request's id.
        wire.drop()
        wire.send(resp)
        if stop:
            break
    os._exit(0)
