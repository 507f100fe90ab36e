/**
 * The floor plan (docs/architecture.md), enforced: which folder may import which, that explore/
 * and report/ see backends only through their interface, and that no import cycle exists
 * beyond the simulated runtime's type-level ones. A violation fails here with the file and the
 * import that broke the rule.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cyclesOf, type ImportEdge, importGraph, parseImports } from './import-graph.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['src', 'models', 'properties'] as const;

type Layer =
  | 'contract'
  | 'scenario-types'
  | 'scenario'
  | 'program'
  | 'scheduler'
  | 'runtime'
  | 'ports'
  | 'models'
  | 'properties'
  | 'backends'
  | 'explore'
  | 'report'
  | 'cli'
  | 'project'
  | 'api'
  | 'vitest'
  | 'cpython-suite';

/** The folder a file belongs to; the scenario types are their own layer, next to the contract (everyone reads scenarios). */
function layerOf(file: string): Layer {
  if (file === 'src/scenario/types.ts') return 'scenario-types';
  const [top, sub] = file.split('/');
  const layer = top === 'src' ? sub : top;
  if (!(layer! in RULES)) throw new Error(`${file}: in no layer of the floor plan (add its folder to RULES and to docs/architecture.md)`);
  return layer as Layer;
}

interface Rule {
  /** Layers whose code it may import (types included). */
  readonly imports: readonly Layer[];
  /** Layers it may import types from, and nothing else. */
  readonly types?: readonly Layer[];
}

const ALL: readonly Layer[] = [
  'contract',
  'scenario-types',
  'scenario',
  'program',
  'scheduler',
  'runtime',
  'ports',
  'models',
  'properties',
  'backends',
  'explore',
  'report',
];

/** Who may import whom (a layer may always import itself). The table is acyclic: a test below says so. */
const RULES: Readonly<Record<Layer, Rule>> = {
  contract: { imports: [], types: ['scenario-types'] },
  'scenario-types': { imports: [] },
  scheduler: { imports: ['contract'] },
  runtime: { imports: ['contract', 'scheduler'] },
  ports: { imports: ['runtime', 'contract', 'scenario-types'] },
  models: { imports: ['contract', 'scenario-types'] },
  properties: { imports: ['models', 'contract', 'scenario-types'] },
  // Expectation names are checked against the properties loaded: their type, not their code.
  scenario: { imports: ['contract', 'scenario-types'], types: ['properties'] },
  // A Python program named on the command line: read, digested, described as a scenario to explore.
  program: { imports: ['contract', 'scenario-types', 'scenario'] },
  backends: { imports: ['contract', 'scenario-types', 'scenario', 'scheduler', 'ports', 'runtime'] },
  explore: { imports: ['backends', 'contract', 'scenario-types', 'scenario', 'program', 'scheduler', 'models', 'properties'] },
  report: { imports: ['backends', 'contract', 'scenario-types'], types: ['explore', 'properties'] },
  // The user's project: config file, saved failures, exported tests, scenario selection.
  project: { imports: ALL },
  cli: { imports: [...ALL, 'project'] },
  // The library (`import ... from 'semverify'`): the CLI's commands as functions.
  api: { imports: [...ALL, 'project', 'cli'] },
  // `semverify/vitest`: built on the library only.
  vitest: { imports: ['api', 'contract', 'scenario-types'] },
  'cpython-suite': { imports: ALL },
};

/** What explore/ and report/ may import from backends/: the interface, never a backend's folder. */
const BACKEND_INTERFACE = ['src/backends/registry.ts', 'src/backends/runner.ts', 'src/backends/run-request.ts'];

/** Cycles of type-only imports are allowed here only: a simulated machine, its threads, loops, futures and locks refer to each other. */
const TYPE_CYCLES_ALLOWED: Layer = 'runtime';

function ruleViolations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (from === to) continue;
    const rule = RULES[from];
    const allowed = rule.imports.includes(to) || (e.typeOnly && (rule.types ?? []).includes(to));
    if (!allowed) out.push(`${e.from} imports ${e.to}${e.typeOnly ? ' (types)' : ''}: ${from} may not import ${to}`);
    if ((from === 'explore' || from === 'report') && to === 'backends' && !BACKEND_INTERFACE.includes(e.to)) {
      out.push(`${e.from} imports ${e.to}: ${from} sees backends only through ${BACKEND_INTERFACE.join(', ')}`);
    }
  }
  return out;
}

function cycleViolations(edges: readonly ImportEdge[]): string[] {
  const valueCycles = cyclesOf(edges.filter((e) => !e.typeOnly && !e.dynamic)).map((c) => `value import cycle: ${c.join(' → ')}`);
  const typeCycles = cyclesOf(edges)
    .filter((c) => !c.every((f) => layerOf(f) === TYPE_CYCLES_ALLOWED))
    .map((c) => `import cycle: ${c.join(' → ')}`);
  return [...valueCycles, ...typeCycles];
}

