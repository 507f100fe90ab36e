/**
 * Where a frame goes when it raises, returns through a `finally`, or leaves a `with`, per
 * CPython version: the dynamic block stack of 3.6-3.10 (with 3.6-3.8's `finally` bookkeeping on
 * the value stack: why the block was entered, which END_FINALLY reads) or 3.11+'s static
 * exception table. The frame walker (frame.ts) runs the instructions; this decides their jumps.
 */
import { SimulationError } from '../../runtime/errors.ts';
import type { CodeTable, Instr, LabelTable } from '../labels/table.ts';

/** The structural effect of an instruction that needs no decision from the port. */
export type Flow = { readonly kind: 'next' } | { readonly kind: 'jump'; readonly to: number } | { readonly kind: 'raise' } | { readonly kind: 'return' };

type BlockKind = 'loop' | 'except' | 'finally' | 'with' | 'handler';

interface Block {
  readonly kind: BlockKind;
  readonly handler: number;
}

/** 3.6-3.8: what a `finally` block was entered for, as END_FINALLY finds it on the value stack. */
interface Marker {
  readonly why: 'null' | 'exception' | 'return' | 'call';
  readonly addr: number;
  /** The block depth it belongs to: an END_FINALLY at that depth reads it. */
  readonly depth: number;
}

const SETUP_KIND: Readonly<Record<string, BlockKind>> = {
  SETUP_LOOP: 'loop',
  SETUP_EXCEPT: 'except',
  SETUP_FINALLY: 'finally',
  SETUP_WITH: 'with',
  SETUP_ASYNC_WITH: 'with',
};

/** What a handler may do before re-raising and still be run through without the port: restoring interpreter state. */
const PLUMBING = new Set([
  'POP_TOP',
  'COPY',
  'SWAP',
  'PUSH_EXC_INFO',
  'POP_EXCEPT',
  'NOP',
  'CALL_INTRINSIC_1',
  'ROT_TWO',
  'ROT_THREE',
  'ROT_FOUR',
  'DUP_TOP',
  'DUP_TOP_TWO',
]);

export class Unwinder {
  private readonly blocks: Block[] = [];
  private readonly markers: Marker[] = [];
  /** 3.6/3.7: the LOAD_CONST None right after leaving a `finally`/`with` block normally is END_FINALLY's "nothing happened". */
  private nullMarkerNext = false;
  private readonly minor: number;

  constructor(
    table: LabelTable,
    private readonly code: CodeTable,
  ) {
    this.minor = table.minor;
  }

  private bug(ins: Instr | null, what: string): SimulationError {
    return new SimulationError(`${this.code.key} (CPython 3.${this.minor})${ins ? ` at ${ins.offset} ${ins.op}` : ''}: ${what}`);
  }

  /** The effect of `ins`, just run, on the blocks and the `finally` markers; where control goes next. */
  flow(ins: Instr): Flow {
    const marker = this.nullMarkerNext;
    this.nullMarkerNext = false;
    const kind = SETUP_KIND[ins.op];
    if (kind !== undefined) {
      this.blocks.push({ kind, handler: ins.target! });
      return { kind: 'next' };
    }
    switch (ins.op) {
      case 'POP_BLOCK': {
        const b = this.blocks.pop();
        if (b === undefined) throw this.bug(ins, 'no block to pop');
        if (this.minor <= 7 && (b.kind === 'finally' || b.kind === 'with')) this.nullMarkerNext = true;
        return { kind: 'next' };
      }
      case 'LOAD_CONST':
        if (marker && ins.arg === 'None') this.push('null', -1);
        return { kind: 'next' };
      case 'BEGIN_FINALLY':
        this.push('null', -1);
        return { kind: 'next' };
      case 'CALL_FINALLY':
        this.push('call', this.code.code[ins.index + 1]!.offset);
        return { kind: 'jump', to: ins.target! };
      case 'POP_FINALLY':
        this.markers.pop();
        return { kind: 'next' };
      case 'END_FINALLY': {
        const m = this.markerHere(ins);
        if (m.why === 'exception') return { kind: 'raise' };
        this.markers.pop();
        if (m.why === 'return') return { kind: 'return' };
        if (m.why === 'call') return { kind: 'jump', to: m.addr };
        return { kind: 'next' };
      }
      case 'POP_EXCEPT':
        if (this.minor <= 10) {
          const b = this.blocks.pop();
          if (b?.kind !== 'handler') throw this.bug(ins, 'POP_EXCEPT outside an exception handler');
          if (this.minor <= 8 && this.markers.at(-1)?.why === 'exception') this.markers.pop();
        }
        return { kind: 'next' };
      case 'RERAISE':
      case 'CLEANUP_THROW':
      case 'RAISE_VARARGS':
        return { kind: 'raise' };
      case 'BREAK_LOOP': {
        // 3.6/3.7: `break` unwinds to its loop's block and leaves the loop.
        for (let b = this.blocks.pop(); b !== undefined; b = this.blocks.pop()) {
          if (b.kind === 'loop') return { kind: 'jump', to: b.handler };
          if (b.kind === 'finally' || b.kind === 'with') throw this.bug(ins, 'a break through try/finally is not ported');
        }
        throw this.bug(ins, 'BREAK_LOOP outside a loop');
      }
      case 'CONTINUE_LOOP':
        throw this.bug(ins, 'continue through blocks is not ported');
      default:
        return { kind: 'next' };
    }
  }

