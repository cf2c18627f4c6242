import { Router, type AnyRoute } from './router.ts';
import { authRoutes } from './routes/auth.ts';
import { userRoutes } from './routes/users.ts';
import { projectRoutes } from './routes/projects.ts';
import { metaRoutes } from './routes/meta.ts';
import { monitoringRoutes } from './routes/monitoring.ts';
import { alertRoutes } from './routes/alerts.ts';
import { toolRoutes } from './routes/tools.ts';
import { browserRoutes } from './routes/browser.ts';
import { notificationChannelRoutes } from './routes/notification-channels.ts';

/** Every route of the HTTP API, in one table: the router, RBAC and the OpenAPI document read it. */
export function apiRoutes(): AnyRoute[] {
  const list: AnyRoute[] = [...authRoutes, ...userRoutes, ...projectRoutes, ...monitoringRoutes, ...alertRoutes, ...toolRoutes, ...browserRoutes, ...notificationChannelRoutes];
  list.push(...metaRoutes(() => list));
  return list;
}

export function createApiRouter(): Router {
  return new Router(apiRoutes());
}
