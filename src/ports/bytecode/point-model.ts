/**
 * Where each interpreter family checks its eval breaker, instruction by instruction: the
 * runtime half of the harness's point models (semverify_harness/points.py and tracer.py), whose
 * static half (which instruction is a call point, a back-edge, fast, ...) the label tables carry.
 * A frame walker (frame.ts) asks its model at every trace event the real frame would have: the
 * `call` event (a frame starts or resumes), each instruction (`opcode` events; `line` events on
 * 3.6) and `exception` events. docs/execution-model.md, "Scheduling points per version".
 */
import type { CodeTable, Instr, PointModelName } from '../labels/table.ts';

/**
 * Who ran between a call instruction and the next instruction (tracer.py's callee classes):
 * `py` a frame of the code under test (no point after the call on 3.11+), `c` anything else
 * (C code, other Python code, a generator started by the callee), `none` nothing traced (C code, or
 * a coroutine or generator only created).
 */
export type CalleeKind = 'py' | 'c' | 'none';

interface Pending {
  readonly kind: 'call' | 'back' | 'cond-back';
  readonly label: string;
  readonly genCreate: boolean;
  readonly at: number;
}

/** One frame's tracer state (tracer.py's per-frame list). */
export interface TracerState {
  pending: Pending | null;
  callee: CalleeKind;
  /** gil-3.9: the last instruction ended with FAST_DISPATCH. */
  fast: boolean;
  /** line-3.6: ceval's instr_prev (the last traced offset of this activation). */
  prev: number;
  /** line-3.6: frame.f_lineno, set by `line` events. */
  line: number;
}

export interface PointModel {
  readonly name: PointModelName;
  /** The `call` event: `resumedAt` null for a new frame, else the instruction it was suspended at. The entry point's label, if any. */
  onCall(s: TracerState, code: CodeTable, resumedAt: Instr | null): string | null;
  /** The instruction is about to run: the label of the point there, if any. */
  before(s: TracerState, code: CodeTable, ins: Instr): string | null;
  /** An `exception` event in the frame (raised there or propagated into it). */
  onException(s: TracerState): void;
  /** frame.f_lineno as a blocking primitive called from this frame labels its block (tracer.caller_label). */
  here(s: TracerState, code: CodeTable, current: Instr | null): string;
}

export function freshState(code: CodeTable): TracerState {
  return { pending: null, callee: 'none', fast: false, prev: -1, line: code.firstLine };
}

/** 3.10 and up see points through opcode events: after calls, at taken back-edges (points.py, _jump_points). */
function resolvePending(s: TracerState, ins: Instr, classifiesCalls: boolean): string | null {
  const p = s.pending;
  if (p === null) return null;
  s.pending = null;
  switch (p.kind) {
    case 'call':
      if (!classifiesCalls) return p.label;
      return s.callee !== 'py' && !(s.callee === 'none' && p.genCreate) ? p.label : null;
    case 'back':
      return p.label;
    case 'cond-back':
      return ins.offset <= p.at ? p.label : null;
  }
}

function noteJumpOrCall(s: TracerState, ins: Instr): void {
  if (ins.callPoint) {
    s.pending = { kind: 'call', label: ins.label, genCreate: ins.genCreate, at: ins.offset };
    s.callee = 'none';
  } else if (ins.back) s.pending = { kind: 'back', label: ins.label, genCreate: false, at: ins.offset };
  else if (ins.condBack) s.pending = { kind: 'cond-back', label: ins.label, genCreate: false, at: ins.offset };
}

const currentLine = (code: CodeTable, current: Instr | null): string => current?.label ?? `${code.key}:${code.firstLine}`;

/** gil-3.11 / gil-3.12: RESUME 0/1 (and 3.13's 5), after calls but those into Python code under test, JUMP_BACKWARD. */
function gil311(name: 'gil-3.11' | 'gil-3.12'): PointModel {
  return {
    name,
    onCall(s) {
      s.pending = null;
      return null;
    },
    before(s, _code, ins) {
      const after = resolvePending(s, ins, true);
      noteJumpOrCall(s, ins);
      // The entry check is at the `call` event, whose f_lasti is the RESUME about to run.
      return after ?? (ins.entry ? ins.label : null);
    },
    onException(s) {
      s.pending = null;
    },
    here: (_s, code, current) => currentLine(code, current),
  };
}

/** gil-3.10: frame entry and resumption after YIELD_VALUE (not after an await), after every call, taken back-edges. */
const gil310: PointModel = {
  name: 'gil-3.10',
  onCall(s, code, resumedAt) {
    s.pending = null;
    if (resumedAt === null) return code.code[0]!.label;
    return resumedAt.op === 'YIELD_VALUE' ? resumedAt.label : null;
  },
  before(s, _code, ins) {
    const after = resolvePending(s, ins, false);
    noteJumpOrCall(s, ins);
    return after;
  },
  onException(s) {
    s.pending = null;
  },
  here: (_s, code, current) => currentLine(code, current),
};

/** gil-3.9 (3.7-3.9): before every instruction but after a FAST_DISPATCH one, and not before the few that skip the check. */
const gil39: PointModel = {
  name: 'gil-3.9',
  onCall(s) {
    s.fast = false;
    return null;
  },
  before(s, _code, ins) {
    const label = !s.fast && !ins.skip ? ins.label : null;
    s.fast = ins.fast;
    return label;
  },
  onException(s) {
    s.fast = false;
  },
  here: (_s, code, current) => currentLine(code, current),
};

/** line-3.6: each `call` event (labelled with f_lineno) and each `line` event: a line range's start or a backward jump. */
const line36: PointModel = {
  name: 'line-3.6',
  onCall(s, code) {
    s.prev = -1;
    return `${code.key}:${s.line}`;
  },
  before(s, _code, ins) {
    const event = ins.lineStart || ins.offset < s.prev;
    s.prev = ins.offset;
    if (!event) return null;
    s.line = ins.line;
    return ins.label;
  },
  onException() {},
  here: (s, code) => `${code.key}:${s.line}`,
};

const MODELS: Readonly<Record<PointModelName, PointModel>> = {
  'line-3.6': line36,
  'gil-3.9': gil39,
  'gil-3.10': gil310,
  'gil-3.11': gil311('gil-3.11'),
  'gil-3.12': gil311('gil-3.12'),
};

export function pointModel(name: PointModelName): PointModel {
  return MODELS[name];
}
