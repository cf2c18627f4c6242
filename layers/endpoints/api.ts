import type { ServiceContext } from '../services/context.ts';
import { createHttpHandler, type AnyRoute, type RouterOptions } from './router.ts';
import { adminDataRoutes } from './routes/admin-data.ts';
import { adminImportRoutes } from './routes/admin-import.ts';
import { alertRoutes } from './routes/alerts.ts';
import { anomalyRoutes } from './routes/anomalies.ts';
import { authRoutes } from './routes/auth.ts';
import { slaPageRoutes } from './routes/sla-page.ts';
import { exportRoutes } from './routes/exports.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { browserRoutes } from './routes/browser.ts';
import { jobRoutes } from './routes/jobs.ts';
import { metaRoutes } from './routes/meta.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { monitoringRoutes } from './routes/monitoring.ts';
import { monitorsFileRoutes } from './routes/monitors-file.ts';
import { projectRoutes } from './routes/projects.ts';
import { reportRoutes } from './routes/reports.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { statusRoutes } from './routes/status.ts';
import { notificationChannelRoutes } from './routes/notification-channels.ts';
import { toolRoutes } from './routes/tools.ts';
import { userRoutes } from './routes/users.ts';

/** Every route of the HTTP API, in one table: the router, RBAC and the OpenAPI document read it. */
export function apiRoutes(): AnyRoute[] {
  const list: AnyRoute[] = [...authRoutes, ...userRoutes, ...projectRoutes, ...monitoringRoutes, ...alertRoutes, ...incidentRoutes, ...statusRoutes, ...toolRoutes, ...browserRoutes, ...notificationChannelRoutes, ...monitorsFileRoutes, ...jobRoutes, ...metricsRoutes, ...reportRoutes, ...dashboardRoutes, ...anomalyRoutes, ...adminDataRoutes, ...exportRoutes, ...slaPageRoutes, ...adminImportRoutes];
  list.push(...metaRoutes(() => list));
  return list;
}

/**
 * The HTTP API Lambda handler, for any context: functions/api.ts builds one from the Lambda's
 * environment, the local runner passes its own.
 */
export function createApiHandler(getContext: () => Promise<ServiceContext>, options: RouterOptions = {}) {
  return createHttpHandler(getContext, apiRoutes(), options);
}
