# -*- coding: utf-8 -*-
"""Where this interpreter can switch threads, in the code under test: one point model per
interpreter family (docs/cpython-backend.md, "Scheduling points per version").

A model reads each code object of the code under test once (`analyse`: which instructions are
points) and, per frame, gives the trace function that reports the points as the frame runs
(`local_tracer`) and the point at frame entry (`entry`). `MODEL` is the model of this interpreter.
"""
import asyncio.locks
import dis
import os
import threading

from . import real

# GENERATOR | COROUTINE | ITERABLE_COROUTINE | ASYNC_GENERATOR
CO_GENLIKE = 0x20 | 0x80 | 0x100 | 0x200

# Kinds of instruction points (the first field of a CodeInfo.ops entry).
K_ENTRY, K_CALL, K_BACK, K_COND_BACK = 1, 2, 3, 4

# ---------------------------------------------------------------------------------------------
# The code under test: files, qualified names, line tables
# ---------------------------------------------------------------------------------------------

UNDER_TEST = {}  # abs filename -> (label path, qualname-prefix filter or None)
_QUALNAMES = {}  # code -> qualname, for interpreters without co_qualname (< 3.11)


def _walk_code(code, qual):
    _QUALNAMES.setdefault(code, qual)
    for c in code.co_consts:
        if hasattr(c, 'co_code'):
            _walk_code(c, qual + '.<locals>.' + c.co_name)


def index_module(mod):
    """Qualified names of a module's code objects (before 3.11 code objects do not carry them)."""
    if real.PY >= (3, 11):
        return
    for name, obj in list(vars(mod).items()):
        if isinstance(obj, type) and getattr(obj, '__module__', None) == mod.__name__:
            for an, av in list(vars(obj).items()):
                for f in (av, getattr(av, '__func__', None), getattr(av, 'fget', None),
                          getattr(av, '__wrapped__', None)):
                    code = getattr(f, '__code__', None)
                    if code is not None:
                        _walk_code(code, obj.__qualname__ + '.' + an)
        elif hasattr(obj, '__code__') and getattr(obj, '__module__', None) == mod.__name__:
            _walk_code(obj.__code__, obj.__qualname__)


def index_script(code):
    """Qualified names of the code objects of a compiled script (a program run as __main__), from its
    module code: a class body's functions are `Class.f`, a function's are `f.<locals>.g`."""
    if real.PY >= (3, 11):
        return

    def walk(c, qual, in_class):
        for k in c.co_consts:
            if hasattr(k, 'co_code'):
                # A class body is neither optimised nor given new locals; a function is both.
                q = k.co_name if qual is None else qual + ('.' if in_class else '.<locals>.') + k.co_name
                _QUALNAMES.setdefault(k, q)
                walk(k, q, not (k.co_flags & 0x3))

    _QUALNAMES.setdefault(code, '<module>')
    walk(code, None, False)


def add_under_test(filename, label_path, prefixes=None, module=None):
    """Make a source file code under test, its labels starting with `label_path`. False when it
    already was (a standard-library module keeps its labels and its qualname filter)."""
    fn = os.path.abspath(filename)
    if fn in UNDER_TEST:
        return False
    UNDER_TEST[fn] = (label_path, prefixes)
    if module is not None:
        index_module(module)
    return True


def _register_stdlib():
    add_under_test(asyncio.locks.__file__, 'asyncio/locks.py', None, asyncio.locks)
    if real.mixins is not None:
        add_under_test(real.mixins.__file__, 'asyncio/mixins.py', None, real.mixins)
    add_under_test(threading.__file__, 'threading.py', ('Semaphore', 'BoundedSemaphore', 'Condition'), threading)


_register_stdlib()


def qualname_of(code):
    """A code object's qualified name (co_qualname from 3.11, the module walk's before)."""
    q = getattr(code, 'co_qualname', None)
    return q if q is not None else _QUALNAMES.get(code, code.co_name)


def _line_table(code):
    lines = {}
    if hasattr(code, 'co_lines'):
        for start, end, line in code.co_lines():
            if line is None:
                continue
            for o in range(start, end, 2):
                lines.setdefault(o, line)
    else:
        starts = sorted(dis.findlinestarts(code))
        n = len(code.co_code)
        for i, (o, line) in enumerate(starts):
            e = starts[i + 1][0] if i + 1 < len(starts) else n
            for x in range(o, e, 2):
                lines[x] = line
    return lines


class CodeInfo(object):
    """One code object of the code under test, as its point model reads it."""
    __slots__ = ('code', 'label_prefix', 'lines', 'entry', 'ops', 'opnames', 'qual')

    def label(self, offset):
        """The label of the instruction at `offset`: `file:qualname:line`."""
        return '%s%s' % (self.label_prefix, self.lines.get(offset, self.code.co_firstlineno))