  private push(why: Marker['why'], addr: number): void {
    this.markers.push({ why, addr, depth: this.blocks.length });
  }

  private markerHere(ins: Instr): Marker {
    const m = this.markers.at(-1);
    if (m === undefined || m.depth !== this.blocks.length) throw this.bug(ins, 'END_FINALLY without its marker');
    return m;
  }

  /** An END_FINALLY here would go on returning. */
  endFinallyReturns(): boolean {
    const m = this.markers.at(-1);
    return m !== undefined && m.depth === this.blocks.length && m.why === 'return';
  }

  /** An END_FINALLY here would re-raise. */
  endFinallyRaises(): boolean {
    const m = this.markers.at(-1);
    return m !== undefined && m.depth === this.blocks.length && m.why === 'exception';
  }

  /**
   * The frame returns (RETURN_VALUE ran, or an END_FINALLY goes on with a return): 3.6/3.7 run
   * the `finally` blocks it crosses first. The handler to run, or null: the frame returns.
   */
  returning(): number | null {
    if (this.minor >= 8) {
      if (this.blocks.some((b) => b.kind === 'finally' || b.kind === 'with')) throw this.bug(null, 'a return inside try/finally left a block behind');
      return null;
    }
    while (this.blocks.length > 0) {
      const b = this.blocks.pop()!;
      if (b.kind === 'finally' || b.kind === 'with') {
        this.dropMarkersAbove(this.blocks.length);
        this.push('return', -1);
        return b.handler;
      }
    }
    return null;
  }

  /** An exception raised at `at`: the handler it jumps to, or null when it leaves the frame. */
  handlerFor(at: Instr | null): number | null {
    if (this.minor >= 11) return at?.handler ?? null;
    while (this.blocks.length > 0) {
      const b = this.blocks.pop()!;
      if (b.kind === 'loop' || b.kind === 'handler') continue;
      this.dropMarkersAbove(this.blocks.length);
      // The handler runs with the exception pushed and an EXCEPT_HANDLER block (POP_EXCEPT pops it).
      this.blocks.push({ kind: 'handler', handler: -1 });
      if (this.minor <= 8) this.push('exception', -1);
      return b.handler;
    }
    this.markers.length = 0;
    return null;
  }

  private dropMarkersAbove(depth: number): void {
    while ((this.markers.at(-1)?.depth ?? -1) > depth) this.markers.pop();
  }

  /**
   * If the handler at `pc` only restores state and re-raises, the instructions up to and
   * including that re-raise; else null (the port runs the handler).
   */
  plumbingToRaise(pc: number): Instr[] | null {
    const out: Instr[] = [];
    for (let i = pc; i < this.code.code.length; i++) {
      const ins = this.code.code[i]!;
      out.push(ins);
      if (ins.op === 'RERAISE' || ins.op === 'CLEANUP_THROW') return out;
      if (ins.op === 'END_FINALLY' && this.minor <= 8) return out;
      if (!PLUMBING.has(ins.op)) return null;
    }
    return null;
  }
}
