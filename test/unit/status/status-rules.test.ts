import { describe, expect, it } from 'vitest';
import { certColor, formatUptime, responseTimeColor, uptimeColor } from '../../../layers/services/badges.ts';
import { historyDays, isSlow, overallStatus, publicProjectStatus } from '../../../layers/services/status.ts';

const project = (p: Partial<Parameters<typeof isSlow>[0]> = {}) => ({
  maintenance_mode: false,
  last_checked_at: new Date('2026-10-16T00:00:00Z'),
  is_down: false,
  time_limit: null,
  last_response_time: 100,
  ...p,
});

describe('the public state of a project', () => {
  it('is maintenance first, unknown before any result, down while an outage is open, else up', () => {
    expect(publicProjectStatus(project({ maintenance_mode: true, is_down: true }))).toBe('maintenance');
    expect(publicProjectStatus(project({ last_checked_at: null }))).toBe('unknown');
    expect(publicProjectStatus(project({ is_down: true }))).toBe('down');
    expect(publicProjectStatus(project())).toBe('up');
  });

  it('is slow only when up and over its time_limit', () => {
    expect(isSlow(project({ time_limit: 50 }))).toBe(true);
    expect(isSlow(project({ time_limit: 100 }))).toBe(false);
    expect(isSlow(project({ time_limit: null }))).toBe(false);
    expect(isSlow(project({ time_limit: 50, is_down: true }))).toBe(false);
  });
});

describe('the overall state', () => {
  const up = { status: 'up' as const, slow: false };
  const down = { status: 'down' as const, slow: false };
  it('is a major outage when more than half are down', () => {
    expect(overallStatus([down, down, up])).toBe('major_outage');
    expect(overallStatus([down, up])).toBe('degraded'); // exactly half is not more than half
    expect(overallStatus([down])).toBe('major_outage');
  });
  it('is degraded when any is down or slow, operational otherwise (also with no project)', () => {
    expect(overallStatus([up, up, down])).toBe('degraded');
    expect(overallStatus([up, { status: 'up', slow: true }])).toBe('degraded');
    expect(overallStatus([up, { status: 'maintenance', slow: false }, { status: 'unknown', slow: false }])).toBe('operational');
    expect(overallStatus([])).toBe('operational');
  });
});

describe('badge figures', () => {
  it('write uptime with two decimals at most, rounded down so it never shows 100% early', () => {
    expect(formatUptime(100)).toBe('100%');
    expect(formatUptime(99.999)).toBe('99.99%');
    expect(formatUptime(99.9)).toBe('99.9%');
    expect(formatUptime(83.3333)).toBe('83.33%');
    expect(formatUptime(0)).toBe('0%');
  });
  it('colour by value', () => {
    expect([99.95, 99.5, 98, 96, 92, 50].map(uptimeColor)).toEqual(['brightgreen', 'green', 'yellowgreen', 'yellow', 'orange', 'red']);
    expect([150, 300, 700, 1500, 2500].map(responseTimeColor)).toEqual(['brightgreen', 'green', 'yellow', 'orange', 'red']);
    expect([3, 10, 20, 60].map(certColor)).toEqual(['red', 'orange', 'yellow', 'brightgreen']);
  });
});

describe('the 90-day history', () => {
  it('covers the 90 UTC days ending today, oldest first', () => {
    const days = historyDays(new Date('2026-03-01T23:30:00-05:00'));
    expect(days).toHaveLength(90);
    expect(days[89]).toBe('2026-03-02');
    expect(days[0]).toBe('2025-12-03');
  });
});

describe('CloudFront in front of the badges', () => {
  it('keys its cache on exactly the query parameters the badge routes read', async () => {
    const { BADGE_QUERY_PARAMETERS } = await import('../../../lib/web.ts');
    const { badgeQuery, uptimeBadgeQuery } = await import('../../../layers/endpoints/schemas/status.ts');
    expect([...BADGE_QUERY_PARAMETERS].sort()).toEqual(Object.keys(uptimeBadgeQuery.shape).sort());
    for (const key of Object.keys(badgeQuery.shape)) expect(BADGE_QUERY_PARAMETERS).toContain(key);
  });
});
