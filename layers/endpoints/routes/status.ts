import * as badges from '../../services/badges.ts';
import type { BadgeKind } from '../../services/badges.ts';
import * as mobile from '../../services/mobile.ts';
import * as status from '../../services/status.ts';
import { cachedReply } from '../cached-reply.ts';
import { DomainError } from '../../errors.ts';
import { errorResponse, Reply, type HttpEvent } from '../http.ts';
import { route } from '../router.ts';
import { idParam } from '../schemas/common.ts';
import {
  badgeQuery,
  mobileAlertsResponse,
  mobileDashboardResponse,
  mobileProjectsResponse,
  mobileQuery,
  statusDetailResponse,
  statusListResponse,
  uptimeBadgeQuery,
} from '../schemas/status.ts';

// The public status page (spec 9), the badges (spec 10) and the mobile API (spec 12).

async function badgeReply(ctx: Parameters<typeof badges.badge>[0], event: HttpEvent, id: number, kind: BadgeKind, opts: Parameters<typeof badges.badge>[3]) {
  const b = await badges.badge(ctx, id, kind, opts);
  return cachedReply(event, b, { maxAge: b.maxAge, contentType: b.contentType, status: b.status });
}

const badgeRoute = (kind: Exclude<BadgeKind, 'uptime'>, summary: string) =>
  route({
    method: 'GET',
    path: `/api/v1/badge/{id}/${kind}`,
    summary,
    tag: 'badges',
    access: 'public',
    params: idParam,
    query: badgeQuery,
    produces: 'image/svg+xml',
    handler: ({ ctx, event, params, query }) => badgeReply(ctx, event, params.id, kind, { ...query, period: '30d' }),
  });

export const statusRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/status',
    summary: 'Public status of every public project (no sign-in; cached 60 s, ETag)',
    tag: 'status',
    access: 'public',
    response: statusListResponse,
    handler: async ({ ctx, event }) => cachedReply(event, await status.statusList(ctx), { maxAge: status.STATUS_LIST_MAX_AGE }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/status/{id}',
    summary: 'One public project: figures, 90-day history, incidents with their updates (no sign-in; cached 120 s, ETag)',
    tag: 'status',
    access: 'public',
    params: idParam,
    response: statusDetailResponse,
    handler: async ({ ctx, event, params }) => {
      try {
        return cachedReply(event, await status.statusDetail(ctx, params.id), { maxAge: status.STATUS_DETAIL_MAX_AGE });
      } catch (err) {
        if (!(err instanceof DomainError && err.code === 'NOT_FOUND')) throw err;
        // Kept a minute too, so a burst on an id that is not (or no longer) public stops at CloudFront.
        const r = errorResponse(err);
        return new Reply(r.statusCode, String(r.body), { ...r.headers, 'cache-control': `public, max-age=${status.STATUS_NOT_FOUND_MAX_AGE}` });
      }
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/badge/{id}/uptime',
    summary: 'Uptime badge, "uptime | 99.9%" (SVG, or ?format=json for shields.io); public projects only, else a grey 404 badge',
    tag: 'badges',
    access: 'public',
    params: idParam,
    query: uptimeBadgeQuery,
    produces: 'image/svg+xml',
    handler: ({ ctx, event, params, query }) => badgeReply(ctx, event, params.id, 'uptime', query),
  }),
  badgeRoute('status', 'Status badge, "status | up", "down", "maintenance" or "unknown"'),
  badgeRoute('response-time', 'Response time badge, "response time | 234ms" (the last check)'),
  badgeRoute('cert-exp', 'Certificate badge, "certificate | 23 days" (the last SSL check)'),
  route({
    method: 'GET',
    path: '/api/v1/mobile/projects',
    summary: 'Projects in the fewest bytes: id, title, status, response time, 24 h uptime, last check',
    tag: 'mobile',
    access: 'viewer',
    query: mobileQuery,
    response: mobileProjectsResponse,
    handler: ({ ctx, query }) => mobile.mobileProjects(ctx, query.page, query.size),
  }),
  route({
    method: 'GET',
    path: '/api/v1/mobile/dashboard',
    summary: 'Totals (projects, up, down, maintenance), the worst projects now, unread alerts',
    tag: 'mobile',
    access: 'viewer',
    response: mobileDashboardResponse,
    handler: ({ ctx, actor }) => mobile.mobileDashboard(ctx, actor),
  }),
  route({
    method: 'GET',
    path: '/api/v1/mobile/alerts',
    summary: 'Your unresolved alerts, newest first',
    tag: 'mobile',
    access: 'viewer',
    query: mobileQuery,
    response: mobileAlertsResponse,
    handler: ({ ctx, actor, query }) => mobile.mobileAlerts(ctx, actor, query.page, query.size),
  }),
];
