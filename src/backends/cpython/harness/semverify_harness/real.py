# -*- coding: utf-8 -*-
"""The interpreter's real primitives, captured when the harness is imported: a run patches
_thread, threading and time with virtual ones (virtual.py), and the harness's own batons, its
main thread's waits and the restoring after a run need the real ones."""
import _thread
import sys
import threading
import time

try:
    import asyncio.mixins as mixins  # 3.10+
except ImportError:  # pragma: no cover - 3.9 and older
    mixins = None

PY = sys.version_info[:2]
VERSION = '%d.%d.%d' % sys.version_info[:3]
SHORT = '%d.%d' % PY

allocate_lock = _thread.allocate_lock
get_ident = _thread.get_ident
sleep = time.sleep
monotonic = time.monotonic
threading_lock = threading.Lock
threading_allocate_lock = threading._allocate_lock
threading_crlock = getattr(threading, '_CRLock', None)
threading_time = getattr(threading, '_time', None)
global_lock = getattr(mixins, '_global_lock', None) if mixins is not None else None
