import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchChromium, open, signIn } from './frontend-browser.ts';

// The dashboard pages of spec 14, driven in the real Chromium (CHROMIUM_PATH, default /usr/bin/chromium)
// against the local app, as a person would use them.

let app: TestApp;
let browser: Browser;
let page: Page;
let site: HttpServer;
let siteUrl: string;
let listener: TcpServer;
let listenerPort: number;

const email = 'frontend-e2e@example.com';
const password = 'correct-horse-battery';

beforeAll(async () => {
  site = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Shop</h1>'));
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  listener = createTcpServer((socket) => socket.end());
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  listenerPort = (listener.address() as AddressInfo).port;
  app = await startTestApp();
  browser = await launchChromium();
  page = await browser.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((r) => site?.close(r));
  await new Promise((r) => listener?.close(r));
});

const at = (path: string) => `${app.url}/frontend/html/${path}`;

describe('dashboard pages (spec 14)', () => {
  it('signs up on register.html, then signs in on login.html and lands on the dashboard', async () => {
    await page.goto(at('register.html'));
    await page.locator('body[data-ready="true"]').waitFor();
    await page.fill('#name', 'Front End');
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.fill('#password_confirm', password);
    await page.click('#register-form button[type="submit"]');
    await page.waitForURL(/\/login\.html\?registered=1/);
    // The page module fills the field after its first await (the catalog), which may come after load.
    await expect.poll(() => page.inputValue('#username')).toBe(email);

    await page.fill('#password', password);
    await page.click('#login-form button[type="submit"]');
    await page.waitForURL(/\/index\.html$/);
    expect(await page.evaluate(() => localStorage.getItem('pym.token'))).toMatch(/^ey/);
    await expect.poll(() => page.textContent('#header-user-name')).toContain('Front End');
  });

  it("shows the API's field error for a bad check interval, then creates the project", async () => {
    await page.goto(at('project.html'));
    // The page module focuses its first field when it is done, after load: typing before that could
    // land in the field it focuses.
    await page.locator('body[data-ready="true"]').waitFor();
    await page.fill('#title', 'Loopback shop');
    await page.fill('#url', siteUrl);
    await page.fill('#status_interval', '30');
    await page.fill('#tags', 'web, e2e');
    await page.click('#save');
    const error = page.locator('#err-status_interval');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/60/);
    expect(await page.getAttribute('#status_interval', 'aria-invalid')).toBe('true');
    expect(page.url()).not.toMatch(/id=/);

    await page.fill('#status_interval', '120');
    await page.fill('#alert_threshold', '2');
    await page.selectOption('#deep_check_cadence', 'hourly');
    await page.click('#save');
    await page.waitForURL(/\/index\.html$/);

    const token = await page.evaluate(() => localStorage.getItem('pym.token'));
    const list = await app.request('GET', '/api/v1/projects', { token: token! });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ title: 'Loopback shop', url: siteUrl, status_interval: 120, tags: ['web', 'e2e'] });
    const settings = await app.request('GET', `/api/v1/projects/${list.body.items[0].id}/monitoring-settings`, { token: token! });
    expect(settings.body).toMatchObject({ check_interval: 120, alert_threshold: 2, deep_check_cadence: 'hourly' });
  });

  it('lists the project on index.html and updates its row from the WebSocket after a check', async () => {
    await page.goto(at('index.html'));
    const row = page.locator('#projects-body tr[data-key]');
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.locator('.project-title').textContent()).toBe('Loopback shop');
    expect(await row.locator('.badge').first().getAttribute('class')).toContain('pending');

    await page.locator('#live.on').waitFor();
    const token = await page.evaluate(() => localStorage.getItem('pym.token'));
    const id = await row.getAttribute('data-key');
    const check = await app.request('POST', `/api/v1/projects/${id}/check`, { token: token! });
    expect(check.status, check.text).toBe(200);
    await page.locator(`#projects-body tr[data-key="${id}"] .badge.up`).waitFor();
    expect(await page.locator(`#projects-body tr[data-key="${id}"] svg.sparkline`).count()).toBe(1);
  });

  it('marks an unread alert read from the dashboard', async () => {
    const token = await page.evaluate(() => localStorage.getItem('pym.token'));
    const created = await app.request('POST', '/api/v1/alerts', { token: token!, body: { title: 'Disk <b>almost</b> full', message: 'Check the volume', severity: 'warning' } });
    expect(created.status, created.text).toBe(201);
    await page.goto(at('index.html'));
    const item = page.locator(`#alert-list [data-alert-id="${created.body.id}"]`);
    await item.waitFor();
    expect(await item.locator('.title').textContent()).toBe('Disk <b>almost</b> full');
    const before = Number(await page.textContent('#unread-count'));
    await item.locator('button').click();
    await item.waitFor({ state: 'detached' });
    expect(Number(await page.textContent('#unread-count'))).toBe(before - 1);
    const unread = await app.request('GET', '/api/v1/alerts/unread', { token: token! });
    expect(unread.body.items.map((a: { id: number }) => a.id)).not.toContain(created.body.id);
  });

  it('runs a TCP check on tools.html against a loopback listener', async () => {
    await page.goto(at('tools.html#tcp'));
    const panel = page.locator('#panel-tcp');
    await panel.locator('[name="host"]').fill('127.0.0.1');
    await panel.locator('[name="port"]').fill(String(listenerPort));
    await panel.locator('button[type="submit"]').click();
    const result = panel.locator('[data-result="tcp"]');
    await result.waitFor();
    expect(await result.locator('.badge.ok').count()).toBe(1);
    expect(await result.textContent()).toContain(`127.0.0.1:${listenerPort}`);
  });

  it('shows the deep-check cadence on project.html and keeps it when the project is saved', async () => {
    const token = await page.evaluate(() => localStorage.getItem('pym.token'));
    const created = await app.request('POST', '/api/v1/projects', { token: token!, body: { title: 'Daily deep check', url: siteUrl } });
    expect(created.status, created.text).toBe(201);
    const put = await app.request('PUT', `/api/v1/projects/${created.body.id}/monitoring-settings`, { token: token!, body: { deep_check_cadence: 'daily' } });
    expect(put.status, put.text).toBe(200);
    await page.goto(at(`project.html?id=${created.body.id}`));
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.inputValue('#deep_check_cadence')).toBe('daily');
    await page.fill('#alert_threshold', '4');
    await page.click('#save');
    await page.waitForURL(/\/index\.html$/);
    const settings = await app.request('GET', `/api/v1/projects/${created.body.id}/monitoring-settings`, { token: token! });
    expect(settings.body).toMatchObject({ alert_threshold: 4, deep_check_cadence: 'daily' });
    const off = await app.request('DELETE', `/api/v1/projects/${created.body.id}`, { token: token! });
    expect(off.status).toBe(204);
  });

  it('deletes a project from project.html after confirming, and says so on the dashboard', async () => {
    const token = await page.evaluate(() => localStorage.getItem('pym.token'));
    const created = await app.request('POST', '/api/v1/projects', { token: token!, body: { title: 'Short-lived', url: siteUrl } });
    expect(created.status, created.text).toBe(201);
    await page.goto(at(`project.html?id=${created.body.id}`));
    await page.locator('body[data-ready="true"]').waitFor();
    page.once('dialog', (d) => d.accept());
    await page.click('#delete');
    await page.waitForURL(/\/index\.html$/);
    await page.locator('.toast.ok', { hasText: 'Short-lived' }).waitFor();
    expect(await page.locator('#projects-body .project-title', { hasText: 'Short-lived' }).count()).toBe(0);
    expect((await app.request('GET', `/api/v1/projects/${created.body.id}`, { token: token! })).status).toBe(404);
  });

  it('lets an admin restore the deleted project from the dashboard, and shows no such list to others', async () => {
    const token = await page.evaluate(() => localStorage.getItem('pym.token'));
    const deleted = await app.request('GET', '/api/v1/projects/deleted', { token: token! });
    const gone = deleted.body.items.find((p: { title: string }) => p.title === 'Short-lived');
    expect(gone).toBeDefined();
    await page.goto(at('index.html'));
    await page.locator('body[data-ready="true"]').waitFor();
    const item = page.locator(`#deleted-list [data-project-id="${gone.id}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('Short-lived');
    await item.locator('[data-action="restore"]').click();
    await page.locator('#projects-body .project-title', { hasText: 'Short-lived' }).waitFor();
    await item.waitFor({ state: 'detached' });
    expect((await app.request('GET', `/api/v1/projects/${gone.id}`, { token: token! })).status).toBe(200);

    const viewer = await app.user('user', 'Not an admin');
    const other = await browser.newContext();
    const vp = await signIn(other, app.url, viewer.token);
    await open(vp, app.url, 'index.html');
    expect(await vp.locator('#deleted-card').isVisible()).toBe(false);
    await other.close();
  });

  // Last: it changes the password of the session the other tests use.
  it('changes the password on profile.html: this session goes on, an older token is refused', async () => {
    const older = await app.request('POST', '/api/v1/auth/login', { body: { email, password } });
    expect(older.status).toBe(200);
    const before = await page.evaluate(() => localStorage.getItem('pym.token'));
    await page.goto(at('profile.html'));
    await page.locator('body[data-ready="true"]').waitFor();
    await page.fill('#current_password', password);
    await page.fill('#new_password', 'a-brand-new-password');
    await page.fill('#new_password_confirm', 'a-brand-new-password');
    await page.click('#password-form button[type="submit"]');
    await page.locator('#password-form [data-form-ok] span').waitFor();
    const after = await page.evaluate(() => localStorage.getItem('pym.token'));
    expect(after).toMatch(/^ey/);
    expect(after).not.toBe(before);
    expect((await app.request('GET', '/api/v1/users/me', { token: older.body.access_token })).status).toBe(401);
    // The page still works with the token it stored: a reload shows the signed-in user, not the login page.
    await page.goto(at('index.html'));
    await expect.poll(() => page.textContent('#header-user-name')).toContain('Front End');
    expect(page.url()).toMatch(/\/index\.html$/);
  });
});
