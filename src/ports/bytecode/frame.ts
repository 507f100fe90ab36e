/**
 * A frame walker: one activation of a CPython function, walked instruction by instruction
 * through its version's label table while the port's TypeScript does what the instructions do.
 *
 * The port says what happens, in source order (read `self._value`, call `append`, the test was
 * false, await this future, return); the walker runs the instructions up to there, following
 * jumps, set-ups and handlers the way that interpreter's eval loop does, and yields a point
 * wherever the harness's point model of that interpreter (point-model.ts) would report one. So a
 * port written once serves every version whose source it follows, and its labels are, by
 * construction, the real interpreter's. A port asking for something the next instructions do not
 * do is a bug in the port: the walker says so (SimulationError) instead of guessing.
 *
 * Exceptions: everything the port runs through the walker (calls, awaits) that raises moves the
 * walker to the handler CPython would jump to (the block stack up to 3.10, the exception table
 * from 3.11) before the TypeScript exception reaches the port's own `catch`, which mirrors the
 * Python `try` it follows.
 */
import { ftPoint, type Instr as RuntimeInstr, point, type Py } from '../../runtime/instructions.ts';
import { PyException, SimulationError } from '../../runtime/errors.ts';
import type { Future } from '../../runtime/future.ts';
import type { CodeTable, Instr, LabelTable } from '../labels/table.ts';
import { type CalleeKind, freshState, type PointModel, pointModel, type TracerState } from './point-model.ts';
import { Unwinder } from './unwind.ts';

const CALLS = new Set(['CALL', 'CALL_FUNCTION', 'CALL_METHOD', 'CALL_FUNCTION_KW', 'CALL_FUNCTION_EX', 'CALL_KW']);
const HIDDEN_CALLS = new Set(['SETUP_WITH', 'BEFORE_WITH', 'SETUP_ASYNC_WITH', 'BEFORE_ASYNC_WITH', 'WITH_CLEANUP_START', 'WITH_EXCEPT_START']);
const UNCONDITIONAL = new Set(['JUMP_ABSOLUTE', 'JUMP_FORWARD', 'JUMP_BACKWARD', 'JUMP_BACKWARD_NO_INTERRUPT', 'JUMP', 'JUMP_NO_INTERRUPT']);
const RETURNS = new Set(['RETURN_VALUE', 'RETURN_CONST']);
const TRUE_JUMPS = new Set(['POP_JUMP_IF_TRUE', 'POP_JUMP_FORWARD_IF_TRUE', 'POP_JUMP_BACKWARD_IF_TRUE', 'JUMP_IF_TRUE_OR_POP']);
const FALSE_JUMPS = new Set(['POP_JUMP_IF_FALSE', 'POP_JUMP_FORWARD_IF_FALSE', 'POP_JUMP_BACKWARD_IF_FALSE', 'JUMP_IF_FALSE_OR_POP']);
const NONE_JUMPS = new Set(['POP_JUMP_IF_NONE', 'POP_JUMP_FORWARD_IF_NONE', 'POP_JUMP_BACKWARD_IF_NONE']);
const NOT_NONE_JUMPS = new Set(['POP_JUMP_IF_NOT_NONE', 'POP_JUMP_FORWARD_IF_NOT_NONE', 'POP_JUMP_BACKWARD_IF_NOT_NONE']);
const CONDITIONAL = new Set([...TRUE_JUMPS, ...FALSE_JUMPS, ...NONE_JUMPS, ...NOT_NONE_JUMPS, 'JUMP_IF_NOT_EXC_MATCH']);

/** What the walk does with an instruction, decided once per opcode name (the walk asks for every instruction). */
enum Role {
  Plain,
  Conditional,
  ForIter,
  Call,
  Suspend,
  Jump,
  Return,
}

const ROLES = new Map<string, Role>();

function roleOf(op: string): Role {
  let r = ROLES.get(op);
  if (r === undefined) {
    if (CONDITIONAL.has(op)) r = Role.Conditional;
    else if (op === 'FOR_ITER') r = Role.ForIter;
    else if (CALLS.has(op) || HIDDEN_CALLS.has(op)) r = Role.Call;
    else if (op === 'YIELD_VALUE' || op === 'YIELD_FROM' || op === 'SEND') r = Role.Suspend;
    else if (UNCONDITIONAL.has(op)) r = Role.Jump;
    else if (RETURNS.has(op)) r = Role.Return;
    else r = Role.Plain;
    ROLES.set(op, r);
  }
  return r;
}

