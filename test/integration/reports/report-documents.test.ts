import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS, OPTIONAL_IMPORT_COLUMNS } from '../../../layers/endpoints/import-body.ts';
import { CSV_COLUMNS } from '../../../layers/services/exports.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { expectErrorBody, expectInvalid } from '../api/helpers.ts';

// The documents made from a known history: the CSV export (and back in through the import), the
// printable SLA page and its PDF, and the report before and after a cleanup of raw results.

let app: TestApp;
let owner: Awaited<ReturnType<TestApp['user']>>;
let viewer: Awaited<ReturnType<TestApp['user']>>;
let admin: Awaited<ReturnType<TestApp['user']>>;
let source: number;

const STEP = 300_000;
const DAY = 86_400_000;
const H = 3_600_000;
const END = Math.floor(Date.now() / DAY) * DAY - DAY;
const START = END - 40 * DAY;
const range = `from=${new Date(END - 60 * DAY).toISOString()}&to=${new Date(END).toISOString()}`;

/** 40 days at 5 minutes: an outage every 7th day (12 failures), a blip on every 5th, a gap on day 20, an hour of maintenance on day 10, awkward error text. */
function history() {
  const rows = [];
  for (let t = START, i = 0; t < END; t += STEP, i++) {
    const day = Math.floor((t - START) / DAY);
    const inDay = t - START - day * DAY;
    if (day === 20 && inDay >= 3 * H && inDay < 5 * H) continue;
    const outage = day % 7 === 3 && inDay >= 8 * H && inDay < 9 * H;
    const blip = day % 5 === 1 && inDay === 15 * H;
    const down = outage || blip;
    rows.push({
      checked_at: new Date(t).toISOString(),
      is_available: !down,
      status_code: down ? (outage ? null : 500) : 200,
      response_time: down && outage ? null : 120 + (i % 37) * 3.5 + (day % 4) * 10,
      error_message: outage ? 'connect ECONNREFUSED, said "no"\nagain' : blip ? ' HTTP 500 ' : null,
      in_maintenance: day === 10 && inDay >= 1 * H && inDay < 2 * H,
    });
  }
  return rows;
}

async function project(title: string, token = owner.token): Promise<number> {
  const r = await app.request('POST', '/api/v1/projects', { token, body: { title, url: 'https://shop.example.com/' } });
  expect(r.status, r.text).toBe(201);
  return r.body.id as number;
}

const sla = async (id: number, token = viewer.token) => {
  const r = await app.request('GET', `/api/v1/projects/${id}/reports/sla?${range}&target=99.5`, { token });
  expect(r.status, r.text).toBe(200);
  const { project_id: _, ...rest } = r.body;
  return rest;
};

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.user('admin');
  owner = await app.user('user', 'Owner');
  viewer = await app.user('viewer', 'Viewer');
  source = await project('Shop');
  const r = await app.request('POST', `/api/v1/projects/${source}/results/import`, { token: owner.token, body: { results: history() } });
  expect(r.status, r.text).toBe(200);
  expect(r.body.incidents).toBe(6);
});
afterAll(async () => app?.close());

