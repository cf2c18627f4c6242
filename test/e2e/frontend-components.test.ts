import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchChromium, open } from './frontend-browser.ts';

// The frontend's modules in the browser they are written for: each test imports them into a loaded
// page (sharing that page's module instances and Korean catalog) and drives them with known data.
// The import goes through a page function: vitest would rewrite an import() written in the test.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Module = Record<string, any>;
type PmWindow = { pmImport(path: string): Promise<Module> };

let app: TestApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  page = await browser.newPage({ locale: 'ko-KR', viewport: { width: 1024, height: 800 } });
  await page.addInitScript('window.pmImport = (path) => import(path);');
  await open(page, app.url, 'status.html');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const START = Date.parse('2026-10-16T00:00:00Z');

describe('time-series chart (uPlot)', () => {
  it('draws the response-time points it is given: average, p95 band, gaps, the container width', async () => {
    const r = await page.evaluate(async (start) => {
      const { createTimeSeriesChart } = await (window as unknown as PmWindow).pmImport('/frontend/js/components/time-series-chart.js');
      const host = document.createElement('div');
      host.id = 'chart-rt';
      host.style.width = '800px';
      document.querySelector('main')!.append(host);
      const points = Array.from({ length: 288 }, (_, i) => ({ time: new Date(start + i * 300_000).toISOString(), avg: 100 + (i % 50), p95: i === 10 ? null : 200 + (i % 50) }));
      const chart = createTimeSeriesChart(host, { kind: 'response-time', points }, { label: 'Response time', height: 240 });
      await new Promise((r) => requestAnimationFrame(r));
      const p = chart.plot;
      return {
        columns: p.data.length,
        n: p.data[0].length,
        t0: p.data[0][0],
        t1: p.data[0][1],
        avg5: p.data[1]![5],
        p9510: p.data[2]![10],
        p9511: p.data[2]![11],
        labels: p.series.map((s: { label?: string }) => s.label),
        width: p.width,
        height: p.height,
        canvas: [p.ctx.canvas.width, p.ctx.canvas.height],
        dpr: devicePixelRatio,
        ready: p.status,
        points: host.querySelector('figure')?.dataset['points'],
        aria: p.ctx.canvas.getAttribute('aria-label'),
      };
    }, START);
    expect(r.columns).toBe(3);
    expect(r.n).toBe(288);
    expect([r.t0, r.t1]).toEqual([START / 1000, START / 1000 + 300]);
    expect([r.avg5, r.p9510, r.p9511]).toEqual([105, null, 211]);
    expect(r.labels).toEqual(['시각', '평균 응답 시간', 'p95']);
    expect([r.width, r.height, r.ready]).toEqual([800, 240, 1]);
    expect(r.canvas[0]).toBeGreaterThanOrEqual(Math.floor(800 * r.dpr * 0.9));
    expect(r.canvas[1]).toBeGreaterThan(0);
    expect(r.points).toBe('288');
    expect(r.aria).toMatch(/^Response time\. 288개 구간/);
  });

  it('follows its container when it is resized', async () => {
    const width = await page.evaluate(async () => {
      const host = document.getElementById('chart-rt')!;
      host.style.width = '520px';
      for (let i = 0; i < 50; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const canvas = host.querySelector('canvas');
        if (canvas && canvas.parentElement && host.querySelector('.uplot')?.getBoundingClientRect().width === 520) break;
      }
      return host.querySelector('.uplot')?.getBoundingClientRect().width;
    });
    expect(width).toBe(520);
  });

  it('redraws in the dark theme colours when the theme changes', async () => {
    const r = await page.evaluate(async () => {
      const { createTimeSeriesChart } = await (window as unknown as PmWindow).pmImport('/frontend/js/components/time-series-chart.js');
      const { applyTheme } = await (window as unknown as PmWindow).pmImport('/frontend/js/lib/theme.js');
      const host = document.createElement('div');
      document.querySelector('main')!.append(host);
      const chart = createTimeSeriesChart(host, { kind: 'response-time', points: [{ time: 0, avg: 1, p95: 2 }, { time: 60_000, avg: 2, p95: 3 }] }, { label: 'rt' });
      const stroke = () => {
        const s = chart.plot.series[1]!.stroke as unknown as (u: unknown, i: number) => string;
        return s(chart.plot, 1);
      };
      const light = stroke();
      const before = chart.plot;
      applyTheme('dark');
      const dark = stroke();
      const rebuilt = chart.plot !== before;
      applyTheme('light');
      const data = chart.plot.data[1];
      chart.destroy();
      return { light, dark, rebuilt, back: stroke(), data, left: host.children.length };
    });
    expect(r).toEqual({ light: '#2457d6', dark: '#7aa2ff', rebuilt: true, back: '#2457d6', data: [1, 2], left: 0 });
  });

  it('draws availability per bucket with its gaps, on a percent scale that ends at 100', async () => {
    const r = await page.evaluate(async (start) => {
      const { createTimeSeriesChart } = await (window as unknown as PmWindow).pmImport('/frontend/js/components/time-series-chart.js');
      const host = document.createElement('div');
      document.querySelector('main')!.append(host);
      const values = [100, 100, 97.5, null, 100, 99.2];
      const chart = createTimeSeriesChart(host, { kind: 'availability', points: values.map((availability, i) => ({ time: start + i * 3_600_000, availability })) }, { label: 'Availability' });
      await new Promise((r) => requestAnimationFrame(r));
      const p = chart.plot;
      const out = { columns: p.data.length, values: p.data[1], max: p.scales['y']!.max, min: p.scales['y']!.min, labels: p.series.map((s: { label?: string }) => s.label) };
      chart.destroy();
      return out;
    }, START);
    expect(r.columns).toBe(2);
    expect(r.values).toEqual([100, 100, 97.5, null, 100, 99.2]);
    expect(r.max).toBe(100);
    expect(r.min).toBeLessThanOrEqual(96.5);
    expect(r.labels).toEqual(['시각', '가용률']);
  });

  it('takes 43,200 points (30 days at one minute) and labels time in the user’s time zone', async () => {
    const r = await page.evaluate(async (start) => {
      localStorage.setItem('pym.settings', JSON.stringify({ timezone: 'America/New_York' }));
      const { createTimeSeriesChart } = await (window as unknown as PmWindow).pmImport('/frontend/js/components/time-series-chart.js');
      const host = document.createElement('div');
      document.querySelector('main')!.append(host);
      const points = Array.from({ length: 43_200 }, (_, i) => ({ time: start + i * 60_000, avg: 80 + (i % 97), p95: 150 + (i % 89) }));
      const chart = createTimeSeriesChart(host, { kind: 'response-time', points: points.slice(0, 10) }, { label: 'rt' });
      chart.setData({ kind: 'response-time', points });
      const p = chart.plot;
      const axisValues = p.axes[0]!.values as unknown as (u: unknown, splits: number[]) => string[];
      const hours = axisValues(p, [start / 1000, start / 1000 + 3600]);
      const drawn = { n: p.data[0].length, last: p.data[1]![43_199], points: host.querySelector('figure')?.dataset['points'] };
      chart.destroy();
      // The zone is read when a chart is made (a settings change reloads the page).
      localStorage.setItem('pym.settings', JSON.stringify({ timezone: 'Asia/Seoul' }));
      const other = createTimeSeriesChart(host, { kind: 'response-time', points: points.slice(0, 10) }, { label: 'rt' });
      const seoul = (other.plot.axes[0]!.values as unknown as (u: unknown, splits: number[]) => string[])(other.plot, [start / 1000, start / 1000 + 3600]);
      localStorage.removeItem('pym.settings');
      const out = { ...drawn, hours, seoul };
      other.destroy();
      return out;
    }, START);
    expect(r.n).toBe(43_200);
    expect(r.last).toBe(80 + (43_199 % 97));
    expect(r.points).toBe('43200');
    expect(r.hours).toEqual(['20:00', '21:00']);
    expect(r.seoul).toEqual(['09:00', '10:00']);
  });
});

