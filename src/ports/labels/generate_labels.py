# -*- coding: utf-8 -*-
"""The label table of this interpreter: for every code object the simulated ports follow (the
asyncio Semaphore classes and their mixins, threading's Condition, Semaphore, BoundedSemaphore),
its instructions with their source lines and what the harness's point model of this
interpreter makes of each (an entry, a point after a call, a back-edge, ...). The TypeScript
ports walk these instructions (src/ports/bytecode/), so the points and labels of a simulated
run are the ones the harness reports on the real interpreter, by construction.

    python3 generate_labels.py            print this interpreter's table (JSON) on stdout
    python3 generate_labels.py --write    run every installed CPython 3.6+ (pyenv) on this file
                                          and write cpython-3.X.json beside it

Standard library only, 3.6 syntax. The point analysis is the harness's own (points.py), imported
from the harness package, so there is one definition of where each interpreter can switch.
"""
import dis
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, '..', '..', 'backends', 'cpython', 'harness')

# What the ports follow: (label path, module name, (class, functions)). The functions and the
# code nested in them (generator expressions) are walked.
TARGETS = (
    ('asyncio/locks.py', 'asyncio.locks', (
        ('_ContextManagerMixin', ('__aenter__', '__aexit__')),
        ('Semaphore', ('__init__', '__repr__', 'locked', 'acquire', 'release', '_wake_up_next')),
        ('BoundedSemaphore', ('__init__', 'release')),
    )),
    ('asyncio/mixins.py', 'asyncio.mixins', (('_LoopBoundMixin', ('__init__', '_get_loop')),)),
    ('threading.py', 'threading', (
        ('Condition', ('__init__', '__enter__', '__exit__', '_release_save', '_acquire_restore', '_is_owned', 'wait',
                       'notify')),
        ('Semaphore', ('__init__', 'acquire', 'release', '__exit__')),
        ('BoundedSemaphore', ('__init__', 'release')),
    )),
)

# Instructions whose target the walker follows: jumps, handlers (3.10 and older), loop ends.
SETUPS = ('SETUP_LOOP', 'SETUP_EXCEPT', 'SETUP_FINALLY', 'SETUP_WITH', 'SETUP_ASYNC_WITH')
# Instructions that call `__enter__` / `__exit__` without a CALL opcode.
HIDDEN_ENTER = ('SETUP_WITH', 'BEFORE_WITH', 'SETUP_ASYNC_WITH', 'BEFORE_ASYNC_WITH')
HIDDEN_EXIT = ('WITH_CLEANUP_START', 'WITH_EXCEPT_START')
ARG_OPS = ('RESUME', 'IS_OP', 'RAISE_VARARGS', 'RERAISE', 'CALL', 'CALL_FUNCTION', 'CALL_METHOD', 'CALL_KW',
           'CALL_FUNCTION_KW', 'CALL_FUNCTION_EX')


def code_objects(module, classes):
    """The code objects of the named functions of `classes` in `module`, each once, nested ones
    after their parent."""
    seen = []

    def walk(code):
        if code in seen:
            return
        seen.append(code)
        for c in code.co_consts:
            if hasattr(c, 'co_code'):
                walk(c)

    for name, functions in classes:
        cls = getattr(module, name, None)
        if cls is None:
            continue
        for attr in functions:
            v = vars(cls).get(attr)
            for f in (v, getattr(v, '__func__', None), getattr(v, 'fget', None), getattr(v, '__wrapped__', None)):
                code = getattr(f, '__code__', None)
                if code is not None:
                    walk(code)
    return seen


def line36(code):
    """3.6's line events, as ceval's maybe_call_line_trace computes them: for each offset, its
    line and whether it starts its line range (_PyCode_CheckLineNumber's ap_lower)."""
    tab = bytearray(code.co_lnotab)
    out = {}
    for lasti in range(0, len(code.co_code), 2):
        size = len(tab) // 2
        p = 0
        addr = 0
        line = code.co_firstlineno
        lower = 0
        while size > 0:
            if addr + tab[p] > lasti:
                break
            addr += tab[p]
            delta = tab[p + 1] - 256 if tab[p + 1] > 127 else tab[p + 1]
            if delta:
                lower = addr
            line += delta
            p += 2
            size -= 1
        out[lasti] = (line, lasti == lower)
    return out


