import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { DomainError } from '../errors.ts';
import * as users from '../repositories/users.ts';
import type { UserRow } from '../repositories/users.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { countedHits, countHit, forgetHits, hitRateLimit, rateLimited } from './rate-limit.ts';
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

// Sign-in failures are counted per address and per (account, address), never per account alone, so
// nobody can lock an owner out from elsewhere (OWASP, account lockout). Registrations count per address.
const loginKeys = (ip: string, email: string) => ({
  ip: `auth:ip:${ip}`,
  pair: `auth:fail:${email.toLowerCase()}:${ip}`,
  account: `auth:fail:${email.toLowerCase()}`,
});

/**
 * Refuses a sign-in before its password is hashed when its address failed too often, on any account
 * or on this one; or, once this account failed too often from all addresses together, when this
 * address is one of those that failed on it. An address without failures always gets through.
 */
async function refuseThrottledLogin(ctx: ServiceContext, ip: string, email: string): Promise<void> {
  const { AUTH_RATE_LIMIT_PER_IP: perIp, AUTH_RATE_LIMIT_PER_ACCOUNT: perAccount, AUTH_RATE_LIMIT_WINDOW_SECONDS: w } = ctx.config;
  const keys = loginKeys(ip, email);
  const [ipFailures, pairFailures, accountFailures] = await Promise.all([
    countedHits(ctx.cache, keys.ip),
    countedHits(ctx.cache, keys.pair),
    countedHits(ctx.cache, keys.account),
  ]);
  const blocking =
    ipFailures >= perIp ? keys.ip : pairFailures >= perAccount || (accountFailures >= perAccount && pairFailures > 0) ? keys.pair : undefined;
  if (!blocking) return;
  // Counting the refused attempt too gives the window's remaining seconds for Retry-After.
  throw rateLimited((await countHit(ctx.cache, blocking, w)).ttlSeconds);
}

async function countLoginFailure(ctx: ServiceContext, ip: string, email: string): Promise<void> {
  const w = ctx.config.AUTH_RATE_LIMIT_WINDOW_SECONDS;
  const keys = loginKeys(ip, email);
  await Promise.all([keys.ip, keys.pair, keys.account].map((k) => countHit(ctx.cache, k, w)));
}

export async function register(
  ctx: ServiceContext,
  input: { email: string; password: string; name: string },
  ip: string,
): Promise<PublicUser> {
  await hitRateLimit(ctx.cache, `auth:ip:${ip}`, ctx.config.AUTH_RATE_LIMIT_PER_IP, ctx.config.AUTH_RATE_LIMIT_WINDOW_SECONDS);
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
  await refuseThrottledLogin(ctx, ip, input.email);
  const user = await users.findUserByEmail(ctx.sql, input.email);
  dummyHash ??= hashPassword('not-a-password', ctx.config.PASSWORD_SCRYPT_LOG_N);
  const ok = await verifyPassword(input.password, user?.password_hash ?? (await dummyHash));
  if (!user || !ok || !user.is_active) {
    await countLoginFailure(ctx, ip, input.email);
    throw unauthorized('incorrect email or password');
  }
  await forgetHits(ctx.cache, loginKeys(ip, input.email).pair);
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
      // A token without an expiry would work for ever: every token this API issues has one.
      requiredClaims: ['exp'],
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

type SessionUser = Actor & { is_active: boolean; token_version: number };

/** The user as sessions see it (role, active flag, token version), read fresh and cached briefly. */
async function sessionUser(ctx: ServiceContext, userId: number): Promise<SessionUser | undefined> {
  const cached = await ctx.cache.get<SessionUser>(userCacheKey(userId));
  if (cached && cached.token_version !== undefined && cached.language !== undefined) return cached;
  const row = await users.findUserById(ctx.sql, userId);
  if (!row) return undefined;
  const user = { id: row.id, email: row.email, name: row.name, role: row.role, language: row.language, is_active: row.is_active, token_version: row.token_version };
  await ctx.cache.set(userCacheKey(row.id), user, USER_CACHE_TTL);
  return user;
}

/** Why a session of `userId` at `version` no longer holds (deleted, disabled, password changed), if it does not. */
export async function sessionEndReason(ctx: ServiceContext, userId: number, version: number): Promise<string | undefined> {
  const user = await sessionUser(ctx, userId);
  if (!user) return 'account deleted';
  if (!user.is_active) return 'account disabled';
  if (version !== user.token_version) return 'token revoked: the password was changed, sign in again';
  return undefined;
}

/** Resolves a bearer token to the current user (role and active flag read fresh, cached briefly). */
export async function authenticate(ctx: ServiceContext, token: string): Promise<Actor> {
  return (await authenticateSession(ctx, token)).actor;
}

/** `authenticate`, also giving the session's token version (WebSocket connections keep it). */
export async function authenticateSession(ctx: ServiceContext, token: string): Promise<{ actor: Actor; version: number }> {
  const claims = await verifyToken(ctx, token);
  const user = await sessionUser(ctx, claims.userId);
  if (!user) throw unauthorized();
  if (!user.is_active) throw unauthorized('account disabled');
  if (claims.version !== user.token_version) throw unauthorized('token revoked: the password was changed, sign in again');
  return { actor: { id: user.id, email: user.email, name: user.name, role: user.role, language: user.language ?? 'ko' }, version: claims.version };
}

export async function forgetCachedUser(ctx: ServiceContext, id: number): Promise<void> {
  await ctx.cache.del(userCacheKey(id));
}
