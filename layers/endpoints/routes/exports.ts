import * as z from 'zod';
import { exportResultsCsv } from '../../services/exports.ts';
import { StreamReply } from '../http.ts';
import { route } from '../router.ts';
import { idParam, isoDateTime } from '../schemas/common.ts';

export const exportRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/logs/export.csv',
    summary: 'Check results as CSV (checked_at,is_available,status_code,response_time,error_message; the import columns), streamed; from defaults to the first result, to to now',
    tag: 'reports',
    access: 'viewer',
    params: idParam,
    query: z.object({ from: isoDateTime.optional(), to: isoDateTime.optional() }),
    produces: 'text/csv',
    handler: async ({ ctx, params, query }) => {
      const csv = await exportResultsCsv(ctx, params.id, query);
      return new StreamReply(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${csv.filename}"`,
        'cache-control': 'no-store',
      }, csv.chunks);
    },
  }),
];