def callee_of(points, instrs, idx):
    """The name a call instruction calls, as the ports name it: the attribute or global that
    pushed the callable, `__enter__`/`__exit__` for the with-statement's hidden calls."""
    ins = instrs[idx]
    name = ins.opname
    if name in HIDDEN_ENTER:
        return '__enter__'
    if name in HIDDEN_EXIT:
        return '__exit__'
    if name not in points.CALL_OPS:
        return None
    # The with-statement's normal exit: __exit__(None, None, None).
    k = idx - 1
    nones = 0
    while k >= 0 and instrs[k].opname in ('PRECALL', 'KW_NAMES', 'NOP'):
        k -= 1
    # 3.11+: LOAD_CONST None three times; 3.9 and 3.10: LOAD_CONST None, DUP_TOP, DUP_TOP.
    while k >= 0 and (instrs[k].opname == 'DUP_TOP' or (instrs[k].opname == 'LOAD_CONST' and instrs[k].argval is None)):
        nones += 1
        k -= 1
    if nones == 3:
        return '__exit__'
    if name == 'CALL_FUNCTION_EX':
        return None
    k = _skip_back(instrs, idx - 1)
    if k >= 0 and instrs[k].opname == 'GET_ITER':
        return '<genexpr>'
    # Walk back over the arguments (their net stack effect), then the callable's last instruction names it.
    # CALL_FUNCTION_KW and CALL_KW have the tuple of keyword names on the stack too.
    need = (ins.arg or 0) + (1 if name in ('CALL_FUNCTION_KW', 'CALL_KW') else 0)
    acc = 0
    while need > 0 and k >= 0:
        acc += _effect(instrs[k])
        k -= 1
        if acc >= need:
            break
    k = _skip_back(instrs, k)
    if k < 0 or acc < need:
        return None
    return instrs[k].argval if isinstance(instrs[k].argval, str) else None


# Instructions between a callable and its arguments, or between the arguments and the call.
CALL_PLUMBING = ('PRECALL', 'KW_NAMES', 'PUSH_NULL', 'NOP', 'EXTENDED_ARG')


def _skip_back(instrs, k):
    while k >= 0 and instrs[k].opname in CALL_PLUMBING:
        k -= 1
    return k


def _effect(ins):
    """An instruction's stack effect on the path that falls through (no jump)."""
    if ins.opname in CALL_PLUMBING:
        return 0
    try:
        if ins.opcode < dis.HAVE_ARGUMENT:
            return dis.stack_effect(ins.opcode)
        if sys.version_info >= (3, 8):
            return dis.stack_effect(ins.opcode, ins.arg, jump=False)
        return dis.stack_effect(ins.opcode, ins.arg)
    except (ValueError, TypeError):
        return 0


def flags_of(points, info, ins, lines36):
    """What the model of this interpreter makes of the instruction (docs/execution-model.md)."""
    model = points.MODEL
    f = ''
    if isinstance(model, points.Gil39):
        f += 'F' if ins.opname in model.FAST else ''
        f += 'S' if ins.opname in model.SKIP else ''
    elif isinstance(model, points.Line36):
        f += 'L' if lines36[ins.offset][1] else ''
    else:
        f += 'E' if ins.offset in info.entry else ''
        op = info.ops.get(ins.offset)
        if op is not None:
            kind = op[0]
            if kind == points.K_CALL:
                f += 'C' + ('g' if op[2] else '') + ('i' if op[3] else '')
            elif kind == points.K_BACK:
                f += 'B'
            elif kind == points.K_COND_BACK:
                f += 'J'
    return f


def arg_of(ins):
    if isinstance(ins.argval, str):
        return ins.argval
    if ins.opname == 'LOAD_CONST' and ins.argval is None:
        return 'None'
    if ins.opname in ARG_OPS and isinstance(ins.arg, int):
        return ins.arg
    return None


