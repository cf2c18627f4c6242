import { listProjectAnomalies } from '../../services/anomalies/service.ts';
import { route } from '../router.ts';
import { anomalyListResponse, anomalyQuery } from '../schemas/anomalies.ts';
import { idParam } from '../schemas/common.ts';

export const anomalyRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/anomalies',
    summary: 'Anomalies of one project: found now in the last analysis_hours, and with `from` those the hourly job recorded since',
    tag: 'reports',
    access: 'viewer',
    params: idParam,
    query: anomalyQuery,
    response: anomalyListResponse,
    handler: ({ ctx, params, query }) => listProjectAnomalies(ctx, params.id, query),
  }),
];
