import * as z from 'zod';
import { DomainError } from '../../errors.ts';
import { importKuma } from '../../services/kuma-import.ts';
import { validateMonitorsDocument } from '../monitors-file.ts';
import { MAX_KUMA_UPLOAD_BYTES, bodyTooLarge, type HttpEvent } from '../http.ts';
import { route } from '../router.ts';
import { queryBool } from '../schemas/common.ts';

// Moving over from Uptime Kuma through the API (issue 15), for admins: the kuma.db file itself as
// the body. Up to 100 MiB on the local server; a larger database goes through `py-monitor
// import-kuma`. On AWS the API function has no SQLite reader (and Lambda takes 6 MB requests): the
// CLI with DATABASE_URL pointing at the cluster does it.

const CONTENT_TYPE = 'application/octet-stream';

/** The uploaded file's bytes: sent as a file, not empty, within the limit. */
function uploadedFile(event: HttpEvent): Buffer {
  const type = (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== CONTENT_TYPE) throw new DomainError('VALIDATION', `body: must be sent as ${CONTENT_TYPE}`, { errors: [{ field: 'body', message: `must be sent as ${CONTENT_TYPE}` }] });
  const bytes = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  if (bytes.length === 0) throw new DomainError('VALIDATION', 'body: must not be empty', { errors: [{ field: 'body', message: 'must not be empty' }] });
  if (bytes.length > MAX_KUMA_UPLOAD_BYTES) throw bodyTooLarge(MAX_KUMA_UPLOAD_BYTES);
  return bytes;
}

const importQuery = z.object({
  dry_run: queryBool.default(false).describe('plan only: nothing is written, heartbeats are counted'),
  history: queryBool.default(true).describe('import the heartbeats as check history'),
});

const history = z.object({
  heartbeats: z.number().int(),
  imported: z.number().int(),
  skipped: z.number().int(),
  incidents: z.number().int(),
  pending: z.number().int().describe("Kuma's pending beats (failed checks within its retries), imported as failed checks"),
  maintenance: z.number().int().describe('maintenance beats, not imported (Kuma checked nothing then)'),
  first_at: z.string().nullable(),
  last_at: z.string().nullable(),
  kuma_uptime_percent: z.number().nullable().describe("Kuma's own figure for these beats (it counts beats; our reports count time)"),
});

const importResponse = z.object({
  kuma_version: z.enum(['1.x', '2.x']),
  applied: z.boolean(),
  plan: z.object({
    applied: z.boolean(),
    changes: z.array(z.object({ kind: z.string(), action: z.string(), name: z.string(), project: z.string().optional(), fields: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })) })),
    summary: z.object({ create: z.number().int(), update: z.number().int(), delete: z.number().int() }),
  }),
  monitors: z.array(
    z.object({
      kuma_id: z.number().int(),
      name: z.string(),
      type: z.string(),
      status: z.enum(['imported', 'skipped']),
      key: z.string().nullable(),
      project_id: z.number().int().nullable(),
      reason: z.string().nullable(),
      warnings: z.array(z.string()),
      history: history.nullable(),
    }),
  ),
  notifications: z.array(
    z.object({
      kuma_id: z.number().int(),
      name: z.string(),
      provider: z.string(),
      status: z.enum(['imported', 'skipped']),
      channels: z.array(z.string()),
      reason: z.string().nullable(),
      warnings: z.array(z.string()),
    }),
  ),
  unmapped: z.object({
    monitor_types: z.array(z.object({ type: z.string(), monitors: z.array(z.number().int()) })),
    providers: z.array(z.object({ provider: z.string(), notifications: z.array(z.number().int()) })),
  }),
  history: z.object({ heartbeats: z.number().int(), imported: z.number().int(), skipped: z.number().int(), incidents: z.number().int() }),
});

export const adminImportRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/admin/import/kuma',
    summary: 'Import an Uptime Kuma database (monitors, notifications, heartbeats); running it again creates nothing twice',
    tag: 'admin',
    access: 'admin',
    query: importQuery,
    // Uptime Kuma's kuma.db (SQLite, 1.x or 2.x), at most 100 MiB.
    rawBody: { maxBytes: MAX_KUMA_UPLOAD_BYTES, types: [CONTENT_TYPE] },
    response: importResponse,
    handler: async ({ ctx, actor, query, event }) => {
      const file = uploadedFile(event);
      if (!ctx.sqlite) throw new DomainError('UNAVAILABLE', 'this installation cannot read SQLite files here: run `py-monitor import-kuma <kuma.db>` with DATABASE_URL set to its database');
      const db = ctx.sqlite.open(file);
      try {
        return await importKuma(ctx, actor, db, { validate: validateMonitorsDocument, dryRun: query.dry_run, history: query.history });
      } finally {
        db.close();
      }
    },
  }),
];