describe('90-day uptime bar', () => {
  it('has one cell per day whose title and aria-label carry the date and availability, and shows a day on focus', async () => {
    const r = await page.evaluate(async () => {
      const { createUptimeBar } = await (window as unknown as PmWindow).pmImport('/frontend/js/components/uptime-bar.js');
      const days = Array.from({ length: 90 }, (_, i) => {
        const date = new Date(Date.UTC(2026, 6, 19 + i)).toISOString().slice(0, 10);
        return { date, availability: date === '2026-10-16' ? 95.83333 : date === '2026-10-01' ? null : 100, downtime_minutes: date === '2026-10-16' ? 60 : 0, incident_count: date === '2026-10-16' ? 1 : 0 };
      });
      const bar = createUptimeBar(days, { label: '90일 가용률', incidents: { '2026-10-16': [{ started_at: '2026-10-16T03:00:00Z', ended_at: '2026-10-16T04:00:00Z', error_message: 'HTTP 503' }] } });
      document.querySelector('main')!.append(bar);
      const cells = [...bar.querySelectorAll('li.uptime-cell')];
      const last = cells[cells.length - 1] as HTMLElement;
      last.focus();
      const detail = bar.querySelector('.uptime-detail')!.textContent;
      const lastCell = [last.getAttribute('title'), last.getAttribute('aria-label'), last.className];
      last.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
      const focused = (document.activeElement as HTMLElement).dataset['date'];
      const gap = cells.find((c) => (c as HTMLElement).dataset['date'] === '2026-10-01')!;
      return {
        count: cells.length,
        first: cells[0]!.getAttribute('aria-label'),
        last: lastCell,
        gap: [gap.getAttribute('aria-label'), gap.className],
        detail,
        focused,
        tabStops: cells.filter((c) => (c as HTMLElement).tabIndex === 0).length,
        listLabel: bar.querySelector('ol')!.getAttribute('aria-label'),
      };
    });
    expect(r.count).toBe(90);
    expect(r.first).toBe('2026-07-19: 100%');
    expect(r.last).toEqual(['2026-10-16: 95.83%', '2026-10-16: 95.83%', 'uptime-cell partial selected']);
    expect(r.gap).toEqual(['2026-10-01: 데이터 없음', 'uptime-cell nodata']);
    expect(r.detail).toContain('2026-10-16: 95.83% · 다운타임 60분 · 장애 1건');
    expect(r.detail).toContain('HTTP 503');
    expect(r.focused).toBe('2026-10-15');
    expect(r.tabStops).toBe(1);
    expect(r.listLabel).toBe('90일 가용률');
  });
});

