import type { Page } from 'playwright-core';

export interface JsError {
  message: string;
  /** script URL:line:column of the top stack frame, when known */
  source?: string;
}

export interface PageErrors {
  /** console.error() calls and browser-logged errors that are not network noise */
  consoleErrors: string[];
  /** uncaught exceptions and unhandled rejections */
  jsErrors: JsError[];
}

const MAX_ENTRIES = 50;
const MAX_MESSAGE = 500;
// Chromium logs every failed subresource as a console error; those belong to failed_resources.
const networkNoise = /^(Failed to load resource\b|net::ERR_)/;

/** Collects console errors and JS exceptions from a page (all of its frames) from now on. */
export function collectPageErrors(page: Page): PageErrors {
  const errors: PageErrors = { consoleErrors: [], jsErrors: [] };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (networkNoise.test(text)) return;
    if (errors.consoleErrors.length < MAX_ENTRIES) errors.consoleErrors.push(truncate(text));
  });
  page.on('pageerror', (error) => {
    if (errors.jsErrors.length >= MAX_ENTRIES) return;
    const source = topFrame(error.stack);
    errors.jsErrors.push(source ? { message: truncate(error.message), source } : { message: truncate(error.message) });
  });
  return errors;
}

function topFrame(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const match = /\bat (?:.*?\()?((?:https?|file|data|blob):[^\s)]*?:\d+:\d+)\)?/.exec(stack);
  return match?.[1] ? truncate(match[1]) : undefined;
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 3)}...` : text;
}
