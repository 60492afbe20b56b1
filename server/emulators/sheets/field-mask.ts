// Field masks in the two syntaxes the API accepts: the `fields` query parameter (partial response:
// `sheets(properties(sheetId,title),data/rowData/values/effectiveFormat/backgroundColor)`) and the
// FieldMask of update requests (`userEnteredFormat.backgroundColor,userEnteredFormat(textFormat)`).
// Both parse into a list of paths; '*' selects everything.

export type FieldPath = readonly string[];

/** Parses a mask into paths. Throws Error on unbalanced parentheses or empty names. */
export function parseFieldMask(mask: string): FieldPath[] {
  let i = 0;
  const s = mask.replace(/\s+/g, '');
  const parseList = (prefix: string[]): FieldPath[] => {
    const out: FieldPath[] = [];
    for (;;) {
      out.push(...parseItem(prefix));
      if (s[i] === ',') {
        i += 1;
        continue;
      }
      return out;
    }
  };
  const parseItem = (prefix: string[]): FieldPath[] => {
    const path = [...prefix];
    for (;;) {
      const m = /^[A-Za-z0-9_@*]+/.exec(s.slice(i));
      if (!m) throw new Error(`Invalid field mask '${mask}'`);
      path.push(m[0]);
      i += m[0].length;
      if (s[i] === '.' || s[i] === '/') {
        i += 1;
        continue;
      }
      if (s[i] === '(') {
        i += 1;
        const inner = parseList(path);
        if (s[i] !== ')') throw new Error(`Invalid field mask '${mask}'`);
        i += 1;
        return inner;
      }
      return [path];
    }
  };
  const paths = parseList([]);
  if (i !== s.length) throw new Error(`Invalid field mask '${mask}'`);
  return paths;
}

type Json = unknown;
interface MaskTree {
  [key: string]: MaskTree | true;
}

function toTree(paths: readonly FieldPath[]): MaskTree | true {
  const root: MaskTree = {};
  for (const p of paths) {
    if (p.length === 1 && p[0] === '*') return true;
    let node: MaskTree = root;
    for (let k = 0; k < p.length; k += 1) {
      const key = p[k] as string;
      if (k === p.length - 1) {
        node[key] = true;
        break;
      }
      const next = node[key];
      if (next === true) break;
      const child: MaskTree = next ?? {};
      node[key] = child;
      node = child;
    }
  }
  return root;
}

/** Keeps only the selected fields of a response (arrays are filtered element-wise). */
export function selectFields(value: Json, paths: readonly FieldPath[]): Json {
  return select(value, toTree(paths));
}

function select(value: Json, tree: MaskTree | true): Json {
  if (tree === true || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => select(v, tree));
  const out: Record<string, Json> = {};
  for (const [key, sub] of Object.entries(tree)) {
    if (key === '*') return value;
    const v = (value as Record<string, Json>)[key];
    if (v !== undefined) out[key] = select(v, sub);
  }
  return out;
}

/** Copies the masked fields from `source` onto `target` (missing in source = cleared), like an update. */
export function applyMask(
  target: Record<string, Json>,
  source: Record<string, Json>,
  paths: readonly FieldPath[],
): void {
  for (const path of paths) {
    if (path.length === 1 && path[0] === '*') {
      for (const k of Object.keys(target)) delete target[k];
      Object.assign(target, structuredClone(source));
      continue;
    }
    let src: Json = source;
    for (const key of path) {
      src = src !== null && typeof src === 'object' ? (src as Record<string, Json>)[key] : undefined;
    }
    let node: Record<string, Json> = target;
    for (let k = 0; k < path.length - 1; k += 1) {
      const key = path[k] as string;
      const next = node[key];
      if (next === null || typeof next !== 'object') {
        if (src === undefined) break;
        node[key] = {};
      }
      node = node[key] as Record<string, Json>;
    }
    const last = path[path.length - 1] as string;
    if (src === undefined) delete node[last];
    else node[last] = structuredClone(src);
  }
  pruneEmpty(target);
}

function pruneEmpty(obj: Record<string, Json>): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      pruneEmpty(v as Record<string, Json>);
      if (Object.keys(v).length === 0) delete obj[k];
    }
  }
}
