import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { DomainError } from '../errors.ts';
import * as users from '../repositories/users.ts';
import type { UserRow } from '../repositories/users.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { hitRateLimit } from './rate-limit.ts';
import { roles, type Role } from '../model/user.ts';
import type { Actor, ServiceContext } from './context.ts';

const USER_CACHE_TTL = 60;
const userCacheKey = (id: number) => `user:${id}`;

/** The public view of a user: never the password hash. */
export function publicUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    profile_image: u.profile_image,
    phone: u.phone,
    is_active: u.is_active,
    created_at: u.created_at,
    updated_at: u.updated_at,
    last_login_at: u.last_login_at,
  };
}
export type PublicUser = ReturnType<typeof publicUser>;

const unauthorized = (message = 'could not validate credentials') => new DomainError('UNAUTHORIZED', message);

async function limitAuthAttempt(ctx: ServiceContext, ip: string, email?: string): Promise<void> {
  const { AUTH_RATE_LIMIT_PER_IP, AUTH_RATE_LIMIT_PER_ACCOUNT, AUTH_RATE_LIMIT_WINDOW_SECONDS: w } = ctx.config;
  await hitRateLimit(ctx.cache, `auth:ip:${ip}`, AUTH_RATE_LIMIT_PER_IP, w);
  if (email) await hitRateLimit(ctx.cache, `auth:acct:${email.toLowerCase()}`, AUTH_RATE_LIMIT_PER_ACCOUNT, w);
}

export async function register(
  ctx: ServiceContext,
  input: { email: string; password: string; name: string },
  ip: string,
): Promise<PublicUser> {
  await limitAuthAttempt(ctx, ip);
  const hash = await hashPassword(input.password, ctx.config.PASSWORD_SCRYPT_LOG_N);
  const row = await ctx.sql.begin(async (tx) => {
    await users.lockUserRegistration(tx);
    const count = await users.countUsers(tx);
    // The first account of an installation is its administrator, even when self-registration is closed.
    if (count > 0 && !ctx.config.ALLOW_REGISTRATION) {
      throw new DomainError('FORBIDDEN', 'self-registration is closed on this installation');
    }
    if (await users.findUserByEmail(tx, input.email)) {
      throw new DomainError('CONFLICT', 'email already registered', {
        errors: [{ field: 'email', message: 'already registered' }],
      });
    }
    return users.insertUser(tx, {
      email: input.email,
      password_hash: hash,
      name: input.name,
      role: count === 0 ? 'admin' : 'user',
    });
  });
  return publicUser(row);
}

// Verified against when the email is unknown, so both failures cost the same time.
let dummyHash: Promise<string> | undefined;

export async function login(
  ctx: ServiceContext,
  input: { email: string; password: string },
  ip: string,
): Promise<TokenGrant> {
  await limitAuthAttempt(ctx, ip, input.email);
  const user = await users.findUserByEmail(ctx.sql, input.email);
  dummyHash ??= hashPassword('not-a-password', ctx.config.PASSWORD_SCRYPT_LOG_N);
  const ok = await verifyPassword(input.password, user?.password_hash ?? (await dummyHash));
  if (!user || !ok || !user.is_active) throw unauthorized('incorrect email or password');
  await users.touchLastLogin(ctx.sql, user.id, ctx.clock.now());
  return grantToken(ctx, user);
}

export interface TokenGrant {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

/** The answer that hands a user a token of the configured lifetime (sign-in, password change). */
export async function grantToken(ctx: Pick<ServiceContext, 'jwtSecret' | 'clock' | 'config'>, user: UserRow): Promise<TokenGrant> {
  const expiresIn = ctx.config.ACCESS_TOKEN_EXPIRE_MINUTES * 60;
  return { access_token: await issueToken(ctx, user, expiresIn), token_type: 'bearer', expires_in: expiresIn };
}

export async function issueToken(
  ctx: Pick<ServiceContext, 'jwtSecret' | 'clock'>,
  user: Pick<UserRow, 'id' | 'email' | 'role'> & Partial<Pick<UserRow, 'token_version'>>,
  expiresIn: number,
): Promise<string> {
  const now = Math.floor(ctx.clock.now().getTime() / 1000);
  return new SignJWT({ role: user.role, email: user.email, ver: user.token_version ?? 0 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(user.id))
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .setIssuer('py-monitor')
    .sign(ctx.jwtSecret);
}

type TokenClaims = { userId: number; role: Role; email: string; version: number };

// A WebCrypto HMAC verification costs more than the rest of a request (~70 µs), so a token already
// verified with this key is looked up by its exact text; only its expiry is checked again.
const VERIFIED_MAX = 10_000;
const verifiedTokens = new WeakMap<Uint8Array, Map<string, TokenClaims & { exp: number }>>();

/** Verifies a token's signature and expiry only; returns its claims (for functions without a database). */
export async function verifyToken(ctx: Pick<ServiceContext, 'jwtSecret' | 'clock'>, token: string): Promise<TokenClaims> {
  let seen = verifiedTokens.get(ctx.jwtSecret);
  if (!seen) verifiedTokens.set(ctx.jwtSecret, (seen = new Map()));
  const now = ctx.clock.now();
  const hit = seen.get(token);
  if (hit) {
    if (hit.exp > now.getTime() / 1000) return { userId: hit.userId, role: hit.role, email: hit.email, version: hit.version };
    seen.delete(token);
    throw unauthorized('token expired');
  }
  try {
    const { payload } = await jwtVerify(token, ctx.jwtSecret, {
      issuer: 'py-monitor',
      algorithms: ['HS256'],
      currentDate: now,
    });
    const userId = Number(payload.sub);
    const role = payload['role'];
    if (!Number.isInteger(userId) || typeof role !== 'string' || !roles.includes(role as Role)) throw unauthorized();
    const ver = payload['ver'];
    const claims: TokenClaims = {
      userId,
      role: role as Role,
      email: String(payload['email'] ?? ''),
      version: typeof ver === 'number' && Number.isInteger(ver) ? ver : 0,
    };
    if (typeof payload.exp === 'number') {
      if (seen.size >= VERIFIED_MAX) seen.delete(seen.keys().next().value!);
      seen.set(token, { ...claims, exp: payload.exp });
    }
    return claims;
  } catch (err) {
    if (err instanceof DomainError) throw err;
    if (err instanceof joseErrors.JWTExpired) throw unauthorized('token expired');
    throw unauthorized();
  }
}

/** Resolves a bearer token to the current user (role and active flag read fresh, cached briefly). */
export async function authenticate(ctx: ServiceContext, token: string): Promise<Actor> {
  const claims = await verifyToken(ctx, token);
  let actor = await ctx.cache.get<Actor & { is_active: boolean; token_version: number }>(userCacheKey(claims.userId));
  if (!actor || actor.token_version === undefined) {
    const row = await users.findUserById(ctx.sql, claims.userId);
    if (!row) throw unauthorized();
    actor = { id: row.id, email: row.email, name: row.name, role: row.role, is_active: row.is_active, token_version: row.token_version };
    await ctx.cache.set(userCacheKey(row.id), actor, USER_CACHE_TTL);
  }
  if (!actor.is_active) throw unauthorized('account disabled');
  if (claims.version !== actor.token_version) throw unauthorized('token revoked: the password was changed, sign in again');
  return { id: actor.id, email: actor.email, name: actor.name, role: actor.role };
}

export async function forgetCachedUser(ctx: ServiceContext, id: number): Promise<void> {
  await ctx.cache.del(userCacheKey(id));
}
