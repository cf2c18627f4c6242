import type { JobKind, JobStatus } from '../model/job.ts';
import type { Db } from './db.ts';

export interface JobRow {
  id: string;
  user_id: number;
  project_id: number | null;
  kind: JobKind;
  status: JobStatus;
  result: unknown;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  deadline_at: Date;
}

export async function insertJob(
  db: Db,
  j: { id: string; user_id: number; project_id: number | null; kind: JobKind; created_at: Date; deadline_at: Date },
): Promise<JobRow> {
  const [row] = await db<JobRow[]>`
    INSERT INTO jobs (id, user_id, project_id, kind, created_at, deadline_at)
    VALUES (${j.id}, ${j.user_id}, ${j.project_id}, ${j.kind}, ${j.created_at}, ${j.deadline_at})
    RETURNING *`;
  return row!;
}

export async function findJob(db: Db, id: string): Promise<JobRow | undefined> {
  const [row] = await db<JobRow[]>`SELECT * FROM jobs WHERE id = ${id}`;
  return row;
}

/** A worker took the job; a job already finished (its result came first) stays as it is. */
export async function markJobRunning(db: Db, id: string, at: Date): Promise<void> {
  await db`UPDATE jobs SET status = 'running', started_at = ${at} WHERE id = ${id} AND status = 'pending'`;
}

/** Finishes a job once: the first result (or failure) wins, later ones change nothing. */
export async function finishJob(
  db: Db,
  id: string,
  outcome: { status: 'done'; result: unknown } | { status: 'failed'; error: string },
  at: Date,
): Promise<boolean> {
  const result = outcome.status === 'done' ? db.json(outcome.result as never) : null;
  const error = outcome.status === 'failed' ? outcome.error : null;
  const rows = await db`
    UPDATE jobs SET status = ${outcome.status}, result = ${result}, error = ${error}, finished_at = ${at},
      started_at = coalesce(started_at, ${at})
    WHERE id = ${id} AND status IN ('pending', 'running')
    RETURNING id`;
  return rows.length > 0;
}

/** A job past its deadline without a result has failed: its worker gave up or its message was dead-lettered. */
export async function failOverdueJob(db: Db, id: string, now: Date): Promise<void> {
  await db`
    UPDATE jobs SET status = 'failed', error = 'no result before the deadline', finished_at = ${now}
    WHERE id = ${id} AND status IN ('pending', 'running') AND deadline_at < ${now}`;
}

export async function deleteJobsBefore(db: Db, cutoff: Date): Promise<number> {
  const rows = await db`DELETE FROM jobs WHERE created_at < ${cutoff} RETURNING id`;
  return rows.length;
}

/** Unfinished browser jobs (asked for through the API, not past their deadline): in all, and of one user. */
export async function countOpenBrowserJobs(db: Db, userId: number, now: Date): Promise<{ all: number; mine: number }> {
  const [row] = await db<{ all: number; mine: number }[]>`
    SELECT count(*)::int AS all, count(*) FILTER (WHERE user_id = ${userId})::int AS mine
    FROM jobs
    WHERE kind IN ('browser_check', 'screenshot', 'journey') AND status IN ('pending', 'running') AND deadline_at > ${now}`;
  return row ?? { all: 0, mine: 0 };
}