describe('sparkline', () => {
  it('draws the successful response times as a line and failures as dots', async () => {
    const r = await page.evaluate(async () => {
      const { createSparkline } = await (window as unknown as PmWindow).pmImport('/frontend/js/components/sparkline.js');
      const s = createSparkline([{ value: 100, ok: true }, { value: null, ok: false }, { value: 300, ok: true }, { value: 200, ok: true }], { label: 'trend' });
      return { points: s.querySelector('polyline')?.getAttribute('points')?.split(' ').length, fails: s.querySelectorAll('circle.fail').length, label: s.getAttribute('aria-label'), role: s.getAttribute('role') };
    });
    expect(r).toEqual({ points: 3, fails: 1, label: 'trend', role: 'img' });
  });
});

describe('paged table', () => {
  it('renders one page of a thousand rows at a time, pages, filters and updates one row', async () => {
    const r = await page.evaluate(async () => {
      const { createPagedTable } = await (window as unknown as PmWindow).pmImport('/frontend/js/components/paged-table.js');
      const rows = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, name: `p${i + 1}` }));
      const table = createPagedTable({
        caption: 'projects', pageSize: 50, rowKey: (x: { id: number }) => x.id, empty: () => 'none',
        columns: [{ header: 'Name', cell: (x: { name: string }) => x.name }],
      });
      document.querySelector('main')!.append(table.element);
      const state = () => ({ rows: table.body.querySelectorAll('tr').length, first: table.body.querySelector('td')?.textContent, status: table.element.querySelector('.pager-status')?.textContent, page: table.page });
      table.setRows(rows);
      const p1 = state();
      (table.element.querySelector('[data-page="next"]') as HTMLButtonElement).click();
      const p2 = state();
      table.goTo(20);
      const p20 = { ...state(), nextDisabled: (table.element.querySelector('[data-page="next"]') as HTMLButtonElement).disabled };
      rows[960]!.name = 'renamed';
      table.update(961);
      const updated = table.body.querySelector('tr[data-key="961"] td')?.textContent;
      table.setRows(rows.filter((x) => x.name.endsWith('7')));
      const filtered = state();
      table.setRows([]);
      const empty = { ...state(), pagerHidden: (table.element.querySelector('.pager') as HTMLElement).hidden };
      table.element.remove();
      return { p1, p2, p20, updated, filtered, empty };
    });
    expect(r.p1).toEqual({ rows: 50, first: 'p1', status: '1–50 / 전체 1000', page: 1 });
    expect(r.p2).toEqual({ rows: 50, first: 'p51', status: '51–100 / 전체 1000', page: 2 });
    expect(r.p20).toEqual({ rows: 50, first: 'p951', status: '951–1000 / 전체 1000', page: 20, nextDisabled: true });
    expect(r.updated).toBe('renamed');
    // Still on a page that exists: the second of the 100 rows ending in 7.
    expect(r.filtered).toEqual({ rows: 50, first: 'p507', status: '51–100 / 전체 100', page: 2 });
    expect(r.empty).toEqual({ rows: 1, first: 'none', status: '0–0 / 전체 0', page: 1, pagerHidden: true });
  });
});