def analyse(code):
    """The CodeInfo of `code` when it is code under test, else None."""
    spec = UNDER_TEST.get(code.co_filename) or UNDER_TEST.get(os.path.abspath(code.co_filename))
    if spec is None:
        return None
    rel, prefixes = spec
    qual = qualname_of(code)
    if prefixes is not None and qual.split('.', 1)[0] not in prefixes:
        return None
    info = CodeInfo()
    info.code = code
    info.qual = qual
    info.label_prefix = '%s:%s:' % (rel, qual)
    info.lines = _line_table(code)
    info.entry = set()
    info.ops = {}
    info.opnames = {}
    instrs = [ins for ins in dis.get_instructions(code) if ins.opname != 'CACHE']
    for idx, ins in enumerate(instrs):
        info.opnames[ins.offset] = ins.opname
        MODEL.analyse_instruction(info, instrs, idx, ins)
    return info


# ---------------------------------------------------------------------------------------------
# The models
# ---------------------------------------------------------------------------------------------

class PointModel(object):
    """A family of interpreters that check their eval breaker in the same places."""
    name = None
    # 3.6 has no opcode events: its points come from `line` events instead.
    uses_lines = False
    # Whether a call's point depends on its callee (3.11+: a Python callee of the code under test
    # returns without a check): the tracer then classifies callees at their `call` event.
    classifies_calls = False

    def analyse_instruction(self, info, instrs, idx, ins):
        """Record in `info` whether instruction `ins` (instrs[idx]) is a point."""

    def local_tracer(self, sched, info, st):
        """The trace function of one frame of `info`; `st` is the frame's state list."""
        raise NotImplementedError

    def entry(self, sched, frame, info):
        """The point at a frame's start or resumption, if this model has one there."""


def _jump_points(sched, ops, st):
    """The local tracer of the models that see points through opcode events (3.10 and up): a
    call's point comes after it (unless its callee was a Python function of the code under test,
    or it created a coroutine), a backward jump's when it is taken."""
    point = sched.point

    def local(frame, event, arg):
        if event == 'opcode':
            o = frame.f_lasti
            p = st[0]
            if p is not None:
                st[0] = None
                kind = p[0]
                if kind == K_CALL:
                    if st[1] != 'py' and not (st[1] is None and p[2]):
                        point(p[1], 'after call')
                elif kind == K_BACK:
                    point(p[1], 'backward jump')
                elif kind == K_COND_BACK:
                    if o <= p[3]:
                        point(p[1], 'backward jump')
            e = ops.get(o)
            if e is not None:
                if e[0] == K_CALL:
                    st[0] = e
                    st[1] = None
                elif e[0] == K_BACK:
                    st[0] = e
                else:
                    st[0] = (K_COND_BACK, e[1], False, o)
        elif event == 'exception' or event == 'return':
            st[0] = None
        return local
    return local


HOT_BUILTINS = ('len', 'isinstance', 'type')
CALL_OPS = ('CALL', 'CALL_FUNCTION_EX', 'CALL_KW', 'CALL_FUNCTION', 'CALL_FUNCTION_KW', 'CALL_METHOD')


def _callee_pusher(instrs, i, nargs):
    """Index of the instruction that pushed the callable of the call at instrs[i] (a straight-line guess)."""
    need = nargs + 1
    acc = 0
    k = i - 1
    while k >= 0:
        ins = instrs[k]
        if ins.opname in ('PRECALL', 'KW_NAMES', 'CACHE', 'NOP', 'EXTENDED_ARG'):
            k -= 1
            continue
        try:
            eff = dis.stack_effect(ins.opcode, ins.arg) if ins.opcode >= dis.HAVE_ARGUMENT else dis.stack_effect(ins.opcode)
        except Exception:
            return None
        acc += eff
        if acc >= need:
            return k
        k -= 1
    return None


class Gil311(PointModel):
    """3.11 and 3.12/3.13: RESUME 0/1, after calls of anything but a Python function of the code
    under test (never after hot len/isinstance/type, nor after creating a coroutine or a genexpr),
    taken backward jumps."""
    classifies_calls = True
    BACKJUMPS = ('JUMP_BACKWARD', 'POP_JUMP_BACKWARD_IF_FALSE', 'POP_JUMP_BACKWARD_IF_TRUE',
                 'POP_JUMP_BACKWARD_IF_NONE', 'POP_JUMP_BACKWARD_IF_NOT_NONE')

    def __init__(self, name):
        self.name = name

    def analyse_instruction(self, info, instrs, idx, ins):
        name = ins.opname
        if name == 'RESUME':
            if ((ins.arg or 0) & 3) < 2:
                info.entry.add(ins.offset)
        elif name in ('CALL', 'CALL_FUNCTION_EX', 'CALL_KW'):
            nargs = ins.arg or 0 if name != 'CALL_FUNCTION_EX' else -1
            gen_create = init_explicit = hot = False
            nxt = instrs[idx + 1].opname if idx + 1 < len(instrs) else ''
            if nxt in ('GET_AWAITABLE', 'GET_YIELD_FROM_ITER'):
                gen_create = True
            # generator expression: MAKE_FUNCTION <iterable> GET_ITER [PRECALL 0] CALL 0
            j = idx - 1
            while j >= 0 and instrs[j].opname in ('PRECALL', 'NOP'):
                j -= 1
            if nargs == 0 and j >= 0 and instrs[j].opname == 'GET_ITER':
                j -= 1
                while j >= 0 and instrs[j].opname not in CALL_OPS:
                    if instrs[j].opname == 'MAKE_FUNCTION':
                        gen_create = True
                        break
                    j -= 1
            if nargs >= 0:
                p = _callee_pusher(instrs, idx, nargs)
                if p is not None:
                    pi = instrs[p]
                    if pi.opname == 'MAKE_FUNCTION':
                        gen_create = True
                    elif pi.opname == 'LOAD_GLOBAL' and pi.argval in HOT_BUILTINS:
                        hot = True
                    elif pi.opname in ('LOAD_METHOD', 'LOAD_ATTR') and pi.argval == '__init__':
                        init_explicit = True
            if not hot:
                info.ops[ins.offset] = (K_CALL, info.label(ins.offset), gen_create, init_explicit)
        elif name in self.BACKJUMPS:
            kind = K_BACK if name == 'JUMP_BACKWARD' else K_COND_BACK
            info.ops[ins.offset] = (kind, info.label(ins.offset), False, False)

    def local_tracer(self, sched, info, st):
        return _jump_points(sched, info.ops, st)

    def entry(self, sched, frame, info):
        o = frame.f_lasti
        if o in info.entry:
            sched.point(info.label(o), 'entry')