describe('CSV export round trip', () => {
  it('exports the import columns, which import into another project and give the same report', async () => {
    expect([...CSV_COLUMNS]).toEqual([...IMPORT_COLUMNS, ...OPTIONAL_IMPORT_COLUMNS]);
    const csv = await app.request('GET', `/api/v1/projects/${source}/logs/export.csv`, { token: viewer.token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.csv"$/);
    expect(csv.text.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    // The hour of maintenance goes out and comes back in (twelve results of five minutes).
    expect(csv.text.match(/,true\r\n/g)?.length).toBe(12);
    const copy = await project('Shop copy');
    const imported = await app.request('POST', `/api/v1/projects/${copy}/results/import`, { token: owner.token, raw: csv.text, headers: { 'content-type': 'text/csv' } });
    expect(imported.status, imported.text).toBe(200);
    expect(imported.body).toEqual({ imported: history().length, skipped: 0, incidents: 6 });
    const [a, b] = [await sla(source), await sla(copy)];
    expect(b).toEqual({ ...a, incidents: a.incidents.map((i: { id: number }, k: number) => ({ ...i, id: b.incidents[k].id })) });
    expect(a.incident_count).toBe(6);
    expect(a.maintenance_minutes).toBe(60);
    // And the copy exports the same text.
    const again = await app.request('GET', `/api/v1/projects/${copy}/logs/export.csv`, { token: viewer.token });
    expect(again.text).toBe(csv.text);
  });
});

describe('printable SLA report', () => {
  it('is one self-contained page with the report\'s figures, in the reader\'s language', async () => {
    const report = await sla(source);
    for (const [language, words] of [['en', ['SLA report', 'Daily availability', 'Incidents', 'SLA missed']], ['ko', ['SLA 리포트', '일별 가용률', '인시던트', 'SLA 미달']]] as const) {
      const s = await app.request('PUT', '/api/v1/users/me/settings', { token: viewer.token, body: { language, timezone: 'Asia/Seoul' } });
      expect(s.status, s.text).toBe(200);
      const r = await app.request('GET', `/api/v1/projects/${source}/reports/sla.html?${range}&target=99.5`, { token: viewer.token });
      expect(r.status, r.text).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = r.text;
      expect(html).toContain(`<html lang="${language}">`);
      for (const w of words) expect(html).toContain(w);
      const locale = language === 'ko' ? 'ko-KR' : 'en-GB';
      const pct = (v: number) => `${new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(v)}%`;
      expect(html).toContain(pct(report.availability));
      expect(html).toContain(new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(report.downtime_minutes));
      expect(html).toContain(`${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(report.response_time.p95)} ms`);
      // Every day and every incident of the report is on the page; the error text is escaped.
      for (const d of report.daily) expect(html).toContain(`<td>${d.date}</td>`);
      expect(html.match(/connect ECONNREFUSED/g)?.length).toBe(report.incidents.length);
      expect(html).toContain('connect ECONNREFUSED, said &#34;no&#34;');
      expect((html.match(/<rect class="(ok|bad)"/g) ?? []).length).toBe(report.daily.filter((d: { availability: number | null }) => d.availability !== null).length);
      expect(html).toContain('<polyline class="line"');
      // Nothing is fetched from anywhere: no src, href, url(), @import; the only address is the project's, as text.
      expect(html).not.toMatch(/\ssrc=|\shref=|url\(|@import|<script|<link|<img|<iframe/i);
      expect(html.match(/https?:\/\/[^\s<"]+/g)).toEqual(['https://shop.example.com/']);
      expect(html).toContain('@media print');
    }
  });

  it('prints to PDF through Chromium', async () => {
    const report = await sla(source);
    const r = await fetch(`${app.url}/api/v1/projects/${source}/reports/sla.pdf?${range}&target=99.5`, { headers: { authorization: `Bearer ${viewer.token}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="sla-project-\d+-.+\.pdf"$/);
    const pdf = Buffer.from(await r.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdf.toString('latin1');
    expect(text.match(/\/Type\s*\/Page[^s]/g)?.length).toBeGreaterThanOrEqual(2);
    // The document title (the page's <title>) carries the availability; Chromium writes it UTF-16BE.
    const title = /\/Title\s*\(((?:\\.|[^\\)])*)\)|\/Title\s*<([0-9A-Fa-f]+)>/.exec(text);
    expect(title).not.toBeNull();
    const decoded = title![2] !== undefined ? Buffer.from(title![2], 'hex').swap16().toString('utf16le') : title![1]!;
    expect(decoded).toContain(new Intl.NumberFormat('ko-KR', { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(report.availability));
  }, 90_000);

  it('answers bad input and unknown projects like the JSON report', async () => {
    expectInvalid(await app.request('GET', `/api/v1/projects/${source}/reports/sla.html?target=0`, { token: viewer.token }), 'target');
    expectInvalid(await app.request('GET', `/api/v1/projects/${source}/reports/sla.pdf?period=5y`, { token: viewer.token }), 'period');
    expectErrorBody(await app.request('GET', '/api/v1/projects/999999/reports/sla.html', { token: viewer.token }), 404);
    expectErrorBody(await app.request('GET', `/api/v1/projects/${source}/reports/sla.pdf`), 401);
  });
});

describe('cleanup keeps reports', () => {
  it('gives the same report over the period before and after a 30-day log cleanup', async () => {
    const before = await sla(source);
    expect(before.response_time.source).toBe('raw');
    const cleaned = await app.request('POST', '/api/v1/admin/cleanup/logs', { token: admin.token, body: { retention_days: 30 } });
    expect(cleaned.status, cleaned.text).toBe(200);
    expect(cleaned.body.log_rows_deleted).toBeGreaterThan(2000);
    const after = await sla(source);
    expect(after.response_time.source).toBe('rollup');
    const { response_time: rtBefore, ...restBefore } = before;
    const { response_time: rtAfter, ...restAfter } = after;
    expect(restAfter).toEqual(restBefore);
    expect([rtAfter.avg, rtAfter.min, rtAfter.max]).toEqual([rtBefore.avg, rtBefore.min, rtBefore.max]);
    expect(Math.abs(rtAfter.p95 - rtBefore.p95) / rtBefore.p95).toBeLessThanOrEqual(0.02);
    expectErrorBody(await app.request('POST', '/api/v1/admin/cleanup/logs', { token: viewer.token, body: {} }), 403);
  });
});
