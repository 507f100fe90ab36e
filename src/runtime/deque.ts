/**
 * collections.deque as the ports need it. Iteration follows CPython's deque iterator: it
 * raises RuntimeError if the deque changed since the iterator was made, which can happen
 * when another thread appends or removes between two scheduling points of the iterating one.
 * Every read and mutation is an access of `id` (Machine.touch): a deque is shared state.
 */
import { PyException, RuntimeError, ValueError } from './errors.ts';
import type { Machine } from './machine.ts';

export class PyDeque<T> {
  private items: T[] = [];
  /** Bumped on every mutation (CPython's deque->state). */
  private state = 0;

  constructor(
    private readonly machine: Machine,
    readonly id: string,
  ) {}

  get length(): number {
    this.machine.touch(this.id, 'r');
    return this.items.length;
  }

  at(i: number): T {
    this.machine.touch(this.id, 'r');
    if (i < 0 || i >= this.items.length) throw new PyException('IndexError', 'deque index out of range');
    return this.items[i]!;
  }

  append(x: T): void {
    this.machine.touch(this.id, 'w');
    this.items.push(x);
    this.state++;
  }

  remove(x: T): void {
    this.machine.touch(this.id, 'w');
    const i = this.items.indexOf(x);
    if (i < 0) throw new ValueError('deque.remove(x): x not in deque');
    this.items.splice(i, 1);
    this.state++;
  }

  popleft(): T {
    this.machine.touch(this.id, 'w');
    // CPython raises IndexError here (another thread emptied the deque between the test and the pop).
    if (this.items.length === 0) throw new PyException('IndexError', 'pop from an empty deque');
    this.state++;
    return this.items.shift()!;
  }

  toArray(): readonly T[] {
    this.machine.touch(this.id, 'r');
    return [...this.items];
  }

  /** iter(deque): next() raises if the deque was mutated meanwhile. */
  iterator(): { next(): { done: true } | { done: false; value: T } } {
    const start = this.state;
    let i = 0;
    return {
      next: () => {
        this.machine.touch(this.id, 'r');
        if (this.state !== start) throw new RuntimeError('deque mutated during iteration');
        if (i >= this.items.length) return { done: true };
        return { done: false, value: this.items[i++]! };
      },
    };
  }
}