def target_of(ins):
    if (ins.opcode in dis.hasjrel or ins.opcode in dis.hasjabs) and isinstance(ins.argval, int):
        return ins.argval
    return None


def handlers_of(code):
    """3.11+: offset -> the exception table's handler for it."""
    entries = getattr(dis.Bytecode(code), 'exception_entries', None) or []
    out = {}
    for e in entries:
        for o in range(e.start, e.end, 2):
            out.setdefault(o, e.target)
    return out


def table(points):
    import importlib
    codes = {}
    for path, modname, classes in TARGETS:
        try:
            module = importlib.import_module(modname)
        except ImportError:
            continue  # asyncio.mixins: 3.10 and later
        for code in code_objects(module, classes):
            info = points.analyse(code)
            if info is None:
                continue
            qual = points.qualname_of(code)
            lines36 = line36(code) if isinstance(points.MODEL, points.Line36) else None
            handlers = handlers_of(code)
            instrs = [ins for ins in dis.get_instructions(code) if ins.opname != 'CACHE']
            rows = []
            for idx, ins in enumerate(instrs):
                line = lines36[ins.offset][0] if lines36 is not None else info.lines.get(ins.offset, code.co_firstlineno)
                rows.append([ins.offset, line, ins.opname, arg_of(ins), target_of(ins), flags_of(points, info, ins, lines36),
                             callee_of(points, instrs, idx), handlers.get(ins.offset)])
            codes['%s:%s' % (path, qual)] = {'first': code.co_firstlineno, 'generator': bool(code.co_flags & points.CO_GENLIKE),
                                             'code': rows}
    return codes


def dump(version, model, codes):
    """One code object per block, one instruction per line: diffs stay readable."""
    out = ['{', '  "version": %s,' % json.dumps(version), '  "model": %s,' % json.dumps(model), '  "codes": {']
    keys = sorted(codes)
    for n, key in enumerate(keys):
        c = codes[key]
        out.append('    %s: {"first": %d, "generator": %s, "code": [' % (json.dumps(key), c['first'], json.dumps(c['generator'])))
        rows = c['code']
        for i, row in enumerate(rows):
            out.append('      %s%s' % (json.dumps(row), ',' if i + 1 < len(rows) else ''))
        out.append('    ]}%s' % (',' if n + 1 < len(keys) else ''))
    out.append('  }')
    out.append('}')
    return '\n'.join(out) + '\n'


def installed():
    """python3 of every pyenv CPython 3.6-3.13, newest patch per minor version."""
    roots = [os.path.join(os.environ['PYENV_ROOT'], 'versions')] if os.environ.get('PYENV_ROOT') else []
    roots.append(os.path.expanduser('~/.pyenv/versions'))
    best = {}
    for root in roots:
        for d in glob.glob(os.path.join(root, '3.*')):
            parts = os.path.basename(d).split('.')
            exe = os.path.join(d, 'bin', 'python3')
            if len(parts) != 3 or not all(p.isdigit() for p in parts) or not os.access(exe, os.X_OK):
                continue
            key = (int(parts[0]), int(parts[1]))
            if 6 <= key[1] <= 13 and (key not in best or int(parts[2]) > best[key][0]):
                best[key] = (int(parts[2]), exe)
    return [best[k][1] for k in sorted(best)]


def main():
    if sys.argv[1:] == ['--write']:
        for exe in installed():
            text = subprocess.check_output([exe, os.path.abspath(__file__)]).decode('utf-8')
            short = '.'.join(json.loads(text)['version'].split('.')[:2])
            target = os.path.join(HERE, 'cpython-%s.json' % short)
            with open(target, 'w') as f:
                f.write(text)
            print('wrote %s' % target)
        return
    sys.path.insert(0, os.path.abspath(HARNESS))
    from semverify_harness import points, real
    sys.stdout.write(dump(real.VERSION, points.MODEL.name, table(points)))


if __name__ == '__main__':
    main()
