import type { NotificationKind } from './kinds.ts';

/**
 * What ties a problem to its resolution at services that track incidents (PagerDuty's dedup_key,
 * Opsgenie's alias): the incident when there is one, else a caller's key, else the kind.
 */
export function alertKeyOf(projectId: number | null, kind: NotificationKind, opts: { incidentId?: number | null | undefined; key?: string | undefined } = {}): string {
  const scope = projectId === null ? 'system' : `project-${projectId}`;
  const what = opts.incidentId ? `incident-${opts.incidentId}` : (opts.key ?? kind);
  return `py-monitor/${scope}/${what}`;
}
