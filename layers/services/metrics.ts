import { createHash, timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Config } from '../config.ts';
import { DomainError } from '../errors.ts';
import * as repo from '../repositories/metrics.ts';
import type { ProjectMetricsRow } from '../repositories/metrics.ts';
import type { ServiceContext } from './context.ts';

// GET /metrics in the Prometheus text format (issue 15). Per-project figures are read from the
// database at each scrape, so they are right after a restart and the same whichever process (or
// Lambda container) answers; the process's own metrics come from ctx.processMetrics, per process.
// Names follow Prometheus's guide: a pymonitor_ prefix, base units (seconds), _total on counters.

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export const metricsEnabled = (config: Config) => config.METRICS_BEARER_TOKEN !== undefined || config.METRICS_BASIC_AUTH_USER !== undefined;

/** Compares secrets in constant time, whatever their lengths. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Lets a scraper in with the configured bearer token or basic-auth pair. Off (nothing configured):
 * NOT_FOUND, as for a path that does not exist; wrong or missing credentials: UNAUTHORIZED.
 */
export function authorizeScrape(config: Config, authorization: string | undefined): void {
  if (!metricsEnabled(config)) throw new DomainError('NOT_FOUND', 'no route for GET /metrics');
  const header = authorization?.trim() ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  if (bearer !== undefined && config.METRICS_BEARER_TOKEN !== undefined && sameSecret(bearer, config.METRICS_BEARER_TOKEN)) return;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1];
  if (basic !== undefined && config.METRICS_BASIC_AUTH_USER !== undefined && config.METRICS_BASIC_AUTH_PASSWORD !== undefined) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // Both compared, always, so the answer's timing does not tell which one was wrong.
    const userOk = sameSecret(colon < 0 ? decoded : decoded.slice(0, colon), config.METRICS_BASIC_AUTH_USER);
    const passwordOk = sameSecret(colon < 0 ? '' : decoded.slice(colon + 1), config.METRICS_BASIC_AUTH_PASSWORD);
    if (colon >= 0 && userOk && passwordOk) return;
  }
  throw new DomainError('UNAUTHORIZED', 'metrics need the configured bearer token or basic-auth credentials');
}

/** One state of a project, for the pymonitor_project_state state set. */
export const projectStates = ['up', 'failing', 'down', 'maintenance', 'paused', 'pending'] as const;
export type ProjectState = (typeof projectStates)[number];

/**
 * maintenance and paused before the check results (alerts are off; checks are not run when paused),
 * pending until the first check, then down (an incident is open), failing (failed checks below the
 * alert threshold) or up.
 */
export function projectState(p: Pick<ProjectMetricsRow, 'maintenance_mode' | 'is_running' | 'last_checked_at' | 'is_down' | 'consecutive_failures'>): ProjectState {
  if (p.maintenance_mode) return 'maintenance';
  if (!p.is_running) return 'paused';
  if (p.last_checked_at === null) return 'pending';
  if (p.is_down) return 'down';
  return p.consecutive_failures > 0 ? 'failing' : 'up';
}

const seconds = (d: Date) => d.getTime() / 1000;

/** The URL's host name: an info label without paths or queries, which could hold anything. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** The whole scrape: the installation's projects, then this process's own metrics. */
export async function renderMetrics(ctx: ServiceContext): Promise<string> {
  const [projects, counts] = [await repo.projectMetrics(ctx.sql), await repo.checkCounts(ctx.sql)];
  const now = ctx.clock.now();
  const registry = new Registry();
  const labelNames = ['project_id', 'project'] as const;
  const gauge = (name: string, help: string, extra: string[] = []) => new Gauge({ name, help, labelNames: [...labelNames, ...extra], registers: [registry] });
  const info = gauge('pymonitor_project_info', 'A monitored project (always 1): its key, host and category', ['key', 'host', 'category']);
  const up = gauge('pymonitor_project_up', 'Whether the last HTTP check succeeded (1) or failed (0); absent before the first check');
  const responseTime = gauge('pymonitor_project_response_time_seconds', "The last HTTP check's response time");
  const lastCheck = gauge('pymonitor_project_last_check_timestamp_seconds', 'When the last HTTP check ran (Unix time)');
  const checks = new Counter({
    name: 'pymonitor_project_checks_total',
    help: 'HTTP checks since the project began, by result (up: the check succeeded)',
    labelNames: [...labelNames, 'result'],
    registers: [registry],
  });
  const state = gauge('pymonitor_project_state', `The project's monitoring state, one of ${projectStates.join(', ')} (1 for the current one)`, ['state']);
  const failures = gauge('pymonitor_project_consecutive_failures', 'Failed HTTP checks in a row');
  const downSince = gauge('pymonitor_project_down_since_timestamp_seconds', 'When the open outage began (Unix time); only while down');
  const certExpiry = gauge('pymonitor_project_certificate_expiry_timestamp_seconds', 'When the earliest certificate on the verified path expires (Unix time), from the last SSL check');
  const certRemaining = gauge('pymonitor_project_certificate_expiry_remaining_seconds', 'Time left until the certificate expires (negative once expired)');
  const certValid = gauge('pymonitor_project_certificate_valid', 'Whether the last SSL check found the certificate valid (1) or not (0)');
  const domainExpiry = gauge('pymonitor_project_domain_expiry_timestamp_seconds', 'When the domain registration expires (Unix time), from the last domain check');
  const domainRemaining = gauge('pymonitor_project_domain_expiry_remaining_seconds', 'Time left until the domain registration expires (negative once expired)');

  const countsOf = new Map(counts.map((c) => [c.project_id, c]));
  for (const p of projects) {
    const l = { project_id: String(p.id), project: p.title };
    info.set({ ...l, key: p.key, host: hostOf(p.url), category: p.category ?? '' }, 1);
    if (p.last_checked_at !== null) {
      lastCheck.set(l, seconds(p.last_checked_at));
      if (p.last_is_available !== null) up.set(l, p.last_is_available ? 1 : 0);
      if (p.last_response_time !== null) responseTime.set(l, p.last_response_time / 1000);
    }
    const c = countsOf.get(p.id);
    checks.inc({ ...l, result: 'up' }, c?.up_checks ?? 0);
    checks.inc({ ...l, result: 'down' }, (c?.checks ?? 0) - (c?.up_checks ?? 0));
    const current = projectState(p);
    for (const s of projectStates) state.set({ ...l, state: s }, s === current ? 1 : 0);
    failures.set(l, p.consecutive_failures);
    if (p.is_down && p.down_since) downSince.set(l, seconds(p.down_since));
    if (p.ssl_expires_at) {
      certExpiry.set(l, seconds(p.ssl_expires_at));
      certRemaining.set(l, (p.ssl_expires_at.getTime() - now.getTime()) / 1000);
    }
    if (p.ssl_is_valid !== null) certValid.set(l, p.ssl_is_valid ? 1 : 0);
    if (p.domain_expires_at) {
      domainExpiry.set(l, seconds(p.domain_expires_at));
      domainRemaining.set(l, (p.domain_expires_at.getTime() - now.getTime()) / 1000);
    }
  }
  const installation = await registry.metrics();
  const own = (await ctx.processMetrics?.render()) ?? '';
  return installation.endsWith('\n') || own === '' ? installation + own : `${installation}\n${own}`;
}