/** One step of a Python iterator (PyDeque's iterator gives these). */
export type IterStep<T> = { readonly done: true } | { readonly done: false; readonly value: T };

type Status = 'new' | 'running' | 'suspended' | 'returned' | 'raised';

export class Frame {
  private pc = 0;
  /** The instruction running (or last run): where an exception is raised, what `here()` names. */
  private current: Instr | null = null;
  private status: Status = 'new';
  private suspendedAt: Instr | null = null;
  private readonly s: TracerState;
  private readonly model: PointModel;
  private readonly unwinder: Unwinder;
  /** UNARY_NOTs run since the last decision: a folded or unfolded `not` in front of a tested value. */
  private nots = 0;
  /** The last identity test run: `is` (true) or `is not` (false), for `x is None` branches. */
  private lastIs: boolean | null = null;

  constructor(
    readonly table: LabelTable,
    readonly code: CodeTable,
  ) {
    this.s = freshState(code);
    this.model = pointModel(table.model);
    this.unwinder = new Unwinder(table, code);
  }

  /** What a blocking primitive called from here labels its block with (the harness's caller_label). */
  here(): string {
    return this.model.here(this.s, this.code, this.current);
  }

  // ------------------------------------------------------------------ trace events

  /** The frame's first `call` event: a function called, or a generator or coroutine first resumed. */
  *start(): Py<void> {
    if (this.status !== 'new') throw this.bug('started twice');
    this.status = 'running';
    // 3.11+: RETURN_GENERATOR and its POP_TOP ran when the generator was created, untraced.
    if (this.code.code[0]?.op === 'RETURN_GENERATOR') this.pc = 2;
    const label = this.model.onCall(this.s, this.code, null);
    if (label !== null) yield point(label);
  }

  /** A suspended generator frame resumed by `next()`/`send()`: its `call` event, then on from the yield. */
  *resume(): Py<void> {
    if (this.status !== 'suspended') throw this.bug('resumed while not suspended');
    this.status = 'running';
    const label = this.model.onCall(this.s, this.code, this.suspendedAt);
    if (label !== null) yield point(label);
  }

  /**
   * Run one instruction: the label of the point before it, if the model has one (the caller
   * yields it). Not a generator itself: this runs for every instruction of every run.
   */
  private exec(ins: Instr): string | null {
    this.current = ins;
    if (ins.op === 'UNARY_NOT') this.nots++;
    else if (ins.op === 'IS_OP') this.lastIs = ins.arg === 0;
    else if (ins.op === 'COMPARE_OP' && (ins.arg === 'is' || ins.arg === 'is not')) this.lastIs = ins.arg === 'is';
    return this.model.before(this.s, this.code, ins);
  }

  private bug(what: string): SimulationError {
    const at = this.current ? ` at ${this.current.offset} ${this.current.op}` : '';
    return new SimulationError(`${this.code.key} (CPython ${this.table.version})${at}: ${what}`);
  }

  private goTo(offset: number): void {
    const i = this.code.at.get(offset);
    if (i === undefined) throw this.bug(`no instruction at offset ${offset}`);
    this.pc = i;
  }

  private next(what: string): Instr {
    if (this.status !== 'running') throw this.bug(`the frame has ${this.status}; the port asked for ${what}`);
    const ins = this.code.code[this.pc];
    if (ins === undefined) throw this.bug(`ran off the end looking for ${what}`);
    return ins;
  }

