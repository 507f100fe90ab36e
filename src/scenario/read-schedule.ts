/**
 * Reading a schedule (src/contract/schedule.ts) from untrusted JSON, against the scenario it
 * belongs to: the schedules of replay tokens (src/explore/token.ts) and of the harness's replies
 * (src/backends/cpython/reply.ts) are read by this one function, so both refuse the same things.
 */
import type { Scenario } from './types.ts';
import type { Deviation, Schedule } from '../contract/schedule.ts';
import { childPath, describeValue, type FieldReader, indexPath } from './field-reader.ts';

const DEVIATION_KEYS: Readonly<Record<Deviation['kind'], readonly string[]>> = {
  switch: ['kind', 'thread', 'label', 'occ', 'to'],
  delay: ['kind', 'thread', 'label', 'occ'],
  cancel: ['kind', 'thread', 'label', 'occ', 'task'],
  wake: ['kind', 'thread', 'label', 'occ', 'waiter'],
  tie: ['kind', 'thread', 'label', 'occ', 'order'],
};

/**
 * Validate a schedule against the scenario it belongs to:
 * deviations may only name threads and tasks the scenario declares.
 */
export function readSchedule(r: FieldReader, value: unknown, path: string, scenario: Scenario): Schedule {
  const threads = new Set(scenario.threads.map((t) => t.name));
  const tasks = new Set(scenario.threads.flatMap((t) => t.tasks.map((k) => k.name)));
  const kinds = Object.keys(DEVIATION_KEYS) as Deviation['kind'][];
  const knownThread = (v: unknown, p: string, extra: readonly string[] = []): string => {
    const name = r.string(v, p, { nonEmpty: true });
    if (!threads.has(name) && !extra.includes(name)) r.fail(p, `unknown thread ${describeValue(name)} (threads: ${[...threads].join(', ')})`);
    return name;
  };

  return r.array(value, path).map((item, i) => readDeviation(r, item, indexPath(path, i), { kinds, tasks, knownThread }));
}

/** One deviation of a schedule at `p`. */
function readDeviation(
  r: FieldReader,
  item: unknown,
  p: string,
  known: { kinds: readonly Deviation['kind'][]; tasks: ReadonlySet<string>; knownThread: (v: unknown, p: string, extra?: readonly string[]) => string },
): Deviation {
  const { kinds, tasks, knownThread } = known;
  const head = r.record(item, p);
  if (head.kind === undefined) r.fail(childPath(p, 'kind'), 'missing (required)');
  const kind = r.oneOf(head.kind, childPath(p, 'kind'), kinds);
  const o = r.object(
    item,
    p,
    DEVIATION_KEYS[kind],
    DEVIATION_KEYS[kind].filter((k) => k !== 'to'),
  );
  const key = {
    // `clock` is the pseudo-thread at which simultaneous wake-ups are ordered.
    thread: knownThread(o.thread, childPath(p, 'thread'), ['clock']),
    label: r.string(o.label, childPath(p, 'label'), { nonEmpty: true }),
    occ: r.integer(o.occ, childPath(p, 'occ'), 1, Number.MAX_SAFE_INTEGER),
  };
  switch (kind) {
    case 'switch':
      return { kind, ...key, ...(o.to !== undefined && { to: knownThread(o.to, childPath(p, 'to')) }) };
    case 'delay':
      return { kind, ...key };
    case 'cancel': {
      const task = r.string(o.task, childPath(p, 'task'), { nonEmpty: true });
      if (!tasks.has(task)) r.fail(childPath(p, 'task'), `unknown task ${describeValue(task)} (tasks: ${[...tasks].join(', ')})`);
      return { kind, ...key, task };
    }
    case 'wake':
      return { kind, ...key, waiter: knownThread(o.waiter, childPath(p, 'waiter')) };
    case 'tie': {
      const order = r
        .array(o.order, childPath(p, 'order'), { nonEmpty: true })
        .map((n, j) => r.integer(n, indexPath(childPath(p, 'order'), j), 0, Number.MAX_SAFE_INTEGER));
      if (new Set(order).size !== order.length) r.fail(childPath(p, 'order'), 'expected distinct indices');
      return { kind, ...key, order };
    }
  }
}
