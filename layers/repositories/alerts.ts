import type { Db } from './db.ts';

export type Severity = 'info' | 'warning' | 'critical';

export interface AlertRow {
  id: number;
  user_id: number | null;
  project_id: number | null;
  incident_id: number | null;
  type: string;
  severity: Severity;
  title: string;
  message: string;
  data: Record<string, unknown>;
  is_read: boolean;
  read_at: Date | null;
  is_resolved: boolean;
  resolved_at: Date | null;
  created_at: Date;
}

export interface NewAlert {
  user_id: number | null;
  project_id: number | null;
  incident_id?: number | null;
  type: string;
  severity: Severity;
  title: string;
  message: string;
  data?: Record<string, unknown>;
  is_resolved?: boolean;
}

export async function insertAlert(db: Db, a: NewAlert): Promise<AlertRow> {
  const [row] = await db<AlertRow[]>`
    INSERT INTO alerts (user_id, project_id, incident_id, type, severity, title, message, data, is_resolved, resolved_at)
    VALUES (${a.user_id}, ${a.project_id}, ${a.incident_id ?? null}, ${a.type}, ${a.severity}, ${a.title}, ${a.message},
      ${db.json((a.data ?? {}) as never)}, ${a.is_resolved ?? false}, ${a.is_resolved ? new Date() : null})
    RETURNING *`;
  return row!;
}

/** The language and time zone of each active user (and the owner), the distinct pairs: one text per pair. */
export async function recipientLocales(db: Db, ownerId: number): Promise<{ language: 'ko' | 'en'; timezone: string }[]> {
  return db<{ language: 'ko' | 'en'; timezone: string }[]>`
    SELECT DISTINCT language, timezone FROM users WHERE is_active OR id = ${ownerId} ORDER BY language, timezone`;
}

/** The language and time zone of the user with this email, if one has it. */
export async function localeOfEmail(db: Db, email: string): Promise<{ language: 'ko' | 'en'; timezone: string } | undefined> {
  const [row] = await db<{ language: 'ko' | 'en'; timezone: string }[]>`
    SELECT language, timezone FROM users WHERE lower(email) = lower(${email}) ORDER BY is_active DESC, id LIMIT 1`;
  return row;
}

/**
 * One alert row per active user (everyone can see every project, and each keeps their own read
 * state), each written in that user's language and time zone (`texts`, one per pair of
 * `recipientLocales`); returns the row of `ownerId`.
 */
export async function insertAlertForAllUsers(
  db: Db,
  a: Omit<NewAlert, 'user_id' | 'title' | 'message'>,
  texts: { language: string; timezone: string; title: string; message: string }[],
  ownerId: number,
): Promise<AlertRow> {
  const rows: AlertRow[] = [];
  for (const text of texts) {
    rows.push(...(await db<AlertRow[]>`
      INSERT INTO alerts (user_id, project_id, incident_id, type, severity, title, message, data, is_resolved, resolved_at)
      SELECT u.id, ${a.project_id}, ${a.incident_id ?? null}, ${a.type}, ${a.severity}, ${text.title}, ${text.message},
        ${db.json((a.data ?? {}) as never)}, ${a.is_resolved ?? false}, ${a.is_resolved ? new Date() : null}
      FROM users u WHERE (u.is_active OR u.id = ${ownerId}) AND u.language = ${text.language} AND u.timezone = ${text.timezone}
      RETURNING *`));
  }
  const owner = rows.find((r) => r.user_id === ownerId) ?? rows[0];
  if (!owner) throw new Error(`no alert row written for the owner ${ownerId}`);
  return owner;
}

/** Marks the open alerts of an incident resolved (when the recovery arrives). */
export async function resolveIncidentAlerts(db: Db, incidentId: number, at: Date): Promise<void> {
  await db`UPDATE alerts SET is_resolved = true, resolved_at = ${at} WHERE incident_id = ${incidentId} AND NOT is_resolved`;
}