  /**
   * Run instructions until `stop` accepts one; run that one too and leave it to the caller.
   * On the way only what needs no decision: plain instructions, unconditional jumps, block and
   * finally bookkeeping. Anything the port must decide or do (a test, a call, an await, a
   * return, a raise) stops the walk with an error naming it.
   */
  private *advance(stop: (ins: Instr) => boolean, what: string): Py<Instr> {
    for (;;) {
      const ins = this.next(what);
      const label = this.exec(ins);
      if (label !== null) yield point(label);
      if (stop(ins)) return ins;
      switch (roleOf(ins.op)) {
        case Role.Plain:
          break;
        case Role.Conditional:
        case Role.ForIter:
          throw this.bug(`a ${ins.op} needs a decision; the port asked for ${what}`);
        case Role.Call:
          throw this.bug(`a call of ${ins.callee ?? '?'} is not ported; the port asked for ${what}`);
        case Role.Suspend:
          throw this.bug(`a suspension; the port asked for ${what}`);
        case Role.Jump:
          this.goTo(ins.target!);
          continue;
        case Role.Return: {
          // 3.6/3.7: a return inside try/finally runs the finally block first.
          const to = this.unwinder.returning();
          if (to === null) throw this.bug(`the function returns; the port asked for ${what}`);
          this.goTo(to);
          continue;
        }
      }
      const flow = this.unwinder.flow(ins);
      if (flow.kind === 'raise') throw this.bug(`an exception is re-raised here; the port asked for ${what} (use reraise())`);
      if (flow.kind === 'return') throw this.bug(`the function returns; the port asked for ${what}`);
      if (flow.kind === 'jump') this.goTo(flow.to);
      else this.pc = ins.index + 1;
    }
  }

  // ------------------------------------------------------------------ what the port says

  /** `self.<attr>` is read here (LOAD_ATTR): points before the load; a shared read in the free-threaded model. */
  *load(attr: string): Py<void> {
    const ins = yield* this.advance((i) => i.op === 'LOAD_ATTR' && i.arg === attr, `a load of ${attr}`);
    this.pc = ins.index + 1;
    yield ftPoint(ins.label);
  }

  /** `self.<attr> = ...` is written here (STORE_ATTR). */
  *store(attr: string): Py<void> {
    const ins = yield* this.advance((i) => i.op === 'STORE_ATTR' && i.arg === attr, `a store of ${attr}`);
    this.pc = ins.index + 1;
    yield ftPoint(ins.label);
  }

  /** `<obj>.<attr>` raises AttributeError here (a lock without `_release_save`): the walker goes on at the handler. */
  *loadRaising(attr: string): Py<void> {
    yield* this.advance((i) => i.op === 'LOAD_ATTR' && i.arg === attr, `a failing load of ${attr}`);
    yield* this.raise(true);
    if (this.finished) throw this.bug(`nothing handles the AttributeError of ${attr}`);
  }

  /** `self.<attr> += k`: the read (LOAD_ATTR) and the write (STORE_ATTR) are apart, with whatever points the version has between. */
  *augment(attr: string, get: () => number, set: (value: number) => void, k: number): Py<void> {
    yield* this.load(attr);
    const value = get();
    yield* this.store(attr);
    set(value + k);
  }

  /**
   * The next conditional jump tests a value whose truth is `value` (before any `not` the source
   * applies to it). A function is evaluated at the jump itself: a deque's truth is read there.
   */
  *branch(test: boolean | (() => boolean)): Py<boolean> {
    const ins = yield* this.advance((i) => roleOf(i.op) === Role.Conditional, 'a test');
    const value = typeof test === 'function' ? test() : test;
    let taken: boolean;
    if (ins.op === 'JUMP_IF_NOT_EXC_MATCH') taken = !value;
    else if (NONE_JUMPS.has(ins.op) || NOT_NONE_JUMPS.has(ins.op)) throw this.bug('an `is None` test: use branchNone()');
    else {
      const tested = this.nots % 2 === 1 ? !value : value;
      taken = TRUE_JUMPS.has(ins.op) ? tested : !tested;
    }
    this.decide(ins, taken);
    return value;
  }

  /** The next conditional jump tests `x is None` / `x is not None`, as the source writes it; `isNone` is whether x is None. */
  *branchNone(isNone: boolean): Py<boolean> {
    const ins = yield* this.advance((i) => roleOf(i.op) === Role.Conditional, 'an `is None` test');
    let taken: boolean;
    if (NONE_JUMPS.has(ins.op)) taken = isNone;
    else if (NOT_NONE_JUMPS.has(ins.op)) taken = !isNone;
    else {
      if (this.lastIs === null) throw this.bug('no identity test before this jump');
      const tested = this.lastIs ? isNone : !isNone;
      taken = TRUE_JUMPS.has(ins.op) ? tested : !tested;
    }
    this.decide(ins, taken);
    return isNone;
  }

