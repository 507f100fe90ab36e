# -*- coding: utf-8 -*-
"""Decision sources: where every nondeterministic choice of a run comes from. The same five
decisions and the same sources as src/scheduler/ (source.ts, sparse-source.ts,
random-source.ts, bounded-source.ts, prefix-source.ts), over the contract's generator, so that
a seeded source makes the same decisions on both backends wherever they reach the same points.
Keep each source's draws in the TypeScript order: one draw more or less here and a seed means
another run on the real interpreter.

The scheduler asks:
    point(ctx)            a deviation to take at a scheduling point, or None (continue)
    replayed_point(ctx)   the same at a loop slot or a timer tie, where the simulation never preempts:
                          only a replayed schedule names one there (recorded by an older harness)
    slot(key, tasks)      cancellation deviations to fire at a loop slot, in order
    wake(key, waiters)    (index of the blocked thread a released lock wakes, deviation or None)
    tie(key, n)           (firing order of n tied timers, deviation or None)
    clock(key, threads)   (index of the thread the clock's advance runs first, deviation or None)
A deviation is the schedule entry recorded when it takes effect; keys are (thread, label, occ).
"""

M32 = 0xFFFFFFFF


def fnv1a(text):
    """FNV-1a-32 of the UTF-8 bytes of `text` (src/contract/prng.ts)."""
    h = 0x811c9dc5
    for b in bytearray(text.encode('utf-8')):
        h = ((h ^ b) * 0x01000193) & M32
    return h


class Prng(object):
    """sfc32 seeded by FNV-1a of the seed string, as specified in src/contract/prng.ts."""
    __slots__ = ('a', 'b', 'c', 'd')

    def __init__(self, seed):
        self.a, self.b, self.c, self.d = 0, fnv1a(str(seed)), 0, 1
        for _ in range(12):
            self.next()

    def next(self):
        """The next unsigned 32-bit output."""
        a, b, c, d = self.a, self.b, self.c, self.d
        t = (a + b + d) & M32
        self.d = (d + 1) & M32
        self.a = b ^ (b >> 9)
        self.b = (c + (c << 3)) & M32
        self.c = ((((c << 21) | (c >> 11)) & M32) + t) & M32
        return t

    def float(self):
        """A number in [0, 1): next() / 2^32, exact in a double as in JavaScript."""
        return self.next() / 4294967296.0

    def index(self, n):
        """An index in 0..n-1: floor(float() * n)."""
        return int(self.float() * n)


class PointCtx(object):
    """What a source sees at a scheduling point (PointContext in src/scheduler/source.ts)."""
    __slots__ = ('thread', 'label', 'occ', 'step', 'others', 'can_delay', 'blocking', 'unfinished')

    def dev(self, kind, **extra):
        """A deviation keyed at this point."""
        d = {'kind': kind, 'thread': self.thread, 'label': self.label, 'occ': self.occ}
        d.update(extra)
        return d


def _dev(key, kind, **extra):
    d = {'kind': kind, 'thread': key[0], 'label': key[1], 'occ': key[2]}
    d.update(extra)
    return d


class Source(object):
    """The defaults everywhere: the run the empty schedule describes."""
    log = None  # a prefix source's decision log

    def point(self, ctx):
        """A deviation to take at a scheduling point (switch or delay), or None to continue."""
        return None

    def replayed_point(self, ctx):
        """The same at a loop slot or a timer tie: only a replayed schedule preempts there."""
        return None

    def slot(self, key, cancellable):
        """Cancellation deviations to fire at a loop slot, in order."""
        return []

    def wake(self, key, waiters):
        """(index of the blocked thread a released lock wakes, deviation or None)."""
        return 0, None

    def tie(self, key, n):
        """(firing order of n tied timers or None for scheduling order, deviation or None)."""
        return None, None

    def clock(self, key, threads):
        """(index of the thread the clock's advance runs first, deviation or None)."""
        return 0, None


class SparseSource(Source):
    """Replays a schedule: its deviations where they apply, the defaults elsewhere. Of several
    deviations at one key, the first that can take effect does (a switch needs another runnable
    thread, a delay another unfinished one)."""

    def __init__(self, schedule):
        self.dev = {}
        for d in schedule or []:
            self.dev.setdefault((d.get('thread'), d.get('label'), d.get('occ')), []).append(d)

    def point(self, ctx):
        devs = self.dev.get((ctx.thread, ctx.label, ctx.occ))
        if devs:
            for d in devs:
                k = d.get('kind')
                if k == 'switch' and ctx.others:
                    return d
                if k == 'delay' and ctx.unfinished:
                    return d
        return None

    replayed_point = point

    def slot(self, key, cancellable):
        return [d for d in self.dev.get(key, ()) if d.get('kind') == 'cancel']

    def wake(self, key, waiters):
        for d in self.dev.get(key, ()):
            if d.get('kind') == 'wake' and d.get('waiter') in waiters[1:]:
                return waiters.index(d.get('waiter'), 1), d
        return 0, None

    def tie(self, key, n):
        identity = list(range(n))
        for d in self.dev.get(key, ()):
            if d.get('kind') == 'tie' and sorted(d.get('order') or []) == identity:
                order = list(d['order'])
                return (order, d) if order != identity else (None, None)
        return None, None

    def clock(self, key, threads):
        for d in self.dev.get(key, ()):
            if d.get('kind') == 'switch' and d.get('to') in threads[1:]:
                return threads.index(d.get('to'), 1), d
        return 0, None


