import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { CHROMIUM_ARGS } from './frontend-browser.ts';

// Lighthouse (accessibility and best practices, its default phone emulation) on every dashboard page,
// against the system Chromium: each category must score at least 95.

let app: TestApp;
let chrome: chromeLauncher.LaunchedChrome;
let projectId: number;
let publicId: number;
let token: string;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await app.user('admin', 'Lighthouse Admin');
  token = admin.token;
  const p = await app.request('POST', '/api/v1/projects', { token, body: { title: 'Audited site', url: 'http://127.0.0.1:9/', tags: 'web' } });
  projectId = p.body.id;
  // A day of history, so the report page has its charts, daily table, incident and log to audit.
  const now = Date.now();
  const results = Array.from({ length: 288 }, (_, i) => {
    const down = i >= 100 && i < 104;
    return { checked_at: new Date(now - (288 - i) * 300_000).toISOString(), is_available: !down, status_code: down ? 503 : 200, response_time: down ? null : 150 + (i % 9) * 7, error_message: down ? 'HTTP 503' : null };
  });
  const imported = await app.request('POST', `/api/v1/projects/${projectId}/results/import`, { token, body: { results } });
  expect(imported.status, imported.text).toBe(200);
  const pub = await app.request('POST', '/api/v1/projects', { token, body: { title: 'Public site', url: 'http://127.0.0.1:9/', is_public: true } });
  publicId = pub.body.id;
  chrome = await chromeLauncher.launch({ chromePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', chromeFlags: CHROMIUM_ARGS, logLevel: 'silent' });
}, 60_000);

afterAll(async () => {
  chrome?.kill();
  await app?.close();
});

/** Scores of both categories, and the audits that lost points. */
async function audit(path: string) {
  const result = await lighthouse(
    `${app.url}/frontend/html/${path}`,
    { port: chrome.port, logLevel: 'error', disableStorageReset: true },
    {
      extends: 'lighthouse:default',
      // Only the two categories; zero quiet windows suit a local page (performance is not scored here).
      settings: { onlyCategories: ['accessibility', 'best-practices'], pauseAfterFcpMs: 0, pauseAfterLoadMs: 0, networkQuietThresholdMs: 0, cpuQuietThresholdMs: 0 },
    },
  );
  const lhr = result!.lhr;
  expect(lhr.runtimeError, path).toBeUndefined();
  const lost = Object.values(lhr.audits)
    .filter((a) => a.score !== null && a.score < 1 && ['binary', 'numeric'].includes(a.scoreDisplayMode))
    .map((a) => `${a.id}: ${a.title}`);
  console.log(`lighthouse ${path}: accessibility ${Math.round((lhr.categories['accessibility']?.score ?? 0) * 100)}, best practices ${Math.round((lhr.categories['best-practices']?.score ?? 0) * 100)}${lost.length ? `, lost: ${lost.join('; ')}` : ''}`);
  return {
    url: new URL(lhr.finalDisplayedUrl).pathname,
    accessibility: Math.round((lhr.categories['accessibility']?.score ?? 0) * 100),
    bestPractices: Math.round((lhr.categories['best-practices']?.score ?? 0) * 100),
    lost,
  };
}

describe('Lighthouse accessibility and best practices >= 95', () => {
  it('on the signed-out pages', async () => {
    for (const path of ['login.html', 'register.html', 'status.html', `status.html?id=${publicId}`]) {
      const r = await audit(path);
      expect(r.url).toBe(`/frontend/html/${path.split('?')[0]}`);
      expect({ path, accessibility: r.accessibility >= 95, bestPractices: r.bestPractices >= 95, lost: r.lost }).toEqual({ path, accessibility: true, bestPractices: true, lost: r.lost });
    }
  }, 180_000);

  it('on the signed-in pages', async () => {
    // The session lives in the browser profile Lighthouse audits in (it keeps storage between runs).
    const cdp = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
    const page = await cdp.contexts()[0]!.newPage();
    await page.goto(`${app.url}/frontend/favicon.svg`);
    await page.evaluate((t) => localStorage.setItem('pym.token', t), token);
    await page.close();
    await cdp.close();
    for (const path of ['index.html', 'project.html', `project.html?id=${projectId}`, `report.html?id=${projectId}`, 'profile.html', 'tools.html', 'status.html']) {
      const r = await audit(path);
      expect(r.url).toBe(`/frontend/html/${path.split('?')[0]}`);
      expect({ path, accessibility: r.accessibility >= 95, bestPractices: r.bestPractices >= 95, lost: r.lost }).toEqual({ path, accessibility: true, bestPractices: true, lost: r.lost });
    }
  }, 180_000);
});
