# -*- coding: utf-8 -*-
"""semverify's CPython harness: runs a semverify scenario on this interpreter's own
asyncio.Semaphore / threading.Semaphore (or a user's class) under a controlled, deterministic
scheduler, and answers over line-delimited JSON. Standard library only; CPython 3.6 ... 3.13.

The modules follow the TypeScript rooms (see docs/cpython-backend.md):

    contract     the shared contract, read from contract.json (generated from src/contract/)
    real         the real primitives, captured before any run patches them
    wire         the protocol's private output stream, and a run's progress held for its next batch
    points       where this interpreter can switch threads: one point model per interpreter family
    tracer       sys.settrace glue: finds the points in code under test; the gates a thread traces in
    sources      decision sources (replay, random, preemption-bounded, prefix) over the contract's generator
    scheduler    controlled threads, batons, the virtual clock, decisions, history
    virtual      virtual locks and time, and the patching
    vloop        the virtual selector, handles, event loop and policy
    targets      a user's own semaphore class (--target)
    interpreter  the scenario interpreter: one op interpreter, driven in loop threads and plain threads
    final_state  the semaphores' final state and what blocked threads wait on
    pool         the OS threads that play the controlled threads, reused from run to run
    run          one run, from start to unwinding
    observe      program mode: the program's semaphores, found at construction, and its calls on them
    guards       program mode: what a program may not do (other processes, sockets, os._exit)
    pthreads     program mode: the threads a program starts, as controlled threads
    program      program mode: a Python program run as __main__, one run from start to unwinding
    protocol     the request loop

This package is imported by semverify_launcher.py, beside it, before anything of the user's is
on sys.path. Importing the package itself imports nothing else: `contract` can be loaded alone.
"""
