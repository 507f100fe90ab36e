"""One asyncio.Semaphore(1) shared by threads that each call asyncio.run: what happens?

asyncio primitives are not thread-safe. Each thread runs its own event loop; the semaphore's
check, loop binding, waiter registration and acquire are not atomic across threads. Depending on
where a thread switch lands, a run shows two holders at once (over-admission), RuntimeError
"... is bound to a different event loop" (3.10+), a thread that waits forever (a lost wake-up:
release() in one thread resolves a future of another thread's loop without waking that loop), or
nothing wrong at all. Uncontrolled threads rarely hit the bad interleavings; `npx semverify
check examples/asyncio-semaphore-thread-unsafe-demo.py` explores them deterministically.

    python3 examples/asyncio-semaphore-thread-unsafe-demo.py [hold-seconds] [wait-seconds]

Standard library only; Python 3.7+ (asyncio.run).
"""
import asyncio
import sys
import threading

HOLD = float(sys.argv[1]) if len(sys.argv) > 1 else 0.1
WAIT = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
THREADS = 3

shared_sem = asyncio.Semaphore(1)  # one semaphore for every thread: the mistake this demo shows
holders = []  # who holds the permit right now
most = [0]
results = {}


async def use_semaphore(name):
    async with shared_sem:
        holders.append(name)
        most[0] = max(most[0], len(holders))
        await asyncio.sleep(HOLD)
        holders.remove(name)


def thread_func(name):
    try:
        asyncio.run(use_semaphore(name))  # each thread: a new event loop
        results[name] = 'acquired and released'
    except Exception as e:  # noqa: what each thread ends with is the demo's output
        results[name] = '%s: %s' % (type(e).__name__, e)


def main():
    threads = [threading.Thread(target=thread_func, args=('T%d' % i,), name='T%d' % i, daemon=True) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    for t in threads:
        outcome = results.get(t.name, 'still waiting after %.1f s: a hang (lost wake-up)' % WAIT)
        print('%s: %s' % (t.name, outcome))
    print('most holders at once: %d (capacity 1)%s' % (most[0], '  <- over-admission' if most[0] > 1 else ''))


if __name__ == '__main__':
    main()
