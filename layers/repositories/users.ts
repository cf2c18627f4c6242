import type { Db } from './db.ts';
import type { Role } from '../model/user.ts';

export interface UserRow {
  id: number;
  email: string;
  password_hash: string;
  name: string;
  role: Role;
  profile_image: string | null;
  phone: string | null;
  theme: 'light' | 'dark' | 'system';
  language: 'ko' | 'en';
  timezone: string;
  email_notifications: boolean;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
  /** Bumped when the password changes; tokens carry it and older ones are refused. */
  token_version: number;
}

export type UserSettings = Pick<UserRow, 'theme' | 'language' | 'timezone' | 'email_notifications'>;

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db<UserRow[]>`SELECT * FROM users WHERE lower(email) = lower(${email})`;
  return row;
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  const [row] = await db<UserRow[]>`SELECT * FROM users WHERE id = ${id}`;
  return row;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM users`;
  return row?.n ?? 0;
}

/** Serialises registrations so that exactly one first account becomes admin. */
export async function lockUserRegistration(db: Db): Promise<void> {
  await db`SELECT pg_advisory_xact_lock(7345093)`;
}

export async function insertUser(
  db: Db,
  u: { email: string; password_hash: string; name: string; role: Role },
): Promise<UserRow> {
  const [row] = await db<UserRow[]>`
    INSERT INTO users (email, password_hash, name, role)
    VALUES (${u.email}, ${u.password_hash}, ${u.name}, ${u.role})
    RETURNING *`;
  return row!;
}

export async function touchLastLogin(db: Db, id: number, at: Date): Promise<void> {
  await db`UPDATE users SET last_login_at = ${at} WHERE id = ${id}`;
}

export async function updateUserProfile(
  db: Db,
  id: number,
  patch: { name?: string; profile_image?: string | null; phone?: string | null },
): Promise<UserRow | undefined> {
  const keys = (['name', 'profile_image', 'phone'] as const).filter((k) => patch[k] !== undefined);
  if (keys.length === 0) return findUserById(db, id);
  const [row] = await db<UserRow[]>`
    UPDATE users SET ${db(patch, keys)}, updated_at = now() WHERE id = ${id} RETURNING *`;
  return row;
}

export async function updateUserSettings(db: Db, id: number, s: UserSettings): Promise<UserRow | undefined> {
  const [row] = await db<UserRow[]>`
    UPDATE users SET theme = ${s.theme}, language = ${s.language}, timezone = ${s.timezone},
      email_notifications = ${s.email_notifications}, updated_at = now()
    WHERE id = ${id} RETURNING *`;
  return row;
}

/** Sets the password and revokes every token issued before; returns the row as it now is. */
export async function updatePasswordHash(db: Db, id: number, hash: string): Promise<UserRow | undefined> {
  const [row] = await db<UserRow[]>`
    UPDATE users SET password_hash = ${hash}, token_version = token_version + 1, updated_at = now()
    WHERE id = ${id} RETURNING *`;
  return row;
}

export async function updateUserRole(db: Db, id: number, role: Role): Promise<UserRow | undefined> {
  const [row] = await db<UserRow[]>`UPDATE users SET role = ${role}, updated_at = now() WHERE id = ${id} RETURNING *`;
  return row;
}

export async function listUsers(db: Db, limit: number, offset: number): Promise<{ rows: UserRow[]; total: number }> {
  const rows = await db<(UserRow & { total: number })[]>`
    SELECT *, count(*) OVER ()::int AS total FROM users ORDER BY id LIMIT ${limit} OFFSET ${offset}`;
  const total = rows[0]?.total ?? (await countUsers(db));
  return { rows, total };
}
