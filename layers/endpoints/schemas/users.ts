import * as z from 'zod';
import { roles } from '../../model/user.ts';
import { email, timeZone, timestamp } from './common.ts';

const password = z.string().min(8, 'must be at least 8 characters').max(128, 'must be at most 128 characters');
const name = z.string().trim().min(1, 'must not be empty').max(100);

export const registerBody = z.object({ email, password, name });

/** OAuth2 password flow (`username`) or JSON (`email`). */
export const loginBody = z
  .object({
    username: z.string().max(254).optional(),
    email: z.string().max(254).optional(),
    password: z.string().min(1, 'required').max(128),
    // The rest of an OAuth2 password-grant form (RFC 6749 4.3.2): accepted and not used.
    grant_type: z.literal('password').optional(),
    scope: z.string().max(1000).optional(),
    client_id: z.string().max(200).optional(),
    client_secret: z.string().max(200).optional(),
  })
  .transform((b, ctx) => {
    const id = (b.email ?? b.username ?? '').trim().toLowerCase();
    if (!id) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'email (or username) is required' });
      return z.NEVER;
    }
    return { email: id, password: b.password };
  });

export const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int().describe('seconds'),
});

export const userResponse = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.enum(roles),
  profile_image: z.string().nullable(),
  phone: z.string().nullable(),
  is_active: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
  last_login_at: timestamp.nullable(),
});

export const profilePatch = z
  .object({
    name: name.optional(),
    profile_image: z
      .string()
      .trim()
      .max(2048)
      .regex(/^(https?:\/\/|\/)[^\s]*$/i, 'must be an http(s) URL or a path')
      .nullable()
      .optional(),
    phone: z
      .string()
      .trim()
      .max(32)
      .regex(/^\+?[0-9 ()-]{3,32}$/, 'must be a phone number (digits, spaces, +, -, parentheses)')
      .nullable()
      .optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to update', path: ['body'] });

export const settingsBody = z.object({
  theme: z.enum(['light', 'dark', 'system']).default('light'),
  language: z.enum(['ko', 'en']).default('ko'),
  timezone: timeZone.default('Asia/Seoul'),
  email_notifications: z.boolean().default(true),
});

export const settingsResponse = z.object({
  theme: z.enum(['light', 'dark', 'system']),
  language: z.enum(['ko', 'en']),
  timezone: z.string(),
  email_notifications: z.boolean(),
});

export const passwordBody = z.object({ current_password: z.string().min(1, 'required').max(128), new_password: password });

export const roleBody = z.object({ role: z.enum(roles) });
