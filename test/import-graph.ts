/**
 * The import graph of the TypeScript sources, read as text (the TypeScript in use has no JS
 * compiler API): every `import`/`export ... from` statement and every `import('...')`, with
 * whether it brings in types only. Used by test/architecture.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface ImportEdge {
  /** Repository-relative path of the importing file. */
  readonly from: string;
  /** Repository-relative path of the imported file (relative specifiers only). */
  readonly to: string;
  /** `import type`, `export type`, or every named binding marked `type`: erased at run time. */
  readonly typeOnly: boolean;
  /** `import('...')`: loaded when reached, not when the module loads. */
  readonly dynamic: boolean;
}

/** What an import statement's clause can be: default, namespace, named, default plus named or namespace. */
const CLAUSE = String.raw`(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*\s+as\s+[\w$]+|[\w$]+)`;
const STATIC = new RegExp(String.raw`^(import|export)\s+(type\s+)?(?:(${CLAUSE}|\*)\s+from\s+)?'([^']+)'\s*;`, 'gm');
const DYNAMIC = /\bimport\(\s*'([^']+)'\s*\)/g;
/** Lines of block or line comments: a `import('...')` mentioned in prose is not an import. */
const COMMENT_LINE = /^\s*(\/\/|\/\*|\*)/;

/** The imports of one file's text, with specifiers as written. */
export function parseImports(text: string): { readonly spec: string; readonly typeOnly: boolean; readonly dynamic: boolean }[] {
  const out: { spec: string; typeOnly: boolean; dynamic: boolean }[] = [];
  for (const m of text.matchAll(STATIC)) {
    const clause = (m[3] ?? '').trim();
    const named = /^\{([^}]*)\}$/.exec(clause);
    const bindings = named
      ? named[1]!
          .split(',')
          .map((b) => b.trim())
          .filter((b) => b !== '')
      : [];
    const allTyped = bindings.length > 0 && bindings.every((b) => b.startsWith('type '));
    out.push({ spec: m[4]!, typeOnly: m[2] !== undefined || allTyped, dynamic: false });
  }
  const code = text
    .split('\n')
    .filter((line) => !COMMENT_LINE.test(line))
    .join('\n');
  for (const m of code.matchAll(DYNAMIC)) out.push({ spec: m[1]!, typeOnly: false, dynamic: true });
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import of every .ts file under `dirs` (repository-relative), resolved to repository-relative paths. */
export function importGraph(root: string, dirs: readonly string[]): ImportEdge[] {
  return dirs.flatMap((d) =>
    tsFiles(join(root, d)).flatMap((file) =>
      parseImports(readFileSync(file, 'utf8'))
        .filter((i) => i.spec.startsWith('.'))
        .map((i) => ({ from: relative(root, file), to: relative(root, resolve(dirname(file), i.spec)), typeOnly: i.typeOnly, dynamic: i.dynamic })),
    ),
  );
}

/** The cycles of a directed graph: its strongly connected components of more than one node (Tarjan). */
export function cyclesOf(edges: readonly { readonly from: string; readonly to: string }[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || next.get(v)?.includes(v)) out.push(component.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}