  private decide(ins: Instr, taken: boolean): void {
    this.nots = 0;
    this.lastIs = null;
    if (taken) this.goTo(ins.target!);
    else this.pc = ins.index + 1;
  }

  /** `for x in it`: FOR_ITER takes the next item (`next` runs at the instruction); the body runs when there is one. */
  *forIter<T>(next: () => IterStep<T>): Py<IterStep<T>> {
    const ins = yield* this.advance((i) => i.op === 'FOR_ITER', 'a for-loop step');
    let r: IterStep<T>;
    try {
      r = next();
    } catch (e) {
      // `deque mutated during iteration`: another thread changed it since GET_ITER.
      if (e instanceof PyException) yield* this.raise(true);
      throw e;
    }
    this.decide(ins, r.done === true);
    return r;
  }

  /** Something C does inside the next `op` instruction (GET_ITER, BINARY_SUBSCR, ...); an exception it raises is raised here. */
  *at<T>(op: string, fn: () => T): Py<T> {
    const ins = yield* this.advance((i) => i.op === op, `a ${op}`);
    this.pc = ins.index + 1;
    try {
      return fn();
    } catch (e) {
      if (e instanceof PyException) yield* this.raise(true);
      throw e;
    }
  }

  /** ... where what it does runs Python of the code under test (FORMAT_VALUE calling `__repr__`). */
  *atPy<T>(op: string | readonly string[], fn: () => Py<T>): Py<T> {
    const ops = typeof op === 'string' ? [op] : op;
    const ins = yield* this.advance((i) => ops.includes(i.op), `a ${ops.join('/')}`);
    this.pc = ins.index + 1;
    try {
      return yield* fn();
    } catch (e) {
      if (e instanceof PyException) yield* this.raise(true);
      throw e;
    }
  }

  /**
   * A call: `name` is called here and `body` is what it does. `kind` says what ran in between
   * (point-model.ts, CalleeKind): `py` for a function of the code under test (ported, with its own
   * frame), `c` for anything else. An exception from `body` is raised in this frame.
   */
  *call<T>(name: string, kind: Exclude<CalleeKind, 'none'>, body: () => Py<T>): Py<T> {
    yield* this.toCall(name, kind);
    try {
      return yield* body();
    } catch (e) {
      if (e instanceof PyException) yield* this.raise(true);
      throw e;
    }
  }

  /** Up to and including the call instruction of `name`; what ran in between is `kind`. */
  private *toCall(name: string, kind: Exclude<CalleeKind, 'none'>): Py<void> {
    const ins = yield* this.advance((i) => roleOf(i.op) === Role.Call, `a call of ${name}`);
    if (ins.callee !== null && ins.callee !== name) throw this.bug(`the next call is of ${ins.callee}, the port asked for ${name}`);
    this.unwinder.flow(ins); // SETUP_WITH also sets up its block
    this.pc = ins.index + 1;
    // tracer.py: a constructor's __init__ counts as the code under test only where the call names it.
    this.s.callee = kind === 'py' && (name === '__init__' || name === '__new__') && !ins.initExplicit ? 'c' : kind;
  }

  /**
   * A call only some versions compile (`super()` before 3.12's LOAD_SUPER_ATTR): made when the next
   * call on the straight path is of `name`, skipped otherwise.
   */
  *callCIfCompiled<T>(name: string, fn: () => T): Py<T | undefined> {
    for (let i = this.pc; i < this.code.code.length; i++) {
      const ins = this.code.code[i]!;
      if (CALLS.has(ins.op) || HIDDEN_CALLS.has(ins.op)) {
        if (ins.callee !== name) return undefined;
        return yield* this.callC(name, fn);
      }
      if (CONDITIONAL.has(ins.op) || UNCONDITIONAL.has(ins.op) || RETURNS.has(ins.op)) return undefined;
    }
    return undefined;
  }

  /** A C function (or Python code outside the code under test) that returns at once. */
  *callC<T>(name: string, fn: () => T): Py<T> {
    yield* this.toCall(name, 'c');
    try {
      return fn();
    } catch (e) {
      if (e instanceof PyException) yield* this.raise(true);
      throw e;
    }
  }

