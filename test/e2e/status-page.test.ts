import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject } from '../integration/api/helpers.ts';
import { hourlyHistory, importHistory, utcDay } from '../integration/status/history.ts';
import { catalogs, launchChromium, open, scrollsSideways, watchProblems } from './frontend-browser.ts';

// The public status page (issue 12) in the real Chromium, signed out, on a 390 px phone, in Korean and
// English: the overall state, each public project's 90-day bar with the known outage day, the incident
// timeline with its updates, the language and theme switches.

let app: TestApp;
let browser: Browser;
const ids = {} as Record<'shop' | 'api' | 'hidden', number>;
const now = new Date();
const OUTAGE_DAY = utcDay(now, -10);

beforeAll(async () => {
  app = await startTestApp();
  const owner = await app.user('user', 'Owner');
  const project = (title: string, is_public: boolean) => createProject(app, owner.token, { title, url: 'http://127.0.0.1:9/', is_public, status_interval: 3600, category: 'Web' });
  ids.shop = await project('Shop front', true);
  ids.api = await project('Checkout API', true);
  ids.hidden = await project('Hidden admin', false);
  const start = new Date(now.getTime() - 60 * 86_400_000);
  await importHistory(app, owner.token, ids.shop, hourlyHistory(start, now, () => true));
  await importHistory(app, owner.token, ids.hidden, hourlyHistory(start, now, () => true));
  await importHistory(app, owner.token, ids.api, hourlyHistory(start, now, (at) => !(at.toISOString().slice(0, 10) === OUTAGE_DAY && at.getUTCHours() >= 10 && at.getUTCHours() < 14)));
  const incidents = await app.request('GET', `/api/v1/projects/${ids.api}/incidents`, { token: owner.token });
  const incident = incidents.body.items[0].id as number;
  await app.request('PATCH', `/api/v1/incidents/${incident}`, { token: owner.token, body: { title: 'Payments failing', postmortem: 'A certificate expired on the payment gateway.' } });
  await app.request('POST', `/api/v1/incidents/${incident}/updates`, { token: owner.token, body: { status: 'investigating', message: 'We see failed payments.' } });
  await app.request('POST', `/api/v1/incidents/${incident}/updates`, { token: owner.token, body: { status: 'resolved', message: 'Payments work again.' } });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();

describe('status.html signed out on a 390 px phone', () => {
  for (const lang of ['ko', 'en'] as const) {
    it(`shows the overall state and each public project's 90-day bar in ${lang}`, async () => {
      const c = catalogs[lang];
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: lang === 'ko' ? 'ko-KR' : 'en-US', hasTouch: true });
      const page = await context.newPage();
      const problems = watchProblems(page);
      await open(page, app.url, 'status.html');
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(await page.textContent('h1')).toBe(c['status.heading']);
      expect(await page.locator('.app-nav').count()).toBe(0);
      expect(await page.textContent('#overall-heading')).toBe(c['status.overall.operational']);
      expect(await texts(page, '.status-project h2')).toEqual(['Shop front', 'Checkout API']);
      expect(await page.content()).not.toContain('Hidden admin');

      const api = page.locator(`.status-project[data-id="${ids.api}"]`);
      await api.locator('li.uptime-cell').first().waitFor();
      expect(await api.locator('li.uptime-cell').count()).toBe(90);
      const day = api.locator(`li.uptime-cell[data-date="${OUTAGE_DAY}"]`);
      expect(await day.getAttribute('title')).toBe(`${OUTAGE_DAY}: 83.33%`);
      expect(await day.getAttribute('aria-label')).toBe(`${OUTAGE_DAY}: 83.33%`);
      expect(await api.locator(`li.uptime-cell[data-date="${utcDay(now, -80)}"]`).getAttribute('title')).toBe(`${utcDay(now, -80)}: ${c['uptime.no_data']}`);
      await day.tap();
      const detail = await api.locator('.uptime-detail').textContent();
      expect(detail).toContain('Payments failing');
      expect(detail).toContain(c['uptime.incidents']!.replace('{n}', '1'));
      expect(await scrollsSideways(page)).toBe(false);

      // The language switch, without a reload; kept for the next visit.
      const other = lang === 'ko' ? 'en' : 'ko';
      await page.click(`.lang-switch button[lang="${other}"]`);
      await page.waitForFunction((l) => document.documentElement.lang === l, other);
      expect(await page.textContent('h1')).toBe(catalogs[other]['status.heading']);
      await page.locator(`.status-project[data-id="${ids.api}"] li.uptime-cell`).first().waitFor();
      expect(await page.getAttribute(`.lang-switch button[lang="${other}"]`, 'aria-pressed')).toBe('true');
      await open(page, app.url, 'status.html');
      expect(await page.getAttribute('html', 'lang')).toBe(other);

      // The theme switch.
      const before = await page.getAttribute('html', 'data-theme');
      await page.click('#theme-switch');
      expect(await page.getAttribute('html', 'data-theme')).toBe(before === 'dark' ? 'light' : 'dark');
      expect(await scrollsSideways(page)).toBe(false);
      expect(problems).toEqual([]);
      await context.close();
    });
  }

  it('shows one project with its incident timeline and updates in order', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await open(page, app.url, `status.html?id=${ids.api}`);
    expect(await page.textContent('#project-title')).toBe('Checkout API');
    expect(await page.locator('li.uptime-cell').count()).toBe(90);
    expect(await texts(page, '.status-incident h3')).toEqual(['Payments failing']);
    expect(await texts(page, '.status-updates .status-update-message')).toEqual(['We see failed payments.', 'Payments work again.']);
    expect(await page.textContent('.status-postmortem p')).toBe('A certificate expired on the payment gateway.');
    expect(await page.textContent('.status-incident .subtle')).toContain(catalogs.en['status.incident_duration']!.replace('{n}', '240'));
    expect(await scrollsSideways(page)).toBe(false);
    await Promise.all([page.waitForURL(/status\.html$/), page.click('#status-back')]);
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.locator('.status-project').count()).toBe(2);
    expect(problems).toEqual([]);

    // A private project's page does not exist for visitors.
    await open(page, app.url, `status.html?id=${ids.hidden}`);
    expect(await page.textContent('#status-not-found')).toBe(catalogs.en['status.not_found']);
    expect(problems).toContain(`HTTP 404: ${app.url}/api/v1/status/${ids.hidden}`);
    expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
    await context.close();
  });
});
