import { DomainError, notFound } from '../errors.ts';
import { ownerOfProject } from '../repositories/projects.ts';
import { resultsInRange, type ExportRow } from '../repositories/results-export.ts';
import type { ServiceContext } from './context.ts';

/** The CSV export's columns, which are also what the history import reads. */
export const CSV_COLUMNS = ['checked_at', 'is_available', 'status_code', 'response_time', 'error_message'] as const;

/** RFC 4180: a field with a comma, a quote, a line break or edge spaces is quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(r: Pick<ExportRow, 'checked_at' | 'is_available' | 'status_code' | 'response_time' | 'error_message'>): string {
  return [
    r.checked_at.toISOString(),
    r.is_available ? 'true' : 'false',
    r.status_code === null ? '' : String(r.status_code),
    r.response_time === null ? '' : String(r.response_time),
    r.error_message === null ? '' : csvField(r.error_message),
  ].join(',') + '\r\n';
}

async function* csvChunks(rows: AsyncIterable<ExportRow[]>): AsyncGenerator<string> {
  yield CSV_COLUMNS.join(',') + '\r\n';
  for await (const batch of rows) {
    let chunk = '';
    for (const r of batch) chunk += csvLine(r);
    yield chunk;
  }
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
    chunks: csvChunks(resultsInRange(ctx.sql, projectId, from, to)),
  };
}