  /** A call that only creates a coroutine or a generator (no frame runs until it is awaited or iterated). */
  *create(name: string): Py<void> {
    const ins = yield* this.advance((i) => CALLS.has(i.op), `the creation of ${name}`);
    if (ins.callee !== null && ins.callee !== name) throw this.bug(`the next call is of ${ins.callee}, the port asked for ${name}`);
    this.pc = ins.index + 1;
    this.s.callee = 'none';
  }

  /** `await fut` on a future: suspends the task while it is pending; `onPark` runs just before. */
  *awaitFuture<T>(fut: Future<T>, onPark?: () => void): Py<T> {
    const suspend = yield* this.toSuspension();
    let thrown: PyException | null = null;
    if (!fut.done()) {
      onPark?.();
      try {
        yield { t: 'await', fut: fut as Future<unknown> };
      } catch (e) {
        if (!(e instanceof PyException)) throw e;
        thrown = e;
      }
      yield* this.resumedAfterAwait(suspend, thrown === null);
    }
    this.afterSuspension(suspend);
    if (thrown !== null) {
      yield* this.raise(true);
      throw thrown;
    }
    try {
      return fut.result();
    } catch (e) {
      if (e instanceof PyException) yield* this.raise(true);
      throw e;
    }
  }

  /**
   * `await name()` on a coroutine of the code under test: the call that creates it, then the
   * delegation. Each time the task resumes the chain, this frame's `call` event comes first (a
   * send goes through every frame of the chain); a throw goes to the innermost frame directly and
   * reaches this one only when the inner coroutine finishes.
   */
  *awaitCoroutine<T>(name: string, inner: Py<T>): Py<T> {
    yield* this.create(name);
    const suspend = yield* this.toSuspension();
    // After a throw delegated to the inner coroutine, this frame has not run yet: it owes its `call` event.
    let owed = false;
    let r: IteratorResult<RuntimeInstr, T>;
    try {
      r = inner.next();
      while (!r.done) {
        const ins = r.value;
        if (ins.t !== 'await') {
          r = inner.next(yield ins);
          continue;
        }
        let sent: unknown;
        try {
          sent = yield ins;
        } catch (e) {
          owed = true;
          r = inner.throw(e);
          continue;
        }
        yield* this.resumedAfterAwait(suspend, !owed);
        owed = false;
        r = inner.next(sent);
      }
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      if (owed) yield* this.resumedAfterAwait(suspend, false);
      this.afterSuspension(suspend);
      yield* this.raise(true);
      throw e;
    }
    // The inner coroutine returned after a throw: CPython steps this frame past the await and resumes it.
    if (owed) yield* this.resumedAfterAwait(suspend, false);
    this.afterSuspension(suspend);
    return r.value;
  }

  /** Up to and including the instruction an await suspends at (YIELD_FROM up to 3.10, SEND from 3.11). */
  private *toSuspension(): Py<Instr> {
    const ins = yield* this.advance((i) => i.op === 'YIELD_FROM' || i.op === 'SEND', 'an await');
    this.status = 'running';
    return ins;
  }

  /** The task resumed this frame at an await: its `call` event, and the instructions that re-enter the await. */
  private *resumedAfterAwait(suspend: Instr, rerun: boolean): Py<void> {
    const resumedAt = suspend.op === 'SEND' ? (this.code.code[suspend.index + 1] ?? suspend) : suspend;
    const label = this.model.onCall(this.s, this.code, resumedAt);
    if (label !== null) yield point(label);
    // Up to 3.10 a send runs the YIELD_FROM again (a throw does not: the frame starts with the
    // exception); from 3.11 RESUME, a jump and SEND run, none of them a point.
    if (rerun && suspend.op === 'YIELD_FROM') {
      const again = this.exec(suspend);
      if (again !== null) yield point(again);
    }
  }

  private afterSuspension(suspend: Instr): void {
    if (suspend.op === 'SEND') {
      // The exception table knows the suspended YIELD_VALUE: raise from there, go on from SEND's target.
      this.current = this.code.code[suspend.index + 1] ?? suspend;
      this.goTo(suspend.target!);
    } else this.pc = suspend.index + 1;
  }

