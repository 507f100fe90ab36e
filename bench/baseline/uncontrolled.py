"""Baseline for the bench: the seed's claim stress-tested the way a user would, without semverify.

scenarios/05-asyncio-shared-3-threads.json with real, uncontrolled OS threads: one
asyncio.Semaphore(1), made in the main thread, shared by 3 threads that each call asyncio.run on
a task that holds it for 0.1 s. The trial is repeated in a loop until the first over-admission
(more than one holder at once) or until the time cap, and every trial's other outcomes are counted
(RuntimeError "... bound to a different event loop", a hang, other errors, nothing wrong).

A trial ends when every thread has finished, or when nobody holds the permit and nothing has
happened for QUIET seconds: a thread still waiting then is hung (a lost wake-up: its loop sleeps
in select() and nobody wakes it). Hung threads' tasks are then cancelled (call_soon_threadsafe) so
that they do not pile up; what they do after the trial ended is not counted.

    python3 bench/baseline/uncontrolled.py [--seconds 60] [--max-trials N] [--json]

Standard library only; Python 3.7+ (asyncio.run). Prints "none in N trials over T s" when no
over-admission happened: that is a result too.
"""
import argparse
import asyncio
import json
import sys
import threading
import time

THREADS = 3
HOLD = 0.1
QUIET = 0.05
POLL = 0.005


class Trial:
    def __init__(self):
        self.sem = asyncio.Semaphore(1)  # shared by every thread: the mistake under test
        self.state = {}  # thread name -> starting | acquiring | holding | released | done
        self.tasks = {}  # thread name -> (its loop, its task)
        self.holders = []  # list.append/remove/len are atomic under the GIL: no lock in the race's way
        self.most = 0
        self.over = False
        self.errors = {}  # thread name -> (exception type, message)
        self.last_event = time.monotonic()
        self.over_admitted_at = None

    def mark(self, name, state):
        self.state[name] = state
        self.last_event = time.monotonic()

    async def use(self, name):
        self.tasks[name] = (asyncio.get_running_loop(), asyncio.current_task())
        self.mark(name, 'acquiring')
        async with self.sem:
            self.holders.append(name)
            self.mark(name, 'holding')
            n = len(self.holders)
            if not self.over:
                self.most = max(self.most, n)
                if n > 1 and self.over_admitted_at is None:
                    self.over_admitted_at = time.monotonic()
            await asyncio.sleep(HOLD)
            self.holders.remove(name)
            self.mark(name, 'released')

    def thread(self, name):
        try:
            asyncio.run(self.use(name))
        except asyncio.CancelledError:
            pass  # a hung thread, cancelled after its trial ended
        except Exception as e:  # what a thread ends with is the trial's outcome
            self.errors[name] = (type(e).__name__, str(e))
        self.mark(name, 'done')

    def run(self):
        names = ['T%d' % i for i in range(THREADS)]
        for name in names:
            self.state[name] = 'starting'
        threads = [threading.Thread(target=self.thread, args=(name,), name=name, daemon=True) for name in names]
        for t in threads:
            t.start()
        while True:
            states = list(self.state.values())
            if all(s == 'done' for s in states):
                break
            busy = any(s in ('starting', 'holding', 'released') for s in states)
            if not busy and time.monotonic() - self.last_event > QUIET:
                break
            time.sleep(POLL)
        self.over = True
        hung = [n for n in names if self.state[n] == 'acquiring']
        for name in hung:
            loop, task = self.tasks[name]
            if not loop.is_closed():
                loop.call_soon_threadsafe(task.cancel)
        leaked = 0
        for t in threads:
            t.join(5.0)
            leaked += 1 if t.is_alive() else 0
        return hung, leaked


def outcomes_of(trial, hung):
    kinds = set()
    if trial.most > 1:
        kinds.add('over-admission')
    if hung:
        kinds.add('hang')
    for name, (kind, message) in trial.errors.items():
        if name in hung:
            continue
        kinds.add('wrong-loop' if kind == 'RuntimeError' and 'different event loop' in message else 'other-error')
    return kinds or {'ok'}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seconds', type=float, default=60.0, help='time cap (default 60)')
    parser.add_argument('--max-trials', type=int, default=0, help='trial cap (default: none)')
    parser.add_argument('--json', action='store_true', help='print one JSON document')
    args = parser.parse_args()

    counts = {'over-admission': 0, 'wrong-loop': 0, 'hang': 0, 'other-error': 0, 'ok': 0}
    first = None
    leaked = 0
    trials = 0
    start = time.monotonic()
    while time.monotonic() - start < args.seconds and (args.max_trials <= 0 or trials < args.max_trials):
        trial = Trial()
        trial_start = time.monotonic()
        hung, lost = trial.run()
        trials += 1
        leaked += lost
        for kind in outcomes_of(trial, hung):
            counts[kind] += 1
        if trial.over_admitted_at is not None:
            first = {'trial': trials, 'seconds': trial.over_admitted_at - start, 'trial_seconds': trial.over_admitted_at - trial_start}
            break
    elapsed = time.monotonic() - start

    doc = {
        'python': '%d.%d.%d' % sys.version_info[:3],
        'threads': THREADS,
        'hold': HOLD,
        'capSeconds': args.seconds,
        'trials': trials,
        'seconds': elapsed,
        'firstOverAdmission': first,
        'trialsWith': counts,
        'leakedThreads': leaked,
    }
    if args.json:
        print(json.dumps(doc))
        return
    print('uncontrolled threads, CPython %s: %d threads share asyncio.Semaphore(1), each asyncio.run, hold %.1f s' % (doc['python'], THREADS, HOLD))
    if first is None:
        print('over-admission: none in %d trials over %.1f s' % (trials, elapsed))
    else:
        print('over-admission: first at trial %d, after %.2f s' % (first['trial'], first['seconds']))
    print('trials with: %s' % ', '.join('%s %d' % kv for kv in counts.items()))
    if leaked:
        print('threads still running when the loop ended: %d' % leaked)


if __name__ == '__main__':
    main()
