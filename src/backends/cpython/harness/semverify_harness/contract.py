# -*- coding: utf-8 -*-
"""The contract both backends speak, read from contract.json beside this file (generated from
src/contract/ by `npm run contract`; never edited by hand). The harness declares none of it
again: labels, the clock pseudo-thread, the default step budget, how errors are classified and
messages normalised, and the vectors of the seeded generator all come from there, so a change
in src/contract/ reaches both backends at once (test/contract-python.test.ts compares them).

Importable alone (it imports nothing of the harness), so the tests can load it without a run.
"""
import json
import os
import re

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'contract.json')

with open(PATH, 'rb') as _f:
    DOC = json.loads(_f.read().decode('utf-8'))

LABELS = DOC['labels']
SELECT_LABEL = LABELS['select']
SLOT_LABEL = LABELS['slot']
TIMERS_LABEL = LABELS['timers']
SLEEP_LABEL = LABELS['sleep']
CLOCK_LABEL = LABELS['clock']
CLOCK_THREAD = DOC['clockThread']
DEFAULT_MAX_STEPS = DOC['defaultMaxSteps']
ERROR_RULES = DOC['errorRules']
PRNG_VECTORS = DOC['prng']['vectors']
UNCONTROLLED_USES = DOC['uncontrolledUses']
PROGRAM_MAIN_THREAD = DOC['programMainThread']

# Replacements are literal text (a function, so that Python does not read backslashes in them
# the way JavaScript would read `$`): the contract's are plain strings.
_NORMALISATION = [(re.compile(r['pattern']), (lambda rep: lambda m: rep)(r['replacement']))
                  for r in DOC['messageNormalisation']]


def normalise(message):
    """The message with object addresses, 'running at' and source positions rewritten, in the
    contract's order, so that two runs of the same schedule print the same text."""
    for rx, rep in _NORMALISATION:
        message = rx.sub(rep, message)
    return message


def classify_names(types, message, op):
    """The error class of an exception whose class and base classes are named `types` (most
    derived first), with `message`, raised by operation `op`: the first rule that matches, else
    'other'. The same as classifyError in src/contract/error-rules.ts."""
    text = normalise(message)
    for rule in ERROR_RULES:
        if rule['type'] in types and rule['contains'] in text and rule.get('op', op) == op:
            return rule['class']
    return 'other'


def type_names(exc):
    """The names of an exception's class and every base class, most derived first."""
    return [c.__name__ for c in type(exc).__mro__]


def py_error(exc, op):
    """The `error` of a history event: the exception as both backends record it."""
    message = str(exc)
    return {'type': type(exc).__name__, 'message': normalise(message),
            'class': classify_names(type_names(exc), message, op)}