const graph = importGraph(ROOT, SOURCES);

describe('the import reader', () => {
  it('reads every form of import the sources use, and which bring in types only', () => {
    const text = [
      "import type { A } from './a.ts';",
      "import { type B, type C } from '../b.ts';",
      "import { type D, e } from './d.ts';",
      'import {',
      '  f,',
      '  g,',
      "} from './f.ts';",
      "import fc from 'fast-check';",
      "import * as path from 'node:path';",
      "import './side-effect.ts';",
      "export { h } from './h.ts';",
      "export type { I } from './i.ts';",
      "export * from './star.ts';",
      "  const { j } = await import('./j.ts');",
      " * prose that mentions import('./not-an-import.ts')",
      "export const k = 'from ./nowhere.ts';",
    ].join('\n');
    expect(parseImports(text)).toEqual([
      { spec: './a.ts', typeOnly: true, dynamic: false },
      { spec: '../b.ts', typeOnly: true, dynamic: false },
      { spec: './d.ts', typeOnly: false, dynamic: false },
      { spec: './f.ts', typeOnly: false, dynamic: false },
      { spec: 'fast-check', typeOnly: false, dynamic: false },
      { spec: 'node:path', typeOnly: false, dynamic: false },
      { spec: './side-effect.ts', typeOnly: false, dynamic: false },
      { spec: './h.ts', typeOnly: false, dynamic: false },
      { spec: './i.ts', typeOnly: true, dynamic: false },
      { spec: './star.ts', typeOnly: false, dynamic: false },
      { spec: './j.ts', typeOnly: false, dynamic: true },
    ]);
  });

  it('finds the imports of the real tree, resolved to files that exist', () => {
    expect(graph.length).toBeGreaterThan(300);
    expect(graph).toContainEqual({ from: 'src/explore/check.ts', to: 'src/backends/registry.ts', typeOnly: false, dynamic: false });
    expect(graph).toContainEqual({ from: 'src/backends/sim/entry.ts', to: 'src/backends/sim/runner.ts', typeOnly: false, dynamic: true });
    // A misread specifier would resolve to a file that is not there.
    expect(graph.filter((e) => !existsSync(join(ROOT, e.to))).map((e) => `${e.from} imports ${e.to}`)).toEqual([]);
  });
});

describe('the floor plan', () => {
  it('every source file is in a layer, and the layers form one-way flow (the rules table has no cycle)', () => {
    for (const e of graph) expect(() => layerOf(e.from)).not.toThrow();
    const tableEdges = (Object.keys(RULES) as Layer[]).flatMap((from) => [...RULES[from].imports, ...(RULES[from].types ?? [])].map((to) => ({ from, to })));
    expect(cyclesOf(tableEdges)).toEqual([]);
  });

  it('every import follows the rules: the runtime never imports backends, explore or report; properties and models only the contract and scenario types', () => {
    expect(ruleViolations(graph)).toEqual([]);
  });

  it('no import cycle, except type-only ones inside the simulated runtime', () => {
    expect(cycleViolations(graph)).toEqual([]);
  });

  it('the checks catch what they are for', () => {
    const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly, dynamic: false });
    expect(ruleViolations([edge('src/runtime/machine.ts', 'src/explore/check.ts')])).toEqual([
      'src/runtime/machine.ts imports src/explore/check.ts: runtime may not import explore',
    ]);
    expect(ruleViolations([edge('properties/fifo.ts', 'src/scenario/load.ts')])).toHaveLength(1);
    expect(ruleViolations([edge('properties/fifo.ts', 'src/scenario/types.ts', true)])).toEqual([]);
    expect(ruleViolations([edge('src/report/json.ts', 'src/explore/check.ts')])).toHaveLength(1);
    expect(ruleViolations([edge('src/report/json.ts', 'src/explore/check.ts', true)])).toEqual([]);
    expect(ruleViolations([edge('src/explore/check.ts', 'src/backends/sim/run.ts')])).toEqual([
      'src/explore/check.ts imports src/backends/sim/run.ts: explore sees backends only through src/backends/registry.ts, src/backends/runner.ts, src/backends/run-request.ts',
    ]);
    expect(cycleViolations([edge('properties/a.ts', 'properties/b.ts'), edge('properties/b.ts', 'properties/a.ts', true)])).toEqual([
      'import cycle: properties/a.ts → properties/b.ts',
    ]);
    expect(cycleViolations([edge('src/runtime/a.ts', 'src/runtime/b.ts', true), edge('src/runtime/b.ts', 'src/runtime/a.ts', true)])).toEqual([]);
    expect(cycleViolations([edge('src/runtime/a.ts', 'src/runtime/b.ts'), edge('src/runtime/b.ts', 'src/runtime/a.ts')])).toHaveLength(1);
  });
});
