import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../layers/model/user.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { catalogs, launchChromium, open, scrollsSideways, signIn, watchProblems } from './frontend-browser.ts';

// Every dashboard page in the real Chromium, as each role and signed out: the role's controls only,
// Korean and English, light and dark, a 390 px phone without sideways scrolling, nothing in the console.

type Person = { id: number; email: string; token: string; role: Role };
type Variant = { lang: 'ko' | 'en'; theme: 'light' | 'dark'; width: number };

let app: TestApp;
let browser: Browser;
const people = {} as Record<Role, Person>;
let adminProject: number;
let userProject: number;

const VARIANTS: Variant[] = [
  { lang: 'ko', theme: 'light', width: 1280 },
  { lang: 'en', theme: 'dark', width: 390 },
];
const BACKGROUND = { light: 'rgb(244, 246, 250)', dark: 'rgb(15, 19, 27)' };

beforeAll(async () => {
  app = await startTestApp();
  for (const role of ['admin', 'manager', 'user', 'viewer'] as const) people[role] = await app.user(role, `${role[0]!.toUpperCase()}${role.slice(1)} Person`);
  const a = await app.request('POST', '/api/v1/projects', { token: people.admin.token, body: { title: 'Admin site', url: 'http://127.0.0.1:9/a', tags: 'web' } });
  const u = await app.request('POST', '/api/v1/projects', { token: people.user.token, body: { title: 'User site', url: 'http://127.0.0.1:9/u' } });
  expect([a.status, u.status]).toEqual([201, 201]);
  adminProject = a.body.id;
  userProject = u.body.id;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function useSettings(person: Person, v: Variant) {
  const r = await app.request('PUT', '/api/v1/users/me/settings', {
    token: person.token,
    body: { theme: v.theme, language: v.lang, timezone: 'Asia/Seoul', email_notifications: true },
  });
  expect(r.status, r.text).toBe(200);
}

/** What every page must show in a variant. */
async function expectVariant(page: Page, v: Variant, headingKey: string, vars: Record<string, string> = {}) {
  expect(await page.getAttribute('html', 'lang')).toBe(v.lang);
  expect(await page.getAttribute('html', 'data-theme')).toBe(v.theme);
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(BACKGROUND[v.theme]);
  let heading = catalogs[v.lang][headingKey] ?? headingKey;
  for (const [k, val] of Object.entries(vars)) heading = heading.replace(`{${k}}`, val);
  expect(await page.textContent('h1')).toBe(heading);
  expect(await scrollsSideways(page), `${page.url()} scrolls sideways at ${v.width} px`).toBe(false);
}

const visible = (page: Page, selector: string) => page.locator(selector).isVisible();

describe('signed-in pages, per role', () => {
  for (const role of ['admin', 'manager', 'user', 'viewer'] as const) {
    it(`${role}: every page in ko/light at 1280 px and en/dark at 390 px, with only the controls the role may use`, async () => {
      const me = people[role];
      const manages = role === 'admin' || role === 'manager';
      for (const v of VARIANTS) {
        await useSettings(me, v);
        const context = await browser.newContext({ viewport: { width: v.width, height: 900 }, locale: v.lang === 'ko' ? 'ko-KR' : 'en-US' });
        const page = await signIn(context, app.url, me.token);
        const problems = watchProblems(page);

        await open(page, app.url, 'index.html');
        await expectVariant(page, v, 'dashboard.heading');
        await page.locator('#projects-body tr[data-key]').first().waitFor();
        expect(await visible(page, '#add-project')).toBe(role !== 'viewer');
        expect(await page.locator('.app-nav a[href="project.html"]').count()).toBe(role === 'viewer' ? 0 : 1);
        const edits = await page.locator('#projects-body [data-action="edit"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        const expected = manages ? [adminProject, userProject] : role === 'user' ? [userProject] : [];
        expect(edits.sort()).toEqual(expected.map((id) => `project.html?id=${id}`).sort());
        expect(await page.locator('#projects-body [data-action="view"]').count()).toBe(2 - expected.length);
        expect(await page.textContent('#header-user-name')).toBe(`${role[0]!.toUpperCase()}${role.slice(1)} Person · ${catalogs[v.lang][`role.${role}`]}`);

        await open(page, app.url, `project.html?id=${adminProject}`);
        if (manages) await expectVariant(page, v, 'project.heading_edit', { title: 'Admin site' });
        else await expectVariant(page, v, 'Admin site');
        expect(await visible(page, '#save')).toBe(manages);
        expect(await visible(page, '#delete')).toBe(manages);
        expect(await page.isDisabled('#title')).toBe(!manages);
        expect(await visible(page, '#readonly-note')).toBe(!manages);

        await open(page, app.url, `project.html?id=${userProject}`);
        expect(await visible(page, '#save')).toBe(role !== 'viewer');
        expect(await visible(page, '#delete')).toBe(manages);

        await open(page, app.url, 'project.html');
        await expectVariant(page, v, 'project.heading_new');
        expect(await visible(page, '#save')).toBe(role !== 'viewer');
        expect(await visible(page, '#readonly-note')).toBe(role === 'viewer');

        await open(page, app.url, 'profile.html');
        await expectVariant(page, v, 'profile.heading');
        expect(await page.inputValue('#timezone')).toBe('Asia/Seoul');
        expect(await page.textContent('#me-role')).toBe(catalogs[v.lang][`role.${role}`]);

        await open(page, app.url, 'tools.html');
        await expectVariant(page, v, 'tools.heading');
        expect(await page.locator('[role="tab"]').count()).toBe(9);

        await open(page, app.url, 'status.html');
        await expectVariant(page, v, 'status.heading');
        expect(await page.locator('.app-nav').count()).toBe(1);

        expect(problems).toEqual([]);
        await context.close();
      }
    });
  }
});

describe('signed out', () => {
  for (const v of VARIANTS) {
    it(`login, register and the status page in ${v.lang}/${v.theme} at ${v.width} px, without the signed-in navigation`, async () => {
      const context = await browser.newContext({
        viewport: { width: v.width, height: 900 },
        locale: v.lang === 'ko' ? 'ko-KR' : 'en-US',
        colorScheme: v.theme,
      });
      const page = await context.newPage();
      const problems = watchProblems(page);
      // Before sign-in the browser's language decides; the sign-in pages are light unless a theme was cached.
      if (v.theme === 'dark') {
        await page.goto(`${app.url}/frontend/favicon.svg`);
        await page.evaluate(() => localStorage.setItem('pym.settings', JSON.stringify({ theme: 'dark' })));
      }
      await open(page, app.url, 'login.html');
      await expectVariant(page, v, 'login.heading');
      await open(page, app.url, 'register.html');
      await expectVariant(page, v, 'register.heading');
      await open(page, app.url, 'status.html');
      await expectVariant(page, v, 'status.heading');
      expect(await page.locator('.app-nav').count()).toBe(0);
      expect(await page.locator('#logout').count()).toBe(0);
      expect(await page.locator('#app-header a[href="login.html"]').count()).toBe(1);
      expect(problems).toEqual([]);
      await context.close();
    });
  }

  it('sends a signed-out visitor of a signed-in page to login, and back after signing in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.url}/frontend/html/profile.html`);
    await page.waitForURL(/\/login\.html\?next=%2Ffrontend%2Fhtml%2Fprofile\.html$/);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.fill('#username', people.viewer.email);
    await page.fill('#password', 'correct-horse-1');
    await page.click('#login-form button[type="submit"]');
    await page.waitForURL(/\/profile\.html$/);
    await context.close();
  });
});

describe('theme and language before the first paint', () => {
  it('applies the cached dark theme before any module has run', async () => {
    await useSettings(people.user, { lang: 'ko', theme: 'dark', width: 1280 });
    const context = await browser.newContext();
    const page = await signIn(context, app.url, people.user.token);
    await page.evaluate(() => localStorage.setItem('pym.settings', JSON.stringify({ theme: 'dark', language: 'ko' })));
    // Hold the page's module back: what is on screen meanwhile comes from the markup and boot.js.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/js/pages/dashboard.js', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${app.url}/frontend/html/index.html`, { waitUntil: 'commit' });
    await page.locator('main').waitFor({ state: 'attached' });
    const early = await page.evaluate(() => ({
      theme: document.documentElement.dataset['theme'],
      background: getComputedStyle(document.body).backgroundColor,
      moduleRan: document.documentElement.classList.contains('i18n-ready'),
    }));
    expect(early).toEqual({ theme: 'dark', background: BACKGROUND.dark, moduleRan: false });
    release();
    await page.locator('body[data-ready="true"]').waitFor();
    await context.close();
  });
});

describe('dashboard with many projects', () => {
  it('loads 120 projects in a fixed number of requests (no request per project) and shows them 50 at a time', async () => {
    for (let i = 0; i < 118; i++) {
      const r = await app.request('POST', '/api/v1/projects', { token: people.manager.token, body: { title: `Bulk ${String(i).padStart(3, '0')}`, url: `http://127.0.0.1:9/${i}` } });
      expect(r.status).toBe(201);
    }
    const context = await browser.newContext();
    const page = await signIn(context, app.url, people.manager.token);
    const api: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/')) api.push(`${r.method()} ${u.pathname}${u.search}`);
    });
    const pageStats = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/dashboard/stats');
    await open(page, app.url, 'index.html');
    expect(api.sort()).toEqual([
      'GET /api/v1/alerts/unread?size=20',
      'GET /api/v1/charts/dashboard?period=24h&per_project=false',
      'GET /api/v1/dashboard/projects?page=1&size=500',
      'GET /api/v1/dashboard/stats',
      'GET /api/v1/users/me',
      'GET /api/v1/users/me/settings',
    ]);
    // The stat cards show what the page's own /dashboard/stats answered (cached 30 s on the server, so
    // possibly from before the bulk; a request of the test's own may come after the cache expired).
    const stats = (await (await pageStats).json()) as { totals: { projects: number } };
    expect(await page.textContent('#stat-total')).toBe(String(stats.totals.projects));
    const rows = page.locator('#projects-body tr[data-key]');
    expect(await rows.count()).toBe(50);
    await page.click('.pager [data-page="next"]');
    expect(await rows.count()).toBe(50);
    await page.click('.pager [data-page="next"]');
    expect(await rows.count()).toBe(20);
    expect(await page.isDisabled('.pager [data-page="next"]')).toBe(true);
    await page.fill('#filter', 'bulk 11');
    const titles = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('.project-title')?.textContent));
    expect(titles.sort()).toEqual(['Bulk 110', 'Bulk 111', 'Bulk 112', 'Bulk 113', 'Bulk 114', 'Bulk 115', 'Bulk 116', 'Bulk 117']);
    expect(await page.locator('.pager').isVisible()).toBe(false);
    await context.close();
  });
});

