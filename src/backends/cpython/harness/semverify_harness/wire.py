# -*- coding: utf-8 -*-
"""The protocol's own streams. Code under test may print, even with os.write(1, ...), or read
stdin: the protocol keeps private copies of fds 0 and 1, and fd 1 itself goes to stderr."""
import json
import os
import sys

_out = [None]


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
