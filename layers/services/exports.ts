import { DomainError, notFound } from '../errors.ts';
import { ownerOfProject } from '../repositories/projects.ts';
import { csvLinesInRange } from '../repositories/results-export.ts';
import type { ServiceContext } from './context.ts';

/** The CSV export's columns, which are also what the history import reads (in_maintenance optional there). */
export const CSV_COLUMNS = ['checked_at', 'is_available', 'status_code', 'response_time', 'error_message', 'in_maintenance'] as const;

async function* csvChunks(lines: AsyncIterable<Uint8Array>): AsyncGenerator<string | Uint8Array> {
  yield CSV_COLUMNS.join(',') + '\r\n';
  yield* lines;
}

/**
 * GET /projects/{id}/logs/export.csv: the project's check results in [from, to) (from: the first one,
 * to: now) as CSV, produced batch by batch while it is sent.
 */
export async function exportResultsCsv(ctx: ServiceContext, projectId: number, q: { from?: Date | undefined; to?: Date | undefined }) {
  if ((await ownerOfProject(ctx.sql, projectId)) === undefined) throw notFound('project');
  const to = q.to ?? ctx.clock.now();
  const from = q.from ?? new Date(0);
  if (from > to) throw new DomainError('VALIDATION', 'from: must not be after to', { errors: [{ field: 'from', message: 'must not be after to' }] });
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return {
    filename: `project-${projectId}-results-${q.from ? day(from) : 'start'}-${day(to)}.csv`,
    chunks: csvChunks(csvLinesInRange(ctx.sql, projectId, from, to)),
  };
}