describe('formatting in the user’s time zone', () => {
  it('finds calendar days, wall-clock times and instants in two time zones, across a DST change', async () => {
    const r = await page.evaluate(async () => {
      const f = await (window as unknown as PmWindow).pmImport('/frontend/js/lib/format.js');
      return {
        daySeoul: f.dayKey('2026-03-07T15:30:00Z', 'Asia/Seoul'),
        dayNewYork: f.dayKey('2026-03-07T15:30:00Z', 'America/New_York'),
        wallSeoul: f.toWallTime('2026-10-16T03:04:00Z', 'Asia/Seoul'),
        backSeoul: f.fromWallTime('2026-10-16T12:04', 'Asia/Seoul'),
        // 2026-03-08 02:30 does not exist in New York (clocks jump from 02:00 to 03:00).
        skipped: f.fromWallTime('2026-03-08T02:30', 'America/New_York'),
        before: f.fromWallTime('2026-03-08T01:30', 'America/New_York'),
        after: f.fromWallTime('2026-03-08T03:30', 'America/New_York'),
        // 2026-11-01 01:30 happens twice; the first one is meant.
        twice: f.fromWallTime('2026-11-01T01:30', 'America/New_York'),
        berlin: f.fromWallTime('2026-10-25T01:30', 'Europe/Berlin'),
        bad: f.fromWallTime('tomorrow', 'Asia/Seoul'),
        dateTime: f.formatDateTime('2026-10-16T03:04:05Z', { timeZone: 'America/New_York', locale: 'en-US' }),
        percents: [95.83333, 99.999, 100, 99.9, 0, null].map((v) => f.formatPercent(v)),
        ms: [0.5, 42.4, 1234].map((v) => f.formatMs(v)),
        relative: f.formatRelative(Date.now() - 180_000, Date.now(), 'en-US'),
      };
    });
    expect(r).toEqual({
      daySeoul: '2026-03-08',
      dayNewYork: '2026-03-07',
      wallSeoul: '2026-10-16T12:04',
      backSeoul: '2026-10-16T03:04:00.000Z',
      skipped: '2026-03-08T07:30:00.000Z',
      before: '2026-03-08T06:30:00.000Z',
      after: '2026-03-08T07:30:00.000Z',
      twice: '2026-11-01T05:30:00.000Z',
      berlin: '2026-10-24T23:30:00.000Z',
      bad: null,
      dateTime: 'Oct 15, 2026, 11:04:05 PM',
      percents: ['95.83%', '99.99%', '100%', '99.9%', '0%', '—'],
      ms: ['0.5 ms', '42 ms', '1.23 s'],
      relative: '3 minutes ago',
    });
  });
});

describe('roles', () => {
  it('lets managers change any project, users their own, viewers none', async () => {
    const r = await page.evaluate(async () => {
      const roles = await (window as unknown as PmWindow).pmImport('/frontend/js/lib/roles.js');
      const own = { owner_id: 7 };
      const other = { owner_id: 8 };
      return (['admin', 'manager', 'user', 'viewer'] as const).map((role) => [
        role,
        roles.canCreateProject(role),
        roles.canEditProject({ id: 7, role }, own),
        roles.canEditProject({ id: 7, role }, other),
        roles.canDeleteProject(role),
      ]);
    });
    expect(r).toEqual([
      ['admin', true, true, true, true],
      ['manager', true, true, true, true],
      ['user', true, true, false, false],
      ['viewer', false, false, false, false],
    ]);
  });
});

describe('API client', () => {
  it('fills path templates, and turns an error body into an ApiError with its fields', async () => {
    const r = await page.evaluate(async () => {
      const { call, ApiError } = await (window as unknown as PmWindow).pmImport('/frontend/js/lib/api.js');
      const health = await call('get', '/health', { auth: false });
      try {
        await call('post', '/auth/register', { auth: false, body: { email: 'not-an-email', password: 'x', name: '' } });
        return { health, error: null };
      } catch (err) {
        const e = err as InstanceType<typeof ApiError>;
        return { health, error: { isApiError: err instanceof ApiError, status: e.status, code: e.code, fields: e.errors.map((x: { field: string }) => x.field).sort() } };
      }
    });
    expect(r.health).toMatchObject({ status: 'ok' });
    expect(r.error).toEqual({ isApiError: true, status: 400, code: 'VALIDATION', fields: expect.arrayContaining(['email', 'password']) });
  });
});

describe('avatar', () => {
  it('shows the picture when it loads and the initials when it does not', async () => {
    const r = await page.evaluate(async () => {
      const { createAvatar } = await (window as unknown as PmWindow).pmImport('/frontend/js/components/avatar.js');
      const settle = (node: HTMLElement) => new Promise<string | undefined>((resolve) => {
        const check = () => (node.dataset['avatar'] !== 'initials' ? resolve(node.dataset['avatar']) : setTimeout(check, 20));
        check();
      });
      const good = createAvatar({ name: 'Kim Min', src: '/frontend/favicon.svg', alt: 'Kim Min' });
      const bad = createAvatar({ name: '민수', src: '/frontend/missing.png', alt: '민수' });
      document.querySelector('main')!.append(good, bad);
      return { good: await settle(good), bad: await settle(bad), badText: bad.textContent, none: createAvatar({ name: 'Solo', alt: 'Solo' }).textContent };
    });
    expect(r).toEqual({ good: 'image', bad: 'fallback', badText: '민', none: 'S' });
  });
});