describe('profile image', () => {
  it('falls back to initials when the image does not load', async () => {
    const r = await app.request('PATCH', '/api/v1/users/me', { token: people.viewer.token, body: { profile_image: '/frontend/no-such-avatar.png' } });
    expect(r.status, r.text).toBe(200);
    const context = await browser.newContext();
    const page = await signIn(context, app.url, people.viewer.token);
    const problems = watchProblems(page);
    await open(page, app.url, 'profile.html');
    await page.locator('#avatar [data-avatar="fallback"]').waitFor();
    expect(await page.locator('#avatar img').count()).toBe(0);
    expect(await page.textContent('#avatar .avatar.initials')).toBe('VP');
    expect(await page.getAttribute('#avatar .avatar.initials', 'aria-label')).toContain('Viewer Person');
    // The one problem is the missing image itself.
    expect(problems.filter((p) => !/no-such-avatar|status of 404/.test(p))).toEqual([]);
    await context.close();
  });
});

describe('strict content security policy', () => {
  const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:*; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

  it("runs every page and a chart under script-src 'self' and style-src 'self': no inline script, handler or style", async () => {
    // A document answered by the test (to add the header) counts as outside the loopback network for
    // Chromium's local-network checks, which would then refuse the dashboard's WebSocket.
    const strict = await launchChromium(['--disable-features=LocalNetworkAccessChecks']);
    const context = await strict.newContext({ viewport: { width: 390, height: 900 } });
    await context.route('**/frontend/html/*.html*', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
    });
    const page = await signIn(context, app.url, people.admin.token);
    const problems = watchProblems(page);
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(`
      document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI));
      window.pmImport = (path) => import(path);
    `);
    for (const path of ['login.html', 'register.html', 'index.html', `project.html?id=${adminProject}`, 'project.html', 'profile.html', 'tools.html', 'status.html']) {
      await open(page, app.url, path);
    }
    await open(page, app.url, 'tools.html#http');
    const drawn = await page.evaluate(async () => {
      const { createTimeSeriesChart } = await (window as unknown as { pmImport(p: string): Promise<Record<string, (...a: unknown[]) => { plot: { data: unknown[][] } }>> }).pmImport('/frontend/js/components/time-series-chart.js');
      const host = document.createElement('div');
      document.querySelector('main')!.append(host);
      const chart = createTimeSeriesChart!(host, { kind: 'response-time', points: [{ time: 0, avg: 1, p95: 2 }, { time: 60_000, avg: 3, p95: 4 }] }, { label: 'rt' });
      await new Promise((r) => setTimeout(r, 100));
      return chart.plot.data[0]!.length;
    });
    expect(drawn).toBe(2);
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    await strict.close();
  });
});