  /** A generator yields here (YIELD_VALUE): the frame is suspended until `resume()`. */
  *yieldValue(): Py<void> {
    const ins = yield* this.advance((i) => i.op === 'YIELD_VALUE', 'a yield');
    this.pc = ins.index + 1;
    this.status = 'suspended';
    this.suspendedAt = ins;
  }

  /**
   * A suspended generator is closed (its last reference dropped): GeneratorExit is thrown in.
   * 3.12+ completes a generator suspended outside any try block without running it (gen_close).
   */
  *close(): Py<void> {
    if (this.status !== 'suspended') return;
    if (this.table.minor >= 12) {
      this.status = 'returned';
      return;
    }
    this.status = 'running';
    // gen_throw: a `call` event at the yield (no entry check: RESUME has not run), then the exception.
    const label = this.model.onCall(this.s, this.code, this.suspendedAt);
    if (label !== null && this.table.minor !== 11) yield point(label);
    this.current = this.suspendedAt;
    yield* this.raise(true);
    if (!this.finished) throw this.bug('GeneratorExit was caught');
  }

  /** `return`: up to the frame's return (RETURN_VALUE; 3.6/3.7 through the finally blocks it crosses). */
  *ret(): Py<void> {
    for (;;) {
      const ins = yield* this.advance((i) => RETURNS.has(i.op) || (i.op === 'END_FINALLY' && this.unwinder.endFinallyReturns()), 'the return');
      if (ins.op === 'END_FINALLY') {
        this.unwinder.flow(ins);
      }
      const to = this.unwinder.returning();
      if (to === null) {
        this.status = 'returned';
        return;
      }
      this.goTo(to);
    }
  }

  /** `raise X(...)` (the exception made by a call the port ran before): RAISE_VARARGS with an argument. */
  *raiseNew(): Py<void> {
    const ins = yield* this.advance((i) => i.op === 'RAISE_VARARGS' && i.arg !== 0, 'a raise');
    this.current = ins;
    yield* this.raise(true);
  }

  /** A bare `raise`, or the end of a `finally` / unmatched `except` block on the exception path: the exception goes on. */
  *reraise(): Py<void> {
    const ins = yield* this.advance(
      (i) =>
        i.op === 'RERAISE' ||
        (i.op === 'RAISE_VARARGS' && i.arg === 0) ||
        i.op === 'CLEANUP_THROW' ||
        (i.op === 'END_FINALLY' && this.unwinder.endFinallyRaises()),
      'a re-raise',
    );
    this.current = ins;
    yield* this.raise(false);
  }

  /**
   * An exception is raised at the current instruction: the `exception` event (unless it is a
   * re-raise, which CPython unwinds without one), then the handler, or the frame is left. A
   * handler that only restores state and re-raises (3.11+ cleanup handlers, 3.12+'s
   * StopIteration guard) is run through at once, as the interpreter would.
   */
  private *raise(event: boolean): Py<void> {
    if (event) this.model.onException(this.s);
    for (;;) {
      const to = this.unwinder.handlerFor(this.current);
      if (to === null) {
        this.status = 'raised';
        return;
      }
      this.status = 'running';
      this.goTo(to);
      const plumbing = this.unwinder.plumbingToRaise(this.pc);
      if (plumbing === null) return;
      for (const ins of plumbing) {
        const label = this.exec(ins);
        if (label !== null) yield point(label);
        this.unwinder.flow(ins);
      }
    }
  }

  /** The `with` statement's exit on the exception path: `__exit__` runs (and does not suppress), then the exception goes on. */
  *exitWithRaising(kind: Exclude<CalleeKind, 'none'>, exit: () => Py<void>): Py<void> {
    yield* this.call('__exit__', kind, exit);
    // 3.9+: a jump on __exit__'s (false) result; up to 3.8 WITH_CLEANUP_FINISH decides without one.
    for (let i = this.pc; i < this.code.code.length; i++) {
      const ins = this.code.code[i]!;
      if (CONDITIONAL.has(ins.op)) {
        yield* this.branch(false);
        break;
      }
      if (ins.op === 'RERAISE' || ins.op === 'END_FINALLY') break;
    }
    yield* this.reraise();
  }

  /** Whether the frame is done (returned, or left by an exception). */
  get finished(): boolean {
    return this.status === 'returned' || this.status === 'raised';
  }
}
