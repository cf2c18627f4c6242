import { readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// Shared by the dashboard's browser tests: the system Chromium, a console watcher, signing in a page.

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export type Catalog = Record<string, string>;
export const catalogs: { ko: Catalog; en: Catalog } = {
  ko: JSON.parse(readFileSync(new URL('../../frontend/locales/ko.json', import.meta.url), 'utf8')) as Catalog,
  en: JSON.parse(readFileSync(new URL('../../frontend/locales/en.json', import.meta.url), 'utf8')) as Catalog,
};

/** Everything a page reports as wrong: console errors, uncaught exceptions, failed or 4xx/5xx requests. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()} (${page.url()})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message} (${page.url()})`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/** Opens a same-origin page and stores the session the way login.html does. */
export async function signIn(context: BrowserContext, appUrl: string, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${appUrl}/frontend/favicon.svg`);
  await page.evaluate((t) => localStorage.setItem('pym.token', t), token);
  return page;
}

/** Goes to a dashboard page and waits until its module has finished loading it. */
export async function open(page: Page, appUrl: string, path: string): Promise<void> {
  await page.goto(`${appUrl}/frontend/html/${path}`);
  await page.locator('body[data-ready="true"]').waitFor();
}

/** Whether the page, or its navigation on its own, scrolls sideways (is wider than its box). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() =>
    [document.documentElement, ...Array.from(document.querySelectorAll('.app-nav'))].some((e) => e.scrollWidth > e.clientWidth),
  );
}
