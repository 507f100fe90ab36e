"""asyncio.Semaphore per thread vs one threading.Semaphore for all threads.

Three threads, three jobs each, a limit of 2:
- each thread runs its own event loop with its own asyncio.Semaphore(2): the limits are
  independent, so up to 3 x 2 = 6 jobs run at once;
- all threads share one threading.Semaphore(2): a global limit, at most 2 jobs at once.

    python3 examples/asyncio-vs-threading-semaphore.py [unit-seconds]     (default 1.0)

Standard library only; Python 3.7+ (asyncio.run). The semverify scenarios asyncio-per-thread and threading-shared check
the same claims; `npx semverify check` runs this script itself (program mode).
"""
import asyncio
import sys
import threading
import time

UNIT = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
THREADS = 3
JOBS = 3


class Gauge:
    """How many jobs run at once, across threads (its own lock is a plain threading.Lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def enter(self):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def leave(self):
        with self.lock:
            self.now -= 1


def per_thread_asyncio(gauge):
    def thread_main():
        async def main():
            sem = asyncio.Semaphore(2)  # this thread's own semaphore, bound to this thread's loop

            async def job():
                async with sem:
                    gauge.enter()
                    await asyncio.sleep(UNIT)
                    gauge.leave()

            await asyncio.gather(*(job() for _ in range(JOBS)))

        asyncio.run(main())

    return thread_main


def shared_threading(gauge):
    sem = threading.Semaphore(2)  # one semaphore for every thread

    def thread_main():
        for _ in range(JOBS):
            with sem:
                gauge.enter()
                time.sleep(UNIT)
                gauge.leave()

    return thread_main


def run(make):
    gauge = Gauge()
    body = make(gauge)
    start = time.monotonic()
    threads = [threading.Thread(target=body, name='T%d' % i) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return gauge.most, time.monotonic() - start


def main():
    most, total = run(per_thread_asyncio)
    print('asyncio.Semaphore(2) per thread:      at most %d jobs at once (limit per loop, not global), %.1f units' % (most, total / UNIT))
    most, total = run(shared_threading)
    print('one threading.Semaphore(2) for all:   at most %d jobs at once (a global limit), %.1f units' % (most, total / UNIT))


if __name__ == '__main__':
    main()
