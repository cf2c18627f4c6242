import type * as z from 'zod';

type Schema = z.core.$ZodType;
type Path = (string | number)[];

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The paths of keys in `value` that `schema` does not declare. zod objects strip unknown keys
 * silently, so a typo in a PUT would reset that setting to its default; the router refuses them
 * instead, from the schemas' own shapes (nested objects, arrays, unions and wrappers included).
 */
export function findUnknownFields(schema: Schema, value: unknown, path: Path = []): Path[] {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object': {
      if (!isPlainObject(value)) return [];
      const { shape, catchall } = def as z.core.$ZodObjectDef;
      const out: Path[] = [];
      for (const [key, v] of Object.entries(value)) {
        const field = Object.hasOwn(shape, key) ? shape[key] : catchall;
        if (!field || field._zod.def.type === 'never') out.push([...path, key]);
        else out.push(...findUnknownFields(field, v, [...path, key]));
      }
      return out;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return findUnknownFields((def as z.core.$ZodOptionalDef).innerType, value, path);
    case 'pipe':
      return findUnknownFields((def as z.core.$ZodPipeDef).in, value, path);
    case 'lazy':
      return findUnknownFields((def as z.core.$ZodLazyDef).getter(), value, path);
    case 'array': {
      if (!Array.isArray(value)) return [];
      const element = (def as z.core.$ZodArrayDef).element;
      return value.flatMap((v, i) => findUnknownFields(element, v, [...path, i]));
    }
    case 'tuple': {
      if (!Array.isArray(value)) return [];
      const { items, rest } = def as z.core.$ZodTupleDef;
      return value.flatMap((v, i) => {
        const item = items[i] ?? rest;
        return item ? findUnknownFields(item, v, [...path, i]) : [];
      });
    }
    case 'record': {
      if (!isPlainObject(value)) return [];
      const valueType = (def as z.core.$ZodRecordDef).valueType;
      return Object.entries(value).flatMap(([k, v]) => findUnknownFields(valueType, v, [...path, k]));
    }
    case 'union': {
      // The option the value parses as decides; when none does, zod's own error says why.
      const options = (def as z.core.$ZodUnionDef).options;
      let best: Path[] | undefined;
      for (const option of options) {
        if (!parses(option, value)) continue;
        const found = findUnknownFields(option, value, path);
        if (!best || found.length < best.length) best = found;
        if (found.length === 0) break;
      }
      return best ?? [];
    }
    case 'intersection': {
      const { left, right } = def as z.core.$ZodIntersectionDef;
      const fromRight = new Set(findUnknownFields(right, value, path).map((p) => p.join('.')));
      return findUnknownFields(left, value, path).filter((p) => fromRight.has(p.join('.')));
    }
    default:
      return [];
  }
}

function parses(schema: Schema, value: unknown): boolean {
  const result = schema['~standard'].validate(value);
  return !(result instanceof Promise) && result.issues === undefined;
}
