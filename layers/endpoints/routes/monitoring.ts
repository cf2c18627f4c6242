import * as scheduler from '../../services/scheduler.ts';
import { checkNow } from '../../services/check-now.ts';
import { projectLogs, projectStatus } from '../../services/project-status.ts';
import { route } from '../router.ts';
import { answer } from './jobs.ts';
import { jobResponse } from '../schemas/jobs.ts';
import { idParam, pageOf } from '../schemas/common.ts';
import { checkNowResponse, checkResultResponse, logsQuery, projectStateResponse, schedulerStatusResponse } from '../schemas/monitoring.ts';

export const monitoringRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/scheduler/status',
    summary: 'Scheduler state: running projects, next due times, consecutive failures, last results',
    tag: 'scheduler',
    access: 'viewer',
    response: schedulerStatusResponse,
    handler: ({ ctx }) => scheduler.schedulerStatus(ctx),
  }),
  route({
    method: 'POST',
    path: '/api/v1/scheduler/start',
    summary: 'Start monitoring all projects',
    tag: 'scheduler',
    access: 'manager',
    response: schedulerStatusResponse,
    handler: ({ ctx }) => scheduler.setAllRunning(ctx, true),
  }),
  route({
    method: 'POST',
    path: '/api/v1/scheduler/stop',
    summary: 'Stop monitoring all projects',
    tag: 'scheduler',
    access: 'manager',
    response: schedulerStatusResponse,
    handler: ({ ctx }) => scheduler.setAllRunning(ctx, false),
  }),
  route({
    method: 'POST',
    path: '/api/v1/scheduler/projects/{id}/start',
    summary: 'Start monitoring one project',
    tag: 'scheduler',
    access: 'manager',
    params: idParam,
    response: projectStateResponse,
    handler: ({ ctx, params }) => scheduler.setProjectRunning(ctx, params.id, true),
  }),
  route({
    method: 'POST',
    path: '/api/v1/scheduler/projects/{id}/stop',
    summary: 'Stop monitoring one project',
    tag: 'scheduler',
    access: 'manager',
    params: idParam,
    response: projectStateResponse,
    handler: ({ ctx, params }) => scheduler.setProjectRunning(ctx, params.id, false),
  }),
  route({
    method: 'POST',
    path: '/api/v1/projects/{id}/check',
    summary: 'Check now: runs the check at once, records and evaluates it like a scheduled one; 202 with a job when it outlasts the wait',
    tag: 'scheduler',
    access: 'manager',
    params: idParam,
    response: checkNowResponse,
    accepted: jobResponse,
    handler: async ({ ctx, actor, params }) => answer(await checkNow(ctx, actor, params.id)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/logs',
    summary: 'Check results, newest first (time range: from, to)',
    tag: 'monitoring',
    access: 'viewer',
    params: idParam,
    query: logsQuery,
    response: pageOf(checkResultResponse),
    handler: ({ ctx, params, query }) => projectLogs(ctx, params.id, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/status',
    summary: 'Latest result and monitoring state of a project',
    tag: 'monitoring',
    access: 'viewer',
    params: idParam,
    response: projectStateResponse,
    handler: ({ ctx, params }) => projectStatus(ctx, params.id),
  }),
];

