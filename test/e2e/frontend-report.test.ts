import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { catalogs, launchChromium, open, scrollsSideways, signIn, watchProblems } from './frontend-browser.ts';

// The report page and the dashboard chart (issue 17) in the real Chromium, on a known history imported
// through the API: the page shows the API's figures (checked against the history worked out by hand),
// the charts draw the buckets they were given and follow the period switch, the downloads work, viewers
// get no edit controls; ko and en, light and dark, a 390 px phone without sideways scrolling.

const MIN = 60_000;
const H = 60 * MIN;

let app: TestApp;
let browser: Browser;
let owner: { id: number; token: string };
let viewer: { id: number; token: string };
let projectId: number;
let imported = 0;

/** The dashboard's percent format: at most `digits` decimals, rounded down, no trailing zeros. */
const percent = (v: number | null, digits = 2) => {
  if (v === null) return '—';
  const f = 10 ** digits;
  const x = v >= 100 ? 100 : Math.floor(v * f + 1e-9) / f;
  return `${Number(x.toFixed(digits))}%`;
};

beforeAll(async () => {
  app = await startTestApp();
  await app.user('admin', 'Admin');
  owner = await app.user('user', 'Owner');
  viewer = await app.user('viewer', 'Viewer');
  const p = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Reported shop', url: 'http://127.0.0.1:9/shop', status_interval: 300 } });
  expect(p.status, p.text).toBe(201);
  projectId = p.body.id;
  // Every 5 minutes for 48 hours up to 5 minutes ago; down for exactly one hour 20 hours ago (12 failures).
  const now = Date.now();
  const results = [];
  for (let t = now - 48 * H; t <= now - 5 * MIN; t += 5 * MIN) {
    const down = t >= now - 20 * H && t < now - 19 * H;
    results.push({ checked_at: new Date(t).toISOString(), is_available: !down, status_code: down ? 503 : 200, response_time: down ? null : 200 + ((t / (5 * MIN)) % 7) * 10, error_message: down ? 'HTTP 503 Service Unavailable' : null });
  }
  imported = results.length;
  const r = await app.request('POST', `/api/v1/projects/${projectId}/results/import`, { token: owner.token, body: { results } });
  expect(r.status, r.text).toBe(200);
  expect(r.body.incidents).toBe(1);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function settings(token: string, language: 'ko' | 'en', theme: 'light' | 'dark') {
  const r = await app.request('PUT', '/api/v1/users/me/settings', { token, body: { theme, language, timezone: 'Asia/Seoul', email_notifications: true } });
  expect(r.status, r.text).toBe(200);
}

const figure = (page: Page, key: string) => page.locator(`[data-figure="${key}"]`).textContent();

describe('report.html', () => {
  for (const v of [{ lang: 'ko', theme: 'light', width: 1280 }, { lang: 'en', theme: 'dark', width: 390 }] as const) {
    it(`shows the figures of the imported history, charts, incidents and the log (${v.lang}/${v.theme}, ${v.width} px)`, async () => {
      await settings(owner.token, v.lang, v.theme);
      const cat = catalogs[v.lang];
      const sla = (await app.request('GET', `/api/v1/projects/${projectId}/reports/sla?period=30d&target=99.9`, { token: owner.token })).body;
      // The definition by hand: 48 covered hours, one of them down.
      expect(sla.availability).toBeCloseTo(100 * (1 - 1 / 48), 2);
      expect(sla.downtime_minutes).toBeCloseTo(60, 1);
      expect(sla.incident_count).toBe(1);
      expect(sla.sla_met).toBe(false);

      const context = await browser.newContext({ viewport: { width: v.width, height: 900 }, acceptDownloads: true });
      const page = await signIn(context, app.url, owner.token);
      const problems = watchProblems(page);
      await open(page, app.url, `report.html?id=${projectId}`);
      expect(await page.getAttribute('html', 'lang')).toBe(v.lang);
      expect(await page.getAttribute('html', 'data-theme')).toBe(v.theme);
      expect(await page.textContent('h1')).toBe(cat['report.heading_named']!.replace('{title}', 'Reported shop'));
      expect(await figure(page, 'availability')).toBe(percent(sla.availability, 3));
      expect(await figure(page, 'target')).toBe('99.9%');
      expect(await figure(page, 'sla_met')).toBe(cat['report.not_met']);
      expect(await figure(page, 'incident_count')).toBe('1');
      expect(await figure(page, 'downtime')).toBe(cat['report.minutes']!.replace('{n}', String(Math.round(sla.downtime_minutes * 10) / 10)));

      // Charts: the buckets the API gave, the response chart with its p95 band series.
      const rt = (await app.request('GET', `/api/v1/projects/${projectId}/charts/response-time?period=30d`, { token: owner.token })).body;
      expect(await page.getAttribute('#chart-response figure', 'data-points')).toBe(String(rt.points.length));
      const av = (await app.request('GET', `/api/v1/projects/${projectId}/charts/availability?period=30d`, { token: owner.token })).body;
      expect(await page.getAttribute('#chart-availability figure', 'data-points')).toBe(String(av.points.length));
      const lowest = Math.min(...av.points.flatMap((p: { availability: number | null }) => (p.availability === null ? [] : [p.availability])));
      expect(await page.getAttribute('#chart-availability canvas', 'aria-label')).toContain(percent(lowest));

      // Daily rows: the outage day shows 60 minutes down in total over the days.
      const downtimes = await page.locator('#daily tbody tr').evaluateAll((trs) => trs.map((tr) => tr.children[2]?.textContent ?? ''));
      expect(downtimes.length).toBe(Math.min(sla.daily.length, 31));
      expect(downtimes.filter((d) => !/^0\D/.test(d)).length).toBeGreaterThanOrEqual(1);

      // Incidents (with updates), the log by pages.
      expect(await page.locator('#incidents [data-incident-id]').count()).toBe(1);
      expect(await page.textContent('#incidents')).toContain('HTTP 503 Service Unavailable');
      expect(await page.locator('#log-body tr').count()).toBe(20);
      expect(await page.textContent('#log-page')).toContain(String(imported));
      await page.click('#check-log [data-page="next"]');
      await page.locator('#log-page', { hasText: cat['report.page_of']!.replace('{page}', '2').split('{')[0]!.trim() || '2' }).waitFor();
      expect(await page.locator('#log-body tr').count()).toBe(20);

      expect(await scrollsSideways(page), `report.html scrolls sideways at ${v.width} px`).toBe(false);
      expect(problems).toEqual([]);
      await context.close();
    });
  }

  it('downloads the CSV of the period, and the PDF or a clear "not available"', async () => {
    await settings(owner.token, 'en', 'light');
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await signIn(context, app.url, owner.token);
    await open(page, app.url, `report.html?id=${projectId}`);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const path = await csv.path();
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(path, 'utf8')).trim().split(/\r?\n/);
    expect(lines[0]).toBe('checked_at,is_available,status_code,response_time,error_message,in_maintenance');
    expect(lines.length - 1).toBe(imported);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);

    const pdfRoute = await app.request('GET', `/api/v1/projects/${projectId}/reports/sla.pdf?period=30d`, { token: owner.token });
    if (pdfRoute.status === 404) {
      await page.click('#download-pdf');
      await page.locator('#download-status', { hasText: catalogs.en['report.not_available']! }).waitFor();
    } else {
      const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('#download-pdf')]);
      expect((await readFile(await pdf.path())).subarray(0, 5).toString()).toBe('%PDF-');
    }
    await context.close();
  });

  it('gives a viewer the figures but no edit control', async () => {
    await settings(viewer.token, 'ko', 'dark');
    const context = await browser.newContext();
    const page = await signIn(context, app.url, viewer.token);
    await open(page, app.url, `report.html?id=${projectId}`);
    expect(await figure(page, 'incident_count')).toBe('1');
    expect(await page.textContent('#edit-link')).toBe(catalogs.ko['action.view']);
    expect(await page.locator('[data-action="edit"], #save, #delete').count()).toBe(0);
    await context.close();
  });
});

