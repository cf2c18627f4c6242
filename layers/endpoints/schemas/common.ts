import { isIP } from 'node:net';
import * as z from 'zod';
import { errorCodes } from '../../errors.ts';

/** Ids are PostgreSQL integers: anything above this is refused before it reaches SQL (a 500 there). */
export const MAX_ID = 2_147_483_647;

/** An id in a path or query string. */
export const idText = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .pipe(z.number().max(MAX_ID, `must be at most ${MAX_ID}`));

/** An id in a JSON body or message. */
export const idNumber = z.number().int('must be an integer').positive('must be a positive integer').max(MAX_ID, `must be at most ${MAX_ID}`);

export const idParam = z.object({ id: idText });

/** Query booleans: true/false/1/0. */
export const queryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const pagination = {
  page: z.coerce.number().int('must be an integer').min(1).max(100_000).default(1),
  size: z.coerce.number().int('must be an integer').min(1).max(100).default(20),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), size: z.number().int(), pages: z.number().int() });

export const errorBodySchema = z.object({
  detail: z.string(),
  code: z.enum(errorCodes),
  errors: z.array(z.object({ field: z.string(), message: z.string() })),
});

export const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email('must be a valid email address'))
  .transform((e) => e.toLowerCase());

export const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((u) => {
    try {
      const p = new URL(u);
      return (p.protocol === 'http:' || p.protocol === 'https:') && p.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http or https URL');

export const ipAddress = z.string().trim().refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address');

export const hostName = z
  .string()
  .trim()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?)*\.?$/, 'must be a host name');

export const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).transform((s) => new Date(s));

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone such as Asia/Seoul')
  // Stored in canonical spelling: `asia/seoul` becomes `Asia/Seoul`.
  .transform((tz) => new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone);

/** Timestamps in responses (Date objects serialise to ISO strings). */
export const timestamp = z.string().describe('ISO 8601 date-time');

/** A stored shape as a response schema: its dates go out as ISO strings. */
export function asResponse<S extends z.ZodRawShape>(shape: z.ZodObject<S>) {
  const fields: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape.shape) as [string, z.ZodType][]) {
    fields[key] =
      field instanceof z.ZodDate ? timestamp : field instanceof z.ZodNullable && field.unwrap() instanceof z.ZodDate ? timestamp.nullable() : field;
  }
  return z.object(fields as { [K in keyof S]: S[K] extends z.ZodDate ? typeof timestamp : S[K] extends z.ZodNullable<z.ZodDate> ? z.ZodNullable<typeof timestamp> : S[K] });
}

/** The same fields without their defaults (a PATCH leaves an omitted field as it is). */
export function withoutDefaults<S extends Record<string, z.ZodType>>(fields: S) {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f instanceof z.ZodDefault ? f.unwrap() : f])) as {
    [K in keyof S]: S[K] extends z.ZodDefault<infer T> ? T : S[K];
  };
}
