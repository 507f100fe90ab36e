/**
 * One CPython version as its ports see it: its label table, and frames over it. A port written
 * once for an algorithm family takes the version it serves and walks that version's bytecode.
 */
import { labelTable, type LabelTable, type TableVersion } from '../labels/table.ts';
import { Frame } from './frame.ts';

export interface PortVersion {
  readonly table: LabelTable;
  /** 9 for CPython 3.9 */
  readonly minor: number;
  /** A new activation of the function `key` (`asyncio/locks.py:Semaphore.acquire`). */
  frame(key: string): Frame;
}

export function portVersion(version: TableVersion): PortVersion {
  const table = labelTable(version);
  return { table, minor: table.minor, frame: (key) => new Frame(table, table.code(key)) };
}