class Gil310(PointModel):
    """3.10: no RESUME: frame entry and resumption after YIELD_VALUE (not after await), after
    every call, taken backward jumps."""
    name = 'gil-3.10'
    JUMPS = ('JUMP_ABSOLUTE', 'POP_JUMP_IF_FALSE', 'POP_JUMP_IF_TRUE', 'JUMP_IF_FALSE_OR_POP',
             'JUMP_IF_TRUE_OR_POP', 'JUMP_IF_NOT_EXC_MATCH')

    def analyse_instruction(self, info, instrs, idx, ins):
        if ins.opname in CALL_OPS:
            info.ops[ins.offset] = (K_CALL, info.label(ins.offset), False, False)
        elif ins.opname in self.JUMPS and isinstance(ins.argval, int) and ins.argval <= ins.offset:
            info.ops[ins.offset] = (K_COND_BACK, info.label(ins.offset), False, False)

    def local_tracer(self, sched, info, st):
        return _jump_points(sched, info.ops, st)

    def entry(self, sched, frame, info):
        o = frame.f_lasti
        if o < 0 or info.opnames.get(o) == 'YIELD_VALUE':
            sched.point(info.label(o if o >= 0 else 0), 'entry')


class Gil39(PointModel):
    """3.7-3.9: a point before every instruction, except after one that ends with FAST_DISPATCH
    and before the few that skip the check. The entry check is the first opcode event."""
    name = 'gil-3.9'
    FAST = frozenset(('NOP', 'LOAD_FAST', 'LOAD_CONST', 'STORE_FAST', 'POP_TOP', 'ROT_TWO', 'ROT_THREE',
                      'ROT_FOUR', 'DUP_TOP', 'DUP_TOP_TWO', 'JUMP_FORWARD', 'POP_JUMP_IF_FALSE',
                      'POP_JUMP_IF_TRUE', 'JUMP_IF_FALSE_OR_POP', 'JUMP_IF_TRUE_OR_POP',
                      'LOAD_CLOSURE', 'LOAD_DEREF', 'STORE_DEREF'))
    SKIP = frozenset(('SETUP_FINALLY', 'SETUP_WITH', 'BEFORE_ASYNC_WITH', 'SETUP_ASYNC_WITH', 'YIELD_FROM'))

    def local_tracer(self, sched, info, st):
        opnames = info.opnames
        label_of = info.label
        point = sched.point
        fast, skip = self.FAST, self.SKIP

        def local(frame, event, arg):
            if event == 'opcode':
                o = frame.f_lasti
                name = opnames.get(o)
                if not st[2] and name not in skip:
                    point(label_of(o), 'eval breaker')
                st[2] = name in fast
            elif event == 'exception' or event == 'return':
                st[2] = False
            return local
        return local


class Line36(PointModel):
    """3.6 has no opcode events: a point at each frame entry and each new line (an approximation)."""
    name = 'line-3.6'
    uses_lines = True

    def local_tracer(self, sched, info, st):
        prefix = info.label_prefix
        point = sched.point

        def local(frame, event, arg):
            if event == 'line':
                point('%s%s' % (prefix, frame.f_lineno), 'line')
            return local
        return local

    def entry(self, sched, frame, info):
        sched.point('%s%s' % (info.label_prefix, frame.f_lineno), 'entry')


def model_for(py):
    """The point model of interpreter version `py` (major, minor)."""
    if py >= (3, 12):
        return Gil311('gil-3.12')
    if py == (3, 11):
        return Gil311('gil-3.11')
    if py == (3, 10):
        return Gil310()
    if py >= (3, 7):
        return Gil39()
    return Line36()


MODEL = model_for(real.PY)
