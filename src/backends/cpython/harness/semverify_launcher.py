# -*- coding: utf-8 -*-
"""semverify's CPython harness process: what src/backends/cpython/process.ts spawns.

It imports the harness package (semverify_harness/, beside this file) from this file's own
directory before anything of the user's is on sys.path, then takes that directory off sys.path
again: a user's --pythonpath is added later (for a --target), and a module of theirs named like
one of the harness's (semverify_harness, protocol, contract, ...) then cannot stand in for it.
Standard library only; CPython 3.6 ... 3.13.
"""
import os
import sys

if sys.version_info[:2] >= (3, 12):
    # 3.12 routes settrace through sys.monitoring: sys.settrace only switches INSTRUCTION events on
    # when some frame has asked for opcode events already. This frame lives as long as the process.
    sys._getframe().f_trace_opcodes = True

_HERE = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, _HERE)
try:
    from semverify_harness import protocol
finally:
    sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != _HERE]

if os.path.dirname(os.path.dirname(os.path.realpath(protocol.__file__))) != _HERE:  # pragma: no cover
    sys.exit('semverify harness: imported %s instead of the one beside %s' % (protocol.__file__, __file__))

protocol.main()
