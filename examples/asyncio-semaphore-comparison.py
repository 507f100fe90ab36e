"""Tasks with and without an asyncio.Semaphore: who runs when, and how long it all takes.

Five tasks of one time unit each on one event loop. Without a semaphore they all run at once;
with asyncio.Semaphore(2) at most two run at a time, so the whole takes three units.

    python3 examples/asyncio-semaphore-comparison.py [unit-seconds]     (default 1.0)

Standard library only; Python 3.7+ (asyncio.run). semverify checks the same claim as the scenarios asyncio-4-tasks and
asyncio-5-tasks, and this script itself with `npx semverify check` (program mode).
"""
import asyncio
import sys
import time

UNIT = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
NAMES = ['A', 'B', 'C', 'D', 'E']


async def run(limit):
    sem = asyncio.Semaphore(limit) if limit is not None else None
    start = time.monotonic()
    spans = {}
    running = [0, 0]  # now, most at once

    async def task(name):
        if sem is not None:
            await sem.acquire()
        try:
            t0 = time.monotonic() - start
            running[0] += 1
            running[1] = max(running[1], running[0])
            await asyncio.sleep(UNIT)
            running[0] -= 1
            spans[name] = (t0, time.monotonic() - start)
        finally:
            if sem is not None:
                sem.release()

    await asyncio.gather(*(task(n) for n in NAMES))
    return spans, running[1], time.monotonic() - start


def timeline(spans, total):
    width = 40
    scale = width / max(total, 1e-9)
    for name in NAMES:
        a, b = spans[name]
        bar = ' ' * int(round(a * scale)) + '#' * max(1, int(round((b - a) * scale)))
        print('  %s |%-*s| %.1f-%.1f units' % (name, width, bar, a / UNIT, b / UNIT))


def main():
    for label, limit in (('without a semaphore', None), ('with asyncio.Semaphore(2)', 2)):
        spans, most, total = asyncio.run(run(limit))
        print('%s: %d tasks of 1 unit, at most %d at once, total %.1f units' % (label, len(NAMES), most, total / UNIT))
        timeline(spans, total)


if __name__ == '__main__':
    main()