class RandomSource(Source):
    """Coin flips (random-source.ts): at a point, switch with pSwitch to a uniformly chosen other
    runnable thread, else delay with pDelay; at a slot with cancellable tasks, one of them fires
    with pCancel; wake-ups, ties and clock choices are uniform."""

    def __init__(self, seed, p_switch, p_delay, p_cancel):
        self.rng = Prng(seed)
        self.p_switch = float(p_switch)
        self.p_delay = float(p_delay)
        self.p_cancel = float(p_cancel)

    def pick(self, xs):
        """A uniformly chosen element of `xs`."""
        return xs[self.rng.index(len(xs))]

    def point(self, ctx):
        if ctx.others and self.rng.float() < self.p_switch:
            return ctx.dev('switch', to=self.pick(ctx.others))
        if ctx.can_delay and self.rng.float() < self.p_delay:
            return ctx.dev('delay')
        return None

    def slot(self, key, cancellable):
        if cancellable and self.rng.float() < self.p_cancel:
            return [_dev(key, 'cancel', task=self.pick(cancellable))]
        return []

    def wake(self, key, waiters):
        i = self.rng.index(len(waiters))
        return i, (_dev(key, 'wake', waiter=waiters[i]) if i else None)

    def tie(self, key, n):
        order = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.rng.index(i + 1)
            order[i], order[j] = order[j], order[i]
        if order == list(range(n)):
            return None, None
        return order, _dev(key, 'tie', order=order)

    def clock(self, key, threads):
        i = self.rng.index(len(threads))
        return i, (_dev(key, 'switch', to=threads[i]) if i else None)


class BoundedSource(RandomSource):
    """Preemption-bounded, after PCT (bounded-source.ts): `preemptions` steps drawn uniformly
    from 1..horizon; at those steps a delay (with delayShare) or a switch; elsewhere nothing.
    Slots, wake-ups, ties and the clock as the random source with pSwitch = pDelay = 0."""

    def __init__(self, seed, preemptions, horizon, delay_share, p_cancel):
        RandomSource.__init__(self, seed, 0, 0, p_cancel)
        self.delay_share = float(delay_share)
        self.at = set()
        for _ in range(int(preemptions)):
            self.at.add(1 + self.rng.index(max(1, int(horizon))))

    def point(self, ctx):
        if ctx.step not in self.at:
            return None
        if ctx.can_delay and self.rng.float() < self.delay_share:
            return ctx.dev('delay')
        if ctx.others:
            return ctx.dev('switch', to=self.pick(ctx.others))
        return ctx.dev('delay') if ctx.can_delay else None


class PrefixSource(Source):
    """Drives a run through a prefix of choice indices and logs [arity, chosen, preempts] for
    every decision with more than one option (prefix-source.ts), so that the driver can
    enumerate a decision space depth-first (nextPrefix). `budget` bounds the switches and delays
    of one run, as in CHESS's preemption bounding."""

    def __init__(self, prefix, budget):
        self.prefix = [int(x) for x in prefix]
        self.budget = int(budget)
        self.spent = 0
        self.log = []

    def choose(self, arity, preempts):
        """The prefix's choice among `arity` options (0 past its end), logged when there is a choice."""
        if arity <= 1:
            return 0
        i = len(self.log)
        chosen = min(self.prefix[i], arity - 1) if i < len(self.prefix) else 0
        self.log.append({'arity': arity, 'chosen': chosen, 'preempts': preempts})
        if preempts and chosen != 0:
            self.spent += 1
        return chosen

    def point(self, ctx):
        if self.spent >= self.budget:
            return None
        options = [None] + [ctx.dev('switch', to=o) for o in ctx.others]
        if ctx.can_delay:
            options.append(ctx.dev('delay'))
        return options[self.choose(len(options), True)]

    def slot(self, key, cancellable):
        i = self.choose(len(cancellable) + 1, False)
        return [_dev(key, 'cancel', task=cancellable[i - 1])] if i else []

    def wake(self, key, waiters):
        i = self.choose(len(waiters), False)
        return i, (_dev(key, 'wake', waiter=waiters[i]) if i else None)

    def tie(self, key, n):
        perms = permutations(n)
        order = perms[self.choose(len(perms), False)]
        if order == list(range(n)):
            return None, None
        return order, _dev(key, 'tie', order=order)

    def clock(self, key, threads):
        i = self.choose(len(threads), False)
        return i, (_dev(key, 'switch', to=threads[i]) if i else None)


def permutations(n):
    """The orders of n tied timers in lexicographic order; beyond 5 only the identity (6! orders
    of one tie are beyond what an exhaustive search should try), as in prefix-source.ts."""
    if n <= 1 or n > 5:
        return [list(range(max(n, 1)))]
    out = []

    def rec(prefix, rest):
        if not rest:
            out.append(prefix)
        for i in range(len(rest)):
            rec(prefix + [rest[i]], rest[:i] + rest[i + 1:])

    rec([], list(range(n)))
    return out


class SourceProblem(Exception):
    """A source spec this harness cannot build: the request is malformed."""


def build(spec, schedule):
    """The source of a run request: its `source` spec (SourceSpec in src/contract/source-spec.ts),
    else a replay of its `schedule`."""
    if spec is None:
        return SparseSource(schedule)
    kind = spec.get('kind')
    if kind == 'random':
        return RandomSource(spec['seed'], spec['pSwitch'], spec['pDelay'], spec['pCancel'])
    if kind == 'bounded':
        return BoundedSource(spec['seed'], spec['preemptions'], spec['horizon'], spec['delayShare'], spec['pCancel'])
    if kind == 'prefix':
        return PrefixSource(spec['prefix'], spec['budget'])
    raise SourceProblem('unknown source kind %r' % (kind,))
