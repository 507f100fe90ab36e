/**
 * A JSON Schema (draft-07) checker for the keywords semverify's published schemas use, so the
 * tests can hold files and documents to them without a validator dependency: type, const, enum,
 * properties, required, additionalProperties, propertyNames, min/maxProperties, items,
 * min/maxItems, minimum, maximum, minLength, maxLength, pattern, not, oneOf, local $ref.
 * Returns the problems found, each with its JSON path; an unknown keyword fails loudly, so a
 * schema cannot silently outgrow the checker.
 */
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'examples', 'definitions', 'default']);

export function validate(root: Schema, value: unknown): string[] {
  const problems: string[] = [];
  check(root, root, value, '$', problems);
  return problems;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function matchesType(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function check(root: Schema, s: Schema, v: unknown, path: string, out: string[]): void {
  for (const [k, arg] of Object.entries(s)) {
    if (ANNOTATIONS.has(k)) continue;
    const o = v as Record<string, unknown>;
    switch (k) {
      case '$ref': {
        const name = /^#\/definitions\/(.+)$/.exec(arg as string)?.[1];
        if (name === undefined) throw new Error(`unsupported $ref ${String(arg)}`);
        check(root, (root.definitions as Record<string, Schema>)[name]!, v, path, out);
        break;
      }
      case 'type': {
        const types = Array.isArray(arg) ? (arg as string[]) : [arg as string];
        if (!types.some((t) => matchesType(v, t))) out.push(`${path}: expected ${types.join(' or ')}, got ${typeOf(v)}`);
        break;
      }
      case 'const':
        if (JSON.stringify(v) !== JSON.stringify(arg)) out.push(`${path}: expected ${JSON.stringify(arg)}`);
        break;
      case 'enum':
        if (!(arg as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(v)))
          out.push(`${path}: ${JSON.stringify(v)} is not one of ${JSON.stringify(arg)}`);
        break;
      case 'properties':
        if (typeOf(v) === 'object') {
          for (const [p, ps] of Object.entries(arg as Record<string, Schema>)) if (o[p] !== undefined) check(root, ps, o[p], `${path}.${p}`, out);
        }
        break;
      case 'required':
        if (typeOf(v) === 'object') for (const p of arg as string[]) if (o[p] === undefined) out.push(`${path}.${p}: missing`);
        break;
      case 'additionalProperties':
        if (typeOf(v) === 'object') {
          const known = Object.keys((s.properties as Schema | undefined) ?? {});
          for (const [p, pv] of Object.entries(o)) {
            if (known.includes(p)) continue;
            if (arg === false) out.push(`${path}.${p}: not allowed`);
            else if (typeof arg === 'object') check(root, arg as Schema, pv, `${path}.${p}`, out);
          }
        }
        break;
      case 'propertyNames':
        if (typeOf(v) === 'object') for (const p of Object.keys(o)) check(root, arg as Schema, p, `${path}[${JSON.stringify(p)}]`, out);
        break;
      case 'minProperties':
      case 'maxProperties':
        if (typeOf(v) === 'object') {
          const n = Object.keys(o).length;
          if (k === 'minProperties' ? n < (arg as number) : n > (arg as number)) out.push(`${path}: ${n} properties, ${k} ${String(arg)}`);
        }
        break;
      case 'items':
        if (Array.isArray(v)) for (const [i, item] of v.entries()) check(root, arg as Schema, item, `${path}[${i}]`, out);
        break;
      case 'minItems':
      case 'maxItems':
        if (Array.isArray(v) && (k === 'minItems' ? v.length < (arg as number) : v.length > (arg as number)))
          out.push(`${path}: ${v.length} items, ${k} ${String(arg)}`);
        break;
      case 'minimum':
      case 'maximum':
        if (typeof v === 'number' && (k === 'minimum' ? v < (arg as number) : v > (arg as number))) out.push(`${path}: ${v} beyond ${k} ${String(arg)}`);
        break;
      case 'minLength':
      case 'maxLength':
        if (typeof v === 'string' && (k === 'minLength' ? v.length < (arg as number) : v.length > (arg as number)))
          out.push(`${path}: length ${v.length}, ${k} ${String(arg)}`);
        break;
      case 'pattern':
        if (typeof v === 'string' && !new RegExp(arg as string, 'u').test(v)) out.push(`${path}: ${JSON.stringify(v)} does not match ${String(arg)}`);
        break;
      case 'not': {
        const inner: string[] = [];
        check(root, arg as Schema, v, path, inner);
        if (inner.length === 0) out.push(`${path}: must not match ${JSON.stringify(arg)}`);
        break;
      }
      case 'oneOf': {
        const results = (arg as Schema[]).map((alt) => {
          const inner: string[] = [];
          check(root, alt, v, path, inner);
          return inner;
        });
        const passing = results.filter((r) => r.length === 0).length;
        if (passing !== 1) {
          // The alternative the value meant (its discriminating `const` matched) says most about what is wrong.
          const meant = results.filter((r) => !r.some((p) => / expected "/.test(p)));
          const closest = (meant.length > 0 ? meant : results).reduce((a, b) => (b.length < a.length ? b : a));
          out.push(passing === 0 ? (closest[0] ?? `${path}: matches no alternative`) : `${path}: matches ${passing} alternatives of oneOf`);
        }
        break;
      }
      default:
        throw new Error(`json-schema.ts does not know the keyword "${k}" (at ${path})`);
    }
  }
}
