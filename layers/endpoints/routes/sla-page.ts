import { slaPage, slaPdf } from '../../services/sla-page.ts';
import { Reply } from '../http.ts';
import { route } from '../router.ts';
import { idParam } from '../schemas/common.ts';
import { slaQuery } from '../schemas/reports.ts';

/** The page asks for nothing from anywhere: its own CSP says so to the browser that opens it. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

export const slaPageRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/reports/sla.html',
    summary: 'The SLA report as one self-contained printable page (inline SVG charts, print CSS) in the reader\'s language and time zone',
    tag: 'reports',
    access: 'viewer',
    params: idParam,
    query: slaQuery,
    produces: 'text/html',
    handler: async ({ ctx, actor, params, query }) => {
      const page = await slaPage(ctx, actor, params.id, query);
      return new Reply(200, page.html, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': PAGE_CSP,
        'content-disposition': `inline; filename="${page.filename}.html"`,
        'cache-control': 'no-store',
      });
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/reports/sla.pdf',
    summary: 'The SLA report page printed to PDF by Chromium',
    tag: 'reports',
    access: 'viewer',
    params: idParam,
    query: slaQuery,
    produces: 'application/pdf',
    handler: async ({ ctx, actor, params, query }) => {
      const doc = await slaPdf(ctx, actor, params.id, query);
      return new Reply(200, doc.pdf, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="${doc.filename}.pdf"`,
        'cache-control': 'no-store',
      });
    },
  }),
];
