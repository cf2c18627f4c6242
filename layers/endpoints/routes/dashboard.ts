import * as z from 'zod';
import { dashboardProjects, latestExpiry } from '../../services/dashboard.ts';
import { route } from '../router.ts';
import { idParam, pageOf, timestamp } from '../schemas/common.ts';

const dashboardProjectResponse = z.object({
  id: z.number().int(),
  title: z.string(),
  url: z.string(),
  category: z.string().nullable(),
  tags: z.array(z.string()),
  owner_id: z.number().int(),
  maintenance_mode: z.boolean(),
  maintenance_message: z.string().nullable(),
  is_running: z.boolean(),
  is_down: z.boolean(),
  consecutive_failures: z.number().int(),
  last_result: z
    .object({
      checked_at: timestamp,
      is_available: z.boolean().nullable(),
      status_code: z.number().int().nullable(),
      response_time: z.number().nullable(),
      error_message: z.string().nullable(),
    })
    .nullable(),
  uptime_24h: z.number().nullable().describe('time-based availability over the last 24 hours (percent), from the rollups; null without data'),
});

const dashboardProjectsQuery = z.object({
  page: z.coerce.number().int('must be an integer').min(1).max(100_000).default(1),
  size: z.coerce.number().int('must be an integer').min(1).max(500).default(100),
});

const expiryCheck = z
  .object({
    checked_at: timestamp,
    is_valid: z.boolean().nullable(),
    expires_at: timestamp.nullable(),
    days_remaining: z.number().int().nullable(),
    issuer: z.string().nullable(),
    error_message: z.string().nullable(),
  })
  .nullable();

export const dashboardRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/expiry',
    summary: 'The latest SSL certificate and domain expiry checks of a project (null when not checked yet)',
    tag: 'reports',
    access: 'viewer',
    params: idParam,
    response: z.object({ ssl: expiryCheck, domain: expiryCheck }),
    handler: ({ ctx, params }) => latestExpiry(ctx, params.id),
  }),
  route({
    method: 'GET',
    path: '/api/v1/dashboard/projects',
    summary: "The dashboard's project list: lean rows with state, last result and 24 h uptime (pages of up to 500)",
    tag: 'reports',
    access: 'viewer',
    query: dashboardProjectsQuery,
    response: pageOf(dashboardProjectResponse),
    handler: ({ ctx, query }) => dashboardProjects(ctx, query.page, query.size),
  }),
];
