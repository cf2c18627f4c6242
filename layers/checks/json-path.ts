// A tiny JSON path reader: `$`, `.name`, `['name']`/`["name"]`, `[0]`, `[-1]`. No filters, no
// wildcards, no script: paths are user input, so nothing here ever evaluates code.

export type PathSegment = string | number;

export class JsonPathError extends Error {}

/** Parses `$.a.b[0]` (the leading `$` is optional) into segments; throws JsonPathError on bad syntax. */
export function parseJsonPath(path: string): PathSegment[] {
  const s = path.trim();
  let i = 0;
  const segments: PathSegment[] = [];
  if (s.startsWith('$')) i = 1;
  else if (s !== '' && s[0] !== '.' && s[0] !== '[') {
    // Bare `a.b` reads like `$.a.b`.
    const m = /^[^.[\]]+/.exec(s);
    if (m) {
      segments.push(m[0]);
      i = m[0].length;
    }
  }
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      const m = /^[^.[\]\s]+/.exec(s.slice(i + 1));
      if (!m) throw new JsonPathError(`expected a name after '.' at position ${i}`);
      segments.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = s.slice(i + 1);
      const num = /^\s*(-?\d+)\s*\]/.exec(rest);
      const quoted = /^\s*(['"])((?:\\.|(?!\1).)*)\1\s*\]/.exec(rest);
      if (num) {
        segments.push(Number(num[1]));
        i += 1 + num[0].length;
      } else if (quoted) {
        segments.push((quoted[2] ?? '').replace(/\\(.)/g, '$1'));
        i += 1 + quoted[0].length;
      } else {
        throw new JsonPathError(`expected an index or a quoted name after '[' at position ${i}`);
      }
    } else {
      throw new JsonPathError(`unexpected ${JSON.stringify(c)} at position ${i}`);
    }
  }
  return segments;
}

/** Reads a value; `found` is false when any step is missing (distinct from a JSON null). */
export function readJsonPath(root: unknown, segments: readonly PathSegment[]): { found: boolean; value: unknown } {
  let cur: unknown = root;
  for (const seg of segments) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return { found: false, value: undefined };
      const idx = seg < 0 ? cur.length + seg : seg;
      if (idx < 0 || idx >= cur.length) return { found: false, value: undefined };
      cur = cur[idx];
    } else {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, seg)) {
        // Arrays answer `.length` like JavaScript, which users expect in assertions.
        if (Array.isArray(cur) && seg === 'length') {
          cur = cur.length;
          continue;
        }
        return { found: false, value: undefined };
      }
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: cur };
}
