import * as z from 'zod';
import * as incidents from '../../services/incidents.ts';
import { route } from '../router.ts';
import { idParam, pageOf, pagination } from '../schemas/common.ts';
import { incidentPatchBody, incidentResponse, incidentUpdateBody, incidentUpdateResponse } from '../schemas/incidents.ts';

export const incidentRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/incidents',
    summary: 'Incidents of a project, newest first, with their updates',
    tag: 'incidents',
    access: 'viewer',
    params: idParam,
    query: z.object(pagination),
    response: pageOf(incidentResponse),
    handler: ({ ctx, params, query }) => incidents.listProjectIncidents(ctx, params.id, query.page, query.size),
  }),
  route({
    method: 'GET',
    path: '/api/v1/incidents/{id}',
    summary: 'One incident with its updates',
    tag: 'incidents',
    access: 'viewer',
    params: idParam,
    response: incidentResponse,
    handler: ({ ctx, params }) => incidents.getIncident(ctx, params.id),
  }),
  route({
    method: 'POST',
    path: '/api/v1/incidents/{id}/updates',
    summary: 'Post an update on an incident (project owner, manager, admin); shown on the public status page',
    tag: 'incidents',
    access: 'user',
    params: idParam,
    body: incidentUpdateBody,
    response: incidentUpdateResponse,
    status: 201,
    handler: ({ ctx, actor, params, body }) => incidents.addIncidentUpdate(ctx, actor, params.id, body),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/incidents/{id}',
    summary: 'Name an incident or write its postmortem (project owner, manager, admin); it is opened and closed by the monitoring only',
    tag: 'incidents',
    access: 'user',
    params: idParam,
    body: incidentPatchBody,
    response: incidentResponse,
    handler: ({ ctx, actor, params, body }) => incidents.patchIncident(ctx, actor, params.id, body),
  }),
];
