# -*- coding: utf-8 -*-
"""A user's own semaphore class (`--target module.path:ClassName`) in place of the standard
library's: imported once, checked against the scenario, its module made code under test
(docs/cpython-backend.md, "Checking your own semaphore")."""
import importlib
import inspect
import os
import sys

from . import contract, points


class TargetProblem(Exception):
    """A --target that cannot be used: answered as one line for the user, never a traceback."""


class Target(object):
    """A usable --target: the class, its file, and how its acquire/release and `with` are called."""
    __slots__ = ('spec', 'cls', 'file', 'async_acquire', 'async_release', 'has_cm', 'has_acm')


_TARGETS = {}  # (spec, pythonpath) -> Target


def describe_exc(e):
    """One line for an exception of the code under test: `Type: message (file.py:line)`, the
    message normalised and cut to its first line, the position the innermost frame's."""
    tb = getattr(e, '__traceback__', None)
    where = ''
    while tb is not None:
        where = ' (%s:%d)' % (os.path.basename(tb.tb_frame.f_code.co_filename), tb.tb_lineno)
        tb = tb.tb_next
    text = contract.normalise(str(e)).splitlines()[0] if str(e).strip() else ''
    return '%s%s%s' % (type(e).__name__, ': ' + text if text else '', where)


def code_failure(e):
    """The RunFailure of an exception from the code under test that no semaphore call may end with."""
    return {'kind': 'code-exited' if isinstance(e, SystemExit) else 'code-raised', 'exception': type(e).__name__}


def raised_through(e, filename):
    """Whether exception `e` passed through a frame of `filename`."""
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            return True
        tb = tb.tb_next
    return False


def load_target(target):
    """Import `module.path:ClassName` (after putting `pythonpath` first on sys.path) and make its
    module code under test. Cached: a module is imported once per process. The harness's own
    modules are all imported by then (the launcher imports the package before any user path is
    added), so a user module named like one of them cannot stand in for it."""
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
    where = ' (searched --pythonpath %s and the interpreter\'s sys.path)' % ', '.join(pythonpath) if pythonpath else \
        ' (not on the interpreter\'s sys.path; add its directory with --pythonpath)'
    try:
        mod = importlib.import_module(mod_name)
    except ImportError as e:
        missing = getattr(e, 'name', None)
        if missing is not None and (mod_name == missing or mod_name.startswith(missing + '.')):
            raise TargetProblem('module %r not found%s' % (mod_name, where))
        raise TargetProblem('importing %r failed: %s' % (mod_name, describe_exc(e)))
    except BaseException as e:  # a module that raises (or exits) at import time
        raise TargetProblem('importing %r failed: %s' % (mod_name, describe_exc(e)))
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
    points.add_under_test(fn, os.path.basename(fn), None, home)
    t = Target()
    t.spec = spec
    t.cls = cls
    t.file = fn
    t.async_acquire = inspect.iscoroutinefunction(cls.acquire)
    t.async_release = inspect.iscoroutinefunction(cls.release)
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


def enter_exit(target, sem, asynchronous):
    """How `with` (or `async with`) enters and exits `sem`: its own __enter__/__exit__
    (__aenter__/__aexit__), else, for a target without them, acquire() and release()."""
    if target is None or (target.has_acm if asynchronous else target.has_cm):
        return (sem.__aenter__, sem.__aexit__) if asynchronous else (sem.__enter__, sem.__exit__)
    return sem.acquire, lambda *ei: sem.release()
