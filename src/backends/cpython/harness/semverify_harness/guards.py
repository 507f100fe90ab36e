# -*- coding: utf-8 -*-
"""What a program may not do under semverify's control (program mode, docs/programs.md).

semverify runs a program's threads, locks, time and event loops inside one interpreter. Other
processes, real sockets and waits on real file descriptors are outside that: a run using them
would block for real (a hang of the harness, not of the program) or depend on the world. So:

- before any run, `scan` reads the script and refuses the clear cases (an import of subprocess,
  multiprocessing, socket, ...; a call of os.system, os.fork, asyncio.create_subprocess_exec,
  asyncio.open_connection, ...): one line, bad input;
- during a run, `Patches` makes the same things raise `Uncontrolled` wherever they are reached from
  (a helper module, a library): the run fails with failure `uncontrolled`, which the driver turns
  into the same one line;
- os._exit raises `ProgramExit` instead of ending the harness: the run fails (`code-exited`).
"""
import ast
import os
import select
import socket
import subprocess
import sys

from . import contract, observe

try:
    import _posixsubprocess
except ImportError:  # pragma: no cover - not POSIX
    _posixsubprocess = None

# What each kind of use is (the contract's `uncontrolledUses`), for the one line that refuses it.
WHAT = dict(zip(contract.UNCONTROLLED_USES, ('starts another process', 'uses a real socket', 'waits on real file descriptors')))
# Imports that mean one of them (the module or a submodule of it).
MODULES = {
    'subprocess': 'subprocess', 'multiprocessing': 'subprocess', 'concurrent.futures.process': 'subprocess',
    'socket': 'socket', 'ssl': 'socket', 'socketserver': 'socket', 'http.client': 'socket', 'http.server': 'socket',
    'urllib.request': 'socket', 'ftplib': 'socket', 'smtplib': 'socket', 'xmlrpc.client': 'socket', 'xmlrpc.server': 'socket',
    'select': 'select', 'selectors': 'select',
}
NAMES = {'ProcessPoolExecutor': 'subprocess'}
# Calls `module.attr(...)` that mean one of them.
CALLS = {
    'os': dict([(n, 'subprocess') for n in ('system', 'popen', 'fork', 'forkpty', 'posix_spawn', 'posix_spawnp', 'spawnl', 'spawnle',
                                            'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe', 'execl', 'execle',
                                            'execlp', 'execlpe', 'execv', 'execve', 'execvp', 'execvpe')]),
    'asyncio': {'create_subprocess_exec': 'subprocess', 'create_subprocess_shell': 'subprocess', 'open_connection': 'socket',
                'start_server': 'socket', 'open_unix_connection': 'socket', 'start_unix_server': 'socket'},
}


class Uncontrolled(BaseException):
    """The program reached something semverify cannot control (`what`: a key of WHAT). A
    BaseException, so that the program's own `except Exception` does not hide it."""

    def __init__(self, what, how):
        BaseException.__init__(self, how)
        self.what = what
        self.how = how
        self.where = program_site()


class ProgramExit(BaseException):
    """os._exit(code) in the program: the run ends there, and the harness does not."""

    def __init__(self, code):
        BaseException.__init__(self, code)
        self.code = code
        self.where = program_site()


def program_site():
    """`file.py:line` of the innermost frame of the program's own code on the caller's stack."""
    f = sys._getframe(2)
    while f is not None:
        if not observe.is_library(f.f_code.co_filename):
            return '%s:%d' % (os.path.basename(f.f_code.co_filename), f.f_lineno)
        f = f.f_back
    return None


def refusal(what, line, how):
    """The one line that refuses a program: what it uses, where, and why that cannot be checked."""
    return ('line %d: the program %s (%s), which semverify cannot control: it runs the threads, locks, time and '
            'event loops of one interpreter, not other processes, sockets or real I/O' % (line, WHAT[what], how))


def scan(tree):
    """The first clear use of what cannot be controlled in a parsed script, as the line refusing it; else None."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                what = _module_use(alias.name)
                if what:
                    found.append((node.lineno, what, 'import %s' % alias.name))
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            what = _module_use(node.module)
            for alias in node.names:
                what = what or _module_use(node.module + '.' + alias.name) or NAMES.get(alias.name)
            if what:
                found.append((node.lineno, what, 'from %s import %s' % (node.module, ', '.join(a.name for a in node.names))))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            what = CALLS.get(node.value.id, {}).get(node.attr) or (NAMES.get(node.attr) if node.value.id == 'futures' else None)
            if what:
                found.append((node.lineno, what, '%s.%s' % (node.value.id, node.attr)))
    if not found:
        return None
    line, what, how = min(found)
    return refusal(what, line, how)


def _module_use(name):
    for mod, what in MODULES.items():
        if name == mod or name.startswith(mod + '.'):
            return what
    return None


def failure_of(e):
    """(RunFailure, detail) of an exception that ends a program run by its nature, else None."""
    if isinstance(e, ProgramExit):
        at = ' (%s)' % e.where if e.where else ''
        return {'kind': 'code-exited', 'exception': 'os._exit'}, 'the program called os._exit(%s)%s' % (e.code, at)
    if isinstance(e, Uncontrolled):
        at = '%s: ' % e.where if e.where else ''
        return ({'kind': 'uncontrolled', 'what': e.what},
                'the program %s (%s%s), which semverify cannot control' % (WHAT[e.what], at, e.how))
    return None


def _refuse(what, how):
    def refused(*args, **kwargs):
        raise Uncontrolled(what, how)
    return refused


def _exit(code):
    raise ProgramExit(code)


class Patches(object):
    """The guards in place for one program run, and restored after it."""

    def __init__(self):
        self.saved = []

    def _set(self, obj, name, value):
        if hasattr(obj, name):
            self.saved.append((obj, name, getattr(obj, name)))
            setattr(obj, name, value)

    def apply(self):
        """Make other processes, sockets, waits on file descriptors and os._exit stop the run."""
        for name in CALLS['os']:
            self._set(os, name, _refuse('subprocess', 'os.%s' % name))
        self._set(subprocess.Popen, '_execute_child', _refuse('subprocess', 'subprocess.Popen'))
        if _posixsubprocess is not None:
            self._set(_posixsubprocess, 'fork_exec', _refuse('subprocess', 'a subprocess'))
        self._set(socket.socket, '__init__', _refuse('socket', 'socket.socket()'))
        for name in ('select', 'poll', 'epoll', 'devpoll', 'kqueue'):
            self._set(select, name, _refuse('select', 'select.%s' % name))
        self._set(os, '_exit', _exit)

    def restore(self):
        """Undo apply()."""
        for obj, name, value in reversed(self.saved):
            setattr(obj, name, value)
        self.saved = []