export interface AlertFilter {
  user_id: number;
  unread?: boolean | undefined;
  project_id?: number | undefined;
  type?: string | undefined;
  severity?: Severity | undefined;
  resolved?: boolean | undefined;
}

/** The alerts a user sees: their own, of no project or of a project not deleted. */
const visibleTo = (db: Db, userId: number) => db`
    a.user_id = ${userId}
    AND (a.project_id IS NULL OR EXISTS (SELECT 1 FROM projects p WHERE p.id = a.project_id AND p.is_active))`;

/** The unread alerts a user sees: the alert list's `unread` total, the dashboard's and the mobile summary's count. */
export async function unreadAlertCount(db: Db, userId: number): Promise<number> {
  const [c] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM alerts a WHERE ${visibleTo(db, userId)} AND NOT a.is_read`;
  return c?.n ?? 0;
}

export async function listAlerts(db: Db, f: AlertFilter, limit: number, offset: number): Promise<{ rows: AlertRow[]; total: number }> {
  const where = db`
    WHERE ${visibleTo(db, f.user_id)}
    ${f.unread ? db`AND NOT a.is_read` : db``}
    ${f.project_id !== undefined ? db`AND a.project_id = ${f.project_id}` : db``}
    ${f.type !== undefined ? db`AND a.type = ${f.type}` : db``}
    ${f.severity !== undefined ? db`AND a.severity = ${f.severity}` : db``}
    ${f.resolved !== undefined ? db`AND a.is_resolved = ${f.resolved}` : db``}`;
  const rows = await db<AlertRow[]>`SELECT a.* FROM alerts a ${where} ORDER BY a.created_at DESC, a.id DESC LIMIT ${limit} OFFSET ${offset}`;
  const [c] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM alerts a ${where}`;
  return { rows, total: c?.n ?? 0 };
}

export async function findAlert(db: Db, id: number, userId: number): Promise<AlertRow | undefined> {
  const [row] = await db<AlertRow[]>`SELECT * FROM alerts WHERE id = ${id} AND user_id = ${userId}`;
  return row;
}

export async function updateAlert(db: Db, id: number, userId: number, patch: { is_read?: boolean | undefined; is_resolved?: boolean | undefined }): Promise<AlertRow | undefined> {
  const [row] = await db<AlertRow[]>`
    UPDATE alerts SET
      is_read = coalesce(${patch.is_read ?? null}::boolean, is_read),
      read_at = CASE WHEN ${patch.is_read ?? null}::boolean IS TRUE AND NOT is_read THEN now()
                     WHEN ${patch.is_read ?? null}::boolean IS FALSE THEN NULL ELSE read_at END,
      is_resolved = coalesce(${patch.is_resolved ?? null}::boolean, is_resolved),
      resolved_at = CASE WHEN ${patch.is_resolved ?? null}::boolean IS TRUE AND NOT is_resolved THEN now()
                         WHEN ${patch.is_resolved ?? null}::boolean IS FALSE THEN NULL ELSE resolved_at END
    WHERE id = ${id} AND user_id = ${userId} RETURNING *`;
  return row;
}

export async function deleteAlert(db: Db, id: number, userId: number): Promise<boolean> {
  const rows = await db`DELETE FROM alerts WHERE id = ${id} AND user_id = ${userId} RETURNING id`;
  return rows.length > 0;
}

export async function markAllRead(db: Db, userId: number): Promise<number> {
  const rows = await db`UPDATE alerts SET is_read = true, read_at = now() WHERE user_id = ${userId} AND NOT is_read RETURNING id`;
  return rows.length;
}

/** Deletes alerts older than the cutoff: resolved ones only, or all. */
export async function purgeAlerts(db: Db, before: Date, resolvedOnly: boolean): Promise<number> {
  const rows = await db`DELETE FROM alerts WHERE created_at < ${before} ${resolvedOnly ? db`AND is_resolved` : db``} RETURNING id`;
  return rows.length;
}
