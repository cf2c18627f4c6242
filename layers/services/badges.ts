import { makeBadge } from 'badge-maker';
import { DomainError } from '../errors.ts';
import * as repo from '../repositories/status.ts';
import type { ServiceContext } from './context.ts';
import { cachedJson, etagOf } from './response-cache.ts';
import { publicProjectStatus, publicUptime, type UptimePeriod } from './status.ts';

// Uptime badges (spec 10) in the shields.io look, drawn by badge-maker (the library shields.io renders
// with, which measures text in Verdana 11px as browsers draw it). Figures are cached 300 s per
// project, kind and period; label, colour and style only change the drawing.

export const badgeKinds = ['uptime', 'status', 'response-time', 'cert-exp'] as const;
export type BadgeKind = (typeof badgeKinds)[number];
export const badgeStyles = ['flat', 'flat-square', 'for-the-badge'] as const;
export type BadgeStyle = (typeof badgeStyles)[number];
/** Colours a badge may be asked for by name (badge-maker's and shields.io's). Hex works too. */
export const badgeColorNames = ['brightgreen', 'green', 'yellowgreen', 'yellow', 'orange', 'red', 'blue', 'grey', 'gray', 'lightgrey', 'lightgray', 'success', 'important', 'critical', 'informational', 'inactive'] as const;

export const BADGE_MAX_AGE = 300;
/** A badge for a project that is not (or no longer) public: kept shorter, so making it public shows soon. */
export const BADGE_NOT_FOUND_MAX_AGE = 60;

const defaultLabels: Record<BadgeKind, string> = { uptime: 'uptime', status: 'status', 'response-time': 'response time', 'cert-exp': 'certificate' };

export interface BadgeFigure {
  message: string;
  color: string;
}

export interface BadgeOptions {
  period: UptimePeriod;
  label?: string | undefined;
  color?: string | undefined;
  style: BadgeStyle;
  format: 'svg' | 'json';
}

/** "99.9%": two decimals at most, rounded down, so 99.996% never shows as 100%. */
export function formatUptime(availability: number): string {
  const floored = Math.floor(availability * 100) / 100;
  return `${Number(floored.toFixed(2))}%`;
}

export function uptimeColor(availability: number): string {
  if (availability >= 99.9) return 'brightgreen';
  if (availability >= 99) return 'green';
  if (availability >= 97) return 'yellowgreen';
  if (availability >= 95) return 'yellow';
  if (availability >= 90) return 'orange';
  return 'red';
}

export function responseTimeColor(ms: number): string {
  if (ms < 200) return 'brightgreen';
  if (ms < 500) return 'green';
  if (ms < 1000) return 'yellow';
  if (ms < 2000) return 'orange';
  return 'red';
}

export function certColor(days: number): string {
  if (days < 7) return 'red';
  if (days < 14) return 'orange';
  if (days < 30) return 'yellow';
  return 'brightgreen';
}

const statusColors = { up: 'brightgreen', down: 'red', maintenance: 'blue', unknown: 'lightgrey' } as const;

const projectGone = () => new DomainError('NOT_FOUND', 'project not found');

async function computeFigure(ctx: ServiceContext, projectId: number, kind: BadgeKind, period: UptimePeriod): Promise<BadgeFigure> {
  if (kind === 'cert-exp') {
    const cert = await repo.latestPublicCertificate(ctx.sql, projectId);
    if (!cert.found) throw projectGone();
    if (cert.days_remaining === null) return { message: 'unknown', color: 'lightgrey' };
    if (cert.days_remaining < 0 || (cert.expires_at && cert.expires_at.getTime() <= ctx.clock.now().getTime())) return { message: 'expired', color: 'red' };
    return { message: cert.days_remaining === 1 ? '1 day' : `${cert.days_remaining} days`, color: certColor(cert.days_remaining) };
  }
  if (kind === 'uptime') {
    const availability = await publicUptime(ctx, projectId, period);
    if (availability === undefined) throw projectGone();
    return availability === null ? { message: 'no data', color: 'lightgrey' } : { message: formatUptime(availability), color: uptimeColor(availability) };
  }
  const project = await repo.findPublicProject(ctx.sql, projectId);
  if (!project) throw projectGone();
  if (kind === 'status') {
    const status = publicProjectStatus(project);
    return { message: status, color: statusColors[status] };
  }
  const ms = project.last_response_time;
  if (ms === null || project.last_checked_at === null) return { message: 'no data', color: 'lightgrey' };
  return { message: `${Math.round(ms)}ms`, color: responseTimeColor(ms) };
}

export interface RenderedBadge {
  status: 200 | 404;
  body: string;
  etag: string;
  contentType: string;
  maxAge: number;
}

function render(kind: BadgeKind, figure: BadgeFigure, opts: BadgeOptions, status: 200 | 404): RenderedBadge {
  const label = opts.label ?? defaultLabels[kind];
  const color = status === 404 ? 'lightgrey' : (opts.color ?? figure.color);
  const body =
    opts.format === 'json'
      ? JSON.stringify({ schemaVersion: 1, label, message: figure.message, color })
      : // badge-maker escapes the text for XML itself (label and message end up in <text> and <title>).
        makeBadge({ label, message: figure.message, color, style: opts.style });
  return {
    status,
    body,
    etag: etagOf(body),
    contentType: opts.format === 'json' ? 'application/json' : 'image/svg+xml',
    maxAge: status === 404 ? BADGE_NOT_FOUND_MAX_AGE : BADGE_MAX_AGE,
  };
}

/** The badge of one public project; a private, deleted or unknown one gets the grey "not found" badge. */
export async function badge(ctx: ServiceContext, projectId: number, kind: BadgeKind, opts: BadgeOptions): Promise<RenderedBadge> {
  const period = kind === 'uptime' ? opts.period : '-';
  try {
    const cached = await cachedJson(ctx, `badge:v1:${kind}:${projectId}:${period}`, BADGE_MAX_AGE, () => computeFigure(ctx, projectId, kind, opts.period));
    return render(kind, JSON.parse(cached.body) as BadgeFigure, opts, 200);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'NOT_FOUND') return render(kind, { message: 'not found', color: 'lightgrey' }, opts, 404);
    throw err;
  }
}
