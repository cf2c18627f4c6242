import { DomainError, notFound } from '../errors.ts';
import * as users from '../repositories/users.ts';
import type { UserSettings } from '../repositories/users.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { hitRateLimit } from './rate-limit.ts';
import { closeSessions } from './realtime.ts';
import { forgetCachedUser, grantToken, publicUser, type PublicUser, type TokenGrant } from './auth.ts';
import type { Role } from '../model/user.ts';
import type { Actor, ServiceContext } from './context.ts';

export async function getMe(ctx: ServiceContext, actor: Actor): Promise<PublicUser> {
  const row = await users.findUserById(ctx.sql, actor.id);
  if (!row) throw notFound('user');
  return publicUser(row);
}

export async function updateMe(
  ctx: ServiceContext,
  actor: Actor,
  patch: { name?: string; profile_image?: string | null; phone?: string | null },
): Promise<PublicUser> {
  const row = await users.updateUserProfile(ctx.sql, actor.id, patch);
  if (!row) throw notFound('user');
  await forgetCachedUser(ctx, actor.id);
  return publicUser(row);
}

const settingsOf = (u: users.UserRow): UserSettings => ({
  theme: u.theme,
  language: u.language,
  timezone: u.timezone,
  email_notifications: u.email_notifications,
});

export async function getSettings(ctx: ServiceContext, actor: Actor): Promise<UserSettings> {
  const row = await users.findUserById(ctx.sql, actor.id);
  if (!row) throw notFound('user');
  return settingsOf(row);
}

/** PUT semantics: omitted settings return to their defaults. */
export async function putSettings(ctx: ServiceContext, actor: Actor, s: UserSettings): Promise<UserSettings> {
  const row = await users.updateUserSettings(ctx.sql, actor.id, s);
  if (!row) throw notFound('user');
  await forgetCachedUser(ctx, actor.id); // the session's language follows the new setting
  return settingsOf(row);
}

/**
 * Changes the password and ends every other session: tokens issued before stop working. The caller
 * gets a fresh token so the session that made the change goes on.
 */
export async function changePassword(
  ctx: ServiceContext,
  actor: Actor,
  input: { current_password: string; new_password: string },
): Promise<TokenGrant> {
  // Each attempt costs a scrypt hash (32 MiB by default), and a stolen token must not buy guesses.
  const { AUTH_RATE_LIMIT_PER_ACCOUNT, AUTH_RATE_LIMIT_WINDOW_SECONDS } = ctx.config;
  await hitRateLimit(ctx.cache, `password-change:${actor.id}`, AUTH_RATE_LIMIT_PER_ACCOUNT, AUTH_RATE_LIMIT_WINDOW_SECONDS);
  const row = await users.findUserById(ctx.sql, actor.id);
  if (!row) throw notFound('user');
  if (!(await verifyPassword(input.current_password, row.password_hash))) {
    throw new DomainError('VALIDATION', 'current password is incorrect', {
      errors: [{ field: 'current_password', message: 'incorrect password' }],
    });
  }
  const updated = await users.updatePasswordHash(ctx.sql, actor.id, await hashPassword(input.new_password, ctx.config.PASSWORD_SCRYPT_LOG_N));
  if (!updated) throw notFound('user');
  await forgetCachedUser(ctx, actor.id);
  await closeSessions(ctx, actor.id, updated.token_version);
  return grantToken(ctx, updated);
}

export async function listAllUsers(ctx: ServiceContext, page: number, size: number) {
  const { rows, total } = await users.listUsers(ctx.sql, size, (page - 1) * size);
  return { items: rows.map(publicUser), total, page, size, pages: Math.ceil(total / size) };
}

export async function changeRole(ctx: ServiceContext, actor: Actor, userId: number, role: Role): Promise<PublicUser> {
  if (userId === actor.id) throw new DomainError('FORBIDDEN', 'you cannot change your own role');
  const row = await users.updateUserRole(ctx.sql, userId, role);
  if (!row) throw notFound('user');
  await forgetCachedUser(ctx, userId);
  return publicUser(row);
}
