/**
 * The harness package's floor plan (docs/architecture.md, "The CPython harness"), read from its sources: no
 * import cycle between its modules, no module over about 600 lines, a docstring on every module,
 * and every import at the top of a module (one made later, after a user's --pythonpath is on
 * sys.path, could pick up the user's module of that name).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARNESS_PATH } from '../src/backends/cpython/process.ts';

const PACKAGE = join(dirname(HARNESS_PATH), 'semverify_harness');
const modules = new Map(
  readdirSync(PACKAGE)
    .filter((f) => f.endsWith('.py'))
    .map((f) => [f.slice(0, -3), readFileSync(join(PACKAGE, f), 'utf8')] as const),
);

/** The package modules a module imports (`from . import a, b`, `from .a import x`). */
function imports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^from \.(\w*) import ([\w, ]+)$/gm)) {
    if (m[1]) out.push(m[1]);
    else out.push(...m[2]!.split(',').map((s) => s.trim()));
  }
  return out;
}

describe('the harness package (src/backends/cpython/harness/semverify_harness/)', () => {
  it('has the modules of its floor plan, each with a docstring and under 600 lines', () => {
    expect([...modules.keys()].sort()).toEqual(
      [
        '__init__',
        'contract',
        'final_state',
        'guards',
        'interpreter',
        'observe',
        'points',
        'pool',
        'program',
        'protocol',
        'pthreads',
        'real',
        'run',
        'scheduler',
        'sources',
        'targets',
        'tracer',
        'virtual',
        'vloop',
        'wire',
      ].sort(),
    );
    for (const [name, text] of modules) {
      expect(text.split('\n').length, name).toBeLessThanOrEqual(600);
      expect(text, name).toMatch(/^# -\*- coding: utf-8 -\*-\n"""/);
    }
  });

  it('imports nothing later than at the top of a module, and only what it has', () => {
    for (const [name, text] of modules) {
      // An import inside a function runs when the function does, maybe after a --pythonpath was added.
      const lines = text.split('\n');
      const late = lines.flatMap((line, i) => {
        const indent = /^\s*/.exec(line)![0].length;
        if (indent === 0 || !/^\s*(import \w|from [\w.]+ import )/.test(line)) return [];
        const owner =
          lines
            .slice(0, i)
            .reverse()
            .find((l) => l.trim() !== '' && /^\s*/.exec(l)![0].length < indent) ?? '';
        return /^\s*(async\s+)?def /.test(owner) ? [`${i + 1}: ${line.trim()}`] : [];
      });
      expect(late, name).toEqual([]);
      for (const dep of imports(text)) expect(modules.has(dep), `${name} imports ${dep}`).toBe(true);
    }
  });

  it('has no import cycle, and contract and sources stand alone', () => {
    const graph = new Map([...modules].map(([name, text]) => [name, imports(text)]));
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (m: string, path: string[]): void => {
      if (state.get(m) === 'done') return;
      if (state.get(m) === 'visiting') throw new Error(`import cycle: ${[...path, m].join(' -> ')}`);
      state.set(m, 'visiting');
      for (const d of graph.get(m) ?? []) visit(d, [...path, m]);
      state.set(m, 'done');
    };
    for (const m of graph.keys()) visit(m, []);
    expect(graph.get('contract')).toEqual([]);
    expect(graph.get('sources')).toEqual([]);
    // The floor plan's check catches one: protocol imported back from the scheduler would close a loop.
    graph.set('scheduler', [...graph.get('scheduler')!, 'protocol']);
    state.clear();
    expect(() => {
      for (const m of graph.keys()) visit(m, []);
    }).toThrow(/import cycle: .*scheduler -> protocol/);
  });
});
