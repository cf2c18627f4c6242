import type { AnyRoute } from '../router.ts';
import { adminDataRoutes } from './admin-data.ts';
import { adminImportRoutes } from './admin-import.ts';
import { alertRoutes } from './alerts.ts';
import { anomalyRoutes } from './anomalies.ts';
import { authRoutes } from './auth.ts';
import { browserRoutes } from './browser.ts';
import { dashboardRoutes } from './dashboard.ts';
import { exportRoutes } from './exports.ts';
import { incidentRoutes } from './incidents.ts';
import { jobRoutes } from './jobs.ts';
import { metaRoutes } from './meta.ts';
import { metricsRoutes } from './metrics.ts';
import { monitoringRoutes } from './monitoring.ts';
import { monitorsFileRoutes } from './monitors-file.ts';
import { notificationChannelRoutes } from './notification-channels.ts';
import { projectRoutes } from './projects.ts';
import { reportRoutes } from './reports.ts';
import { slaPageRoutes } from './sla-page.ts';
import { statusRoutes } from './status.ts';
import { toolRoutes } from './tools.ts';
import { userRoutes } from './users.ts';

/**
 * Every route of the HTTP API, in one table: the router (`createHttpHandler(context, apiRoutes())` in
 * functions/api.ts and the local runner), RBAC and the OpenAPI document read it.
 */
export function apiRoutes(): AnyRoute[] {
  const list: AnyRoute[] = [...authRoutes, ...userRoutes, ...projectRoutes, ...monitoringRoutes, ...alertRoutes, ...incidentRoutes, ...statusRoutes, ...toolRoutes, ...browserRoutes, ...notificationChannelRoutes, ...monitorsFileRoutes, ...jobRoutes, ...metricsRoutes, ...reportRoutes, ...dashboardRoutes, ...anomalyRoutes, ...adminDataRoutes, ...exportRoutes, ...slaPageRoutes, ...adminImportRoutes];
  list.push(...metaRoutes(() => list));
  return list;
}