describe('dashboard chart', () => {
  it('draws the buckets /charts/dashboard gave for the period, and the period switch changes them', async () => {
    await settings(owner.token, 'en', 'light');
    const context = await browser.newContext();
    const page = await signIn(context, app.url, owner.token);
    const problems = watchProblems(page);
    await open(page, app.url, 'index.html');
    for (const period of ['24h', '7d', '30d'] as const) {
      if (period !== '24h') await page.click(`#period-switch [data-period="${period}"]`);
      await page.locator(`#dashboard-chart[data-period="${period}"]`).waitFor();
      const c = (await app.request('GET', `/api/v1/charts/dashboard?period=${period}`, { token: owner.token })).body;
      expect(await page.getAttribute('#dashboard-chart', 'data-points')).toBe(String(c.buckets.length));
      expect(await page.getAttribute('#chart-availability figure', 'data-points')).toBe(String(c.buckets.length));
      expect(await page.getAttribute(`#period-switch [data-period="${period}"]`, 'aria-pressed')).toBe('true');
      const lowest = Math.min(...c.overall.availability.filter((a: number | null) => a !== null));
      expect(await page.getAttribute('#chart-availability canvas', 'aria-label')).toContain(percent(lowest));
    }
    // The rows link to the report, and the uptime column is the server's 24 h figure.
    const row = (await app.request('GET', '/api/v1/dashboard/projects', { token: owner.token })).body.items[0];
    expect(await page.getAttribute(`#projects-body [data-action="report"]`, 'href')).toBe(`report.html?id=${projectId}`);
    expect(await page.textContent('#projects-body [data-uptime]')).toBe(percent(row.uptime_24h));
    expect(problems).toEqual([]);
    await context.close();
  });
});
