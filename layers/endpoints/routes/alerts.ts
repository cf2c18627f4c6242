import * as z from 'zod';
import * as alerts from '../../services/alerts.ts';
import { route } from '../router.ts';
import { idParam, pageOf, pagination } from '../schemas/common.ts';
import { alertCreateBody, alertListQuery, alertPatchBody, alertResponse, projectAlertListQuery } from '../schemas/monitoring.ts';

export const alertRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/alerts',
    summary: 'Your alerts (filters: unread, project_id, type, severity, resolved)',
    tag: 'alerts',
    access: 'viewer',
    query: alertListQuery,
    response: pageOf(alertResponse),
    handler: ({ ctx, actor, query }) => {
      const { page, size, ...f } = query;
      return alerts.listAlerts(ctx, actor, f, page, size);
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/alerts/unread',
    summary: 'Your unread alerts',
    tag: 'alerts',
    access: 'viewer',
    query: z.object(pagination),
    response: pageOf(alertResponse),
    handler: ({ ctx, actor, query }) => alerts.listAlerts(ctx, actor, { unread: true }, query.page, query.size),
  }),
  route({
    method: 'POST',
    path: '/api/v1/alerts/read-all',
    summary: 'Mark all your alerts read',
    tag: 'alerts',
    access: 'viewer',
    response: z.object({ updated: z.number().int() }),
    handler: ({ ctx, actor }) => alerts.markAllRead(ctx, actor),
  }),
  route({
    method: 'POST',
    path: '/api/v1/alerts',
    summary: 'Create an in-app alert',
    tag: 'alerts',
    access: 'user',
    body: alertCreateBody,
    response: alertResponse,
    status: 201,
    handler: ({ ctx, actor, body }) => alerts.createAlert(ctx, actor, body),
  }),
  route({
    method: 'GET',
    path: '/api/v1/alerts/{id}',
    summary: 'One alert',
    tag: 'alerts',
    access: 'viewer',
    params: idParam,
    response: alertResponse,
    handler: ({ ctx, actor, params }) => alerts.getAlert(ctx, actor, params.id),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/alerts/{id}',
    summary: 'Mark an alert read or resolved',
    tag: 'alerts',
    access: 'viewer',
    params: idParam,
    body: alertPatchBody,
    response: alertResponse,
    handler: ({ ctx, actor, params, body }) => alerts.updateAlert(ctx, actor, params.id, body),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/alerts/{id}',
    summary: 'Delete an alert',
    tag: 'alerts',
    access: 'viewer',
    params: idParam,
    handler: async ({ ctx, actor, params }) => {
      await alerts.deleteAlert(ctx, actor, params.id);
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/alerts',
    summary: 'Your alerts about one project (filters: unread, type, severity, resolved)',
    tag: 'alerts',
    access: 'viewer',
    params: idParam,
    query: projectAlertListQuery,
    response: pageOf(alertResponse),
    handler: ({ ctx, actor, params, query }) => {
      const { page, size, ...f } = query;
      return alerts.listProjectAlerts(ctx, actor, params.id, f, page, size);
    },
  }),
];
