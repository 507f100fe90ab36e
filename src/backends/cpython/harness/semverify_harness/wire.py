# -*- coding: utf-8 -*-
"""The protocol's own streams. Code under test may print, even with os.write(1, ...), or read
stdin: the protocol keeps private copies of fds 0 and 1, and fd 1 itself goes to stderr.

A run's progress (Sched.tell) is held here and goes out as one `told` line of several items
(`flush`) just before something that could end the process or stall it without a reply runs:
the code under test (a gate, tracer.py; a point inside it), another thread taking the CPU, and
the heartbeat. Between those only the harness runs, which cannot, so the driver learns the same
things as from a line per item, in time, with a write and a parse per batch instead of per item."""
import json
import os
import sys

_out = [None]
# Progress items not written yet, and the id of the request they are about.
_told = []
_told_id = [None]


def open_streams():
    """Private copies of fds 0 and 1 for the protocol; then fd 1 goes to stderr and fd 0 to
    /dev/null (and sys.stdout to sys.stderr). Returns the request stream. (os.dup makes
    non-inheritable fds: a child process of the code under test does not get them either.)"""
    inp = os.fdopen(os.dup(0), 'rb')
    _out[0] = os.fdopen(os.dup(1), 'wb')
    sys.stdout.flush()
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout = sys.stderr
    return inp


def send(msg):
    """One protocol line."""
    out = _out[0]
    out.write((json.dumps(msg) + '\n').encode('utf-8'))
    out.flush()


def tell(rid, item):
    """One progress item of request `rid`, written with the next flush."""
    _told_id[0] = rid
    _told.append(item)


def flush():
    """Write the progress items held, as one `told` line."""
    if _told:
        send({'id': _told_id[0], 'told': list(_told)})
        del _told[:]


def drop():
    """Forget the items held: the reply that follows carries all they say."""
    del _told[:]
