import type { Db } from './db.ts';

export interface ProjectStorageRow {
  project_id: number;
  title: string;
  log_count: number;
  alert_count: number;
  oldest_log_at: Date | null;
}

/** Raw results and alerts per project (deleted projects included while they still hold data). */
export async function projectStorage(db: Db): Promise<ProjectStorageRow[]> {
  return db<ProjectStorageRow[]>`
    SELECT p.id AS project_id, p.title,
      coalesce(l.n, 0)::bigint AS log_count, coalesce(a.n, 0)::bigint AS alert_count, l.oldest AS oldest_log_at
    FROM projects p
    LEFT JOIN (SELECT project_id, count(*) AS n, min(checked_at) AS oldest FROM check_results GROUP BY project_id) l ON l.project_id = p.id
    LEFT JOIN (SELECT project_id, count(*) AS n FROM alerts WHERE project_id IS NOT NULL GROUP BY project_id) a ON a.project_id = p.id
    WHERE p.deleted_at IS NULL OR l.n > 0 OR a.n > 0
    ORDER BY p.id`;
}

export async function alertsWithoutProject(db: Db): Promise<number> {
  const [row] = await db<{ n: number }[]>`SELECT count(*)::bigint AS n FROM alerts WHERE project_id IS NULL`;
  return row?.n ?? 0;
}

/**
 * The database's own size of each table in bytes (data, indexes and TOAST), a partitioned table as
 * the sum of its partitions; and the whole database's.
 */
export async function tableSizes(db: Db): Promise<{ tables: { table: string; bytes: number; partitions: number }[]; database_bytes: number }> {
  const tables = await db<{ table: string; bytes: number; partitions: number }[]>`
    SELECT c.relname AS table,
      (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0) FROM pg_partition_tree(c.oid) t)::bigint AS bytes,
      (SELECT count(*) FROM pg_partition_tree(c.oid) t WHERE t.isleaf AND t.relid <> c.oid)::int AS partitions
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY bytes DESC, c.relname`;
  const [size] = await db<{ bytes: number }[]>`SELECT pg_database_size(current_database())::bigint AS bytes`;
  return { tables, database_bytes: size?.bytes ?? 0 };
}
