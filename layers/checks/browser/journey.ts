import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { systemClock, type Clock } from '../../platform/ports.ts';
import type { HostResolver } from './address-policy.ts';
import { BrowserMonitoringError, messageOf, withTimeout, type BrowserPool } from './browser-pool.ts';
import { classifyBrowserError, firstLine, type BrowserErrorKind } from './errors.ts';
import type { JourneyAction, JourneyScenario, JourneySettings, JourneyStep } from './journey-schema.ts';
import { collectPageErrors, type JsError } from './page-errors.ts';
import { REFUSAL_HEADER, UPSTREAM_ERROR_HEADER } from './policy-proxy.ts';
import { openTargetGuard, type BlockedRequest, type TargetGuard } from './request-guard.ts';
import { preflightTarget } from './target.ts';

// Synthetic journeys (spec 4.11): a scenario of steps run in one fresh browser context. Steps run in
// order; the first failing step stops the run and every later step is reported as skipped.
// Assertions check the page as it is once the previous step has finished (they do not retry);
// put a `wait` step before an assertion on content that appears asynchronously.

export {
  journeyScenarioSchema,
  journeySettingsSchema,
  journeyStepSchema,
  parseJourneyScenario,
  type JourneyAction,
  type JourneyScenario,
  type JourneyScenarioInput,
  type JourneySettings,
  type JourneyStep,
  type ScenarioIssue,
  type ScenarioParseResult,
} from './journey-schema.ts';

export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface JourneyStepResult {
  index: number;
  action: JourneyAction;
  status: StepStatus;
  duration_ms: number;
  selector: string | null;
  /** What the step expected and found, for failed assertions. */
  expected: string | null;
  found: string | null;
  error: string | null;
  /** PNG for `screenshot` steps and for the failing step. */
  screenshot: Uint8Array | null;
}

export interface JourneyResult {
  name: string | null;
  status: 'passed' | 'failed' | 'error';
  started_at: string;
  duration_ms: number;
  final_url: string | null;
  /** Index of the step that failed, null if none did (or the start URL failed). */
  failed_step: number | null;
  steps: JourneyStepResult[];
  js_errors: JsError[];
  console_errors: number;
  blocked_requests: BlockedRequest[];
  error_kind: BrowserErrorKind | null;
  error_message: string | null;
}

export interface JourneyOptions {
  allowPrivateTargets: boolean;
  /** Opened before step 0 when the scenario does not start with `navigate` (e.g. the project URL). */
  startUrl?: string;
  resolveHost?: HostResolver;
  clock?: Clock;
  /** The whole run's limit, whatever its steps (default JOURNEY_MAX_DURATION_MS). */
  maxDurationMs?: number;
}

/** A journey's total duration is bounded (issue 16.10): fifty two-minute waits must not hold a browser slot for hours. */
export const JOURNEY_MAX_DURATION_MS = 5 * 60_000;

/** A step failure with the details the report needs. */
class StepFailure extends Error {
  constructor(
    message: string,
    readonly details: { kind?: BrowserErrorKind; expected?: string; found?: string } = {},
  ) {
    super(message);
  }
}

export async function runJourney(pool: BrowserPool, scenario: JourneyScenario, options: JourneyOptions): Promise<JourneyResult> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const { settings } = scenario;
  const steps: JourneyStepResult[] = scenario.steps.map((step, index) => ({
    index,
    action: step.action,
    status: 'skipped',
    duration_ms: 0,
    selector: 'selector' in step ? step.selector : null,
    expected: null,
    found: null,
    error: null,
    screenshot: null,
  }));
  const result: JourneyResult = {
    name: scenario.name ?? null,
    status: 'passed',
    started_at: started.toISOString(),
    duration_ms: 0,
    final_url: null,
    failed_step: null,
    steps,
    js_errors: [],
    console_errors: 0,
    blocked_requests: [],
    error_kind: null,
    error_message: null,
  };
  const waits = scenario.steps.reduce((sum, step) => sum + (step.action === 'wait' ? step.value : 0), 0);
  const maxDurationMs = options.maxDurationMs ?? JOURNEY_MAX_DURATION_MS;
  const deadline = Date.now() + maxDurationMs;
  const overLimit = `the journey exceeded its total limit of ${Math.round(maxDurationMs / 1000)} s`;
  let current = -1;

  let guard: TargetGuard | undefined;
  try {
    const opened = await openTargetGuard({
      policy: { allowPrivateTargets: options.allowPrivateTargets },
      ...(options.resolveHost ? { resolve: options.resolveHost } : {}),
    });
    guard = opened;
    await pool.run(
      async (context) => {
        const guard = opened;
        await guard.install(context);
        const page = await context.newPage();
        page.setDefaultTimeout(settings.timeout);
        page.setDefaultNavigationTimeout(settings.timeout);
        const errors = collectPageErrors(page);
        result.js_errors = errors.jsErrors;
        try {
          const first = scenario.steps[0];
          if (options.startUrl && first?.action !== 'navigate') {
            try {
              await navigate(page, guard, options.startUrl, settings.timeout, options);
            } catch (err) {
              const failure = asStepFailure(err);
              result.status = 'failed';
              result.error_kind = failure.details.kind ?? 'step_failed';
              result.error_message = `start URL ${options.startUrl}: ${failure.message}`;
              return;
            }
          }
          for (const [index, step] of scenario.steps.entries()) {
            current = index;
            const stepResult = steps[index];
            if (!stepResult) continue;
            const stepStarted = Date.now();
            // Each step gets what is left of the run's time at most.
            const remaining = deadline - stepStarted;
            try {
              if (remaining <= 0) throw new StepFailure(overLimit, { kind: 'timeout' });
              const bounded = remaining < settings.timeout ? { ...settings, timeout: Math.max(1, Math.floor(remaining)) } : settings;
              page.setDefaultTimeout(bounded.timeout);
              page.setDefaultNavigationTimeout(bounded.timeout);
              stepResult.screenshot = await runStep(page, guard, step, bounded, options);
              stepResult.status = 'passed';
            } catch (err) {
              if (err instanceof BrowserMonitoringError) throw err;
              const stepFailure = asStepFailure(err);
              const failure = Date.now() >= deadline ? new StepFailure(`${overLimit} (${stepFailure.message})`, { kind: 'timeout' }) : stepFailure;
              stepResult.status = 'failed';
              stepResult.error = `step ${index} (${step.action}): ${failure.message}`;
              stepResult.expected = failure.details.expected ?? null;
              stepResult.found = failure.details.found ?? null;
              stepResult.screenshot = await page.screenshot({ type: 'png', timeout: 5_000 }).then((b) => new Uint8Array(b), () => null);
              result.status = 'failed';
              result.failed_step = index;
              result.error_kind = failure.details.kind ?? 'step_failed';
              result.error_message = stepResult.error;
              return;
            } finally {
              stepResult.duration_ms = Date.now() - stepStarted;
            }
          }
        } finally {
          result.final_url = page.isClosed() ? null : page.url();
          result.console_errors = errors.consoleErrors.length;
          result.blocked_requests = guard.blocked();
        }
      },
      {
        watchdogMs: Math.min(scenario.steps.length * settings.timeout + waits, maxDurationMs) + 30_000,
        contextOptions: {
          ...opened.contextOptions,
          viewport: { width: settings.viewport_width, height: settings.viewport_height },
          serviceWorkers: 'block',
          acceptDownloads: false,
        },
      },
    );
  } catch (err) {
    const message = err instanceof BrowserMonitoringError ? err.message : `unexpected browser failure: ${messageOf(err)}`;
    const stepResult = current >= 0 ? steps[current] : undefined;
    if (stepResult && stepResult.status === 'skipped') {
      stepResult.status = 'failed';
      stepResult.error = `step ${current} (${stepResult.action}): monitoring error: ${message}`;
    }
    result.status = 'error';
    result.failed_step = stepResult ? current : null;
    result.error_kind = 'monitoring_error';
    result.error_message = message;
  } finally {
    await guard?.close();
  }
  result.duration_ms = Math.max(0, clock.now().getTime() - started.getTime());
  // A task abandoned by the watchdog may still touch `result`; the caller gets a copy it cannot change.
  return structuredClone(result);
}

/** Runs one step; returns a PNG for screenshot steps. Throws StepFailure when the step fails. */
async function runStep(
  page: Page,
  guard: TargetGuard,
  step: JourneyStep,
  settings: JourneySettings,
  options: JourneyOptions,
): Promise<Uint8Array | null> {
  const timeout = settings.timeout;
  switch (step.action) {
    case 'navigate':
      await navigate(page, guard, step.value, timeout, options);
      return null;
    case 'click':
      await page.locator(step.selector).first().click({ timeout }).catch(elementFailure(step.selector, 'click', timeout));
      return null;
    case 'type':
      await page.locator(step.selector).first().fill(step.value, { timeout }).catch(elementFailure(step.selector, 'type into', timeout));
      return null;
    case 'select':
      await page
        .locator(step.selector)
        .first()
        .selectOption(step.value, { timeout })
        .catch(elementFailure(step.selector, `select "${step.value}" in`, timeout));
      return null;
    case 'wait':
      await sleep(Math.min(step.value, timeout));
      return null;
    case 'screenshot':
      return new Uint8Array(await page.screenshot({ type: 'png', timeout, animations: 'disabled' }));
    case 'assert_element': {
      const found = await page
        .locator(step.selector)
        .first()
        .waitFor({ state: 'attached', timeout })
        .then(
          () => true,
          () => false,
        );
      if (!found) {
        throw new StepFailure(`expected an element matching ${step.selector}, found none within ${timeout} ms`, {
          expected: `element ${step.selector}`,
          found: 'no matching element',
        });
      }
      return null;
    }
    case 'assert_text': {
      const element = page.locator(step.selector).first();
      const present = await element.waitFor({ state: 'attached', timeout }).then(
        () => true,
        () => false,
      );
      if (!present) {
        throw new StepFailure(`expected text "${step.value}" in ${step.selector}, found no element matching ${step.selector} within ${timeout} ms`, {
          expected: step.value,
          found: 'no matching element',
        });
      }
      const text = normalize(await withTimeout(element.innerText({ timeout }), timeout + 1_000).catch(() => element.textContent({ timeout }).then((t) => t ?? '')));
      if (!text.includes(normalize(step.value))) {
        throw new StepFailure(`expected text "${step.value}" in ${step.selector}, found "${clip(text)}"`, { expected: step.value, found: clip(text) });
      }
      return null;
    }
    case 'assert_url': {
      const url = page.url();
      if (!url.includes(step.value)) {
        throw new StepFailure(`expected URL to contain "${step.value}", found "${clip(url)}"`, { expected: step.value, found: url });
      }
      return null;
    }
  }
}

async function navigate(page: Page, guard: TargetGuard, url: string, timeout: number, options: JourneyOptions): Promise<void> {
  const preflight = await preflightTarget(url, options);
  if (!preflight.ok) throw new StepFailure(`cannot open ${url}: ${preflight.message}`, { kind: preflight.kind });
  let response;
  try {
    response = await page.goto(preflight.url, { waitUntil: 'load', timeout });
  } catch (err) {
    const explained = /net::ERR_(BLOCKED_BY_CLIENT|NAME_NOT_RESOLVED|TUNNEL_CONNECTION_FAILED)/.test(messageOf(err))
      ? guard.explainFailure(preflight.url)
      : undefined;
    if (explained?.kind === 'blocked_target') throw new StepFailure(`navigation to ${url} was blocked: ${explained.message}`, { kind: explained.kind });
    if (explained) throw new StepFailure(`cannot open ${url}: ${explained.message}`, { kind: explained.kind });
    const { kind, message } = classifyBrowserError(err);
    if (kind === 'monitoring_error') throw new BrowserMonitoringError(message, { cause: err });
    throw new StepFailure(`cannot open ${url}: ${message}`, { kind });
  }
  const headers = response?.headers() ?? {};
  if (response && (headers[REFUSAL_HEADER] === '1' || headers[UPSTREAM_ERROR_HEADER])) {
    const explained = guard.explainFailure(response.url()) ?? { kind: 'connection_error' as const, message: `proxy error for ${response.url()}` };
    const verb = explained.kind === 'blocked_target' ? `navigation to ${url} was blocked` : `cannot open ${url}`;
    throw new StepFailure(`${verb}: ${explained.message}`, { kind: explained.kind });
  }
  const status = response?.status();
  if (status !== undefined && status >= 400) {
    throw new StepFailure(`${url} answered HTTP ${status}`, { kind: 'http_error', expected: 'a status below 400', found: `HTTP ${status}` });
  }
}

/** Turns Playwright's locator errors into "element X not found / not actionable" messages. */
function elementFailure(selector: string, verb: string, timeout: number) {
  return (err: unknown): never => {
    if (err instanceof BrowserMonitoringError) throw err;
    const raw = messageOf(err);
    if (/Target page, context or browser has been closed|Browser has been closed/i.test(raw)) {
      throw new BrowserMonitoringError(firstLine(raw), { cause: err });
    }
    if (/Timeout \d+ms exceeded/.test(raw)) {
      // Playwright's call log says whether the selector matched at all; its last line is the last state seen.
      const matched = /resolved to/.test(raw);
      const lastState = raw.split('\n').map((line) => line.replace(/^\s*-\s*/, '').trim()).filter(Boolean).at(-1) ?? '';
      throw new StepFailure(
        `could not ${verb} ${selector} within ${timeout} ms (${matched ? `element found but not actionable: ${clip(lastState)}` : 'no matching element'})`,
        { expected: `an actionable element ${selector}`, found: matched ? 'an element that is not actionable' : 'no matching element' },
      );
    }
    throw new StepFailure(`could not ${verb} ${selector}: ${firstLine(raw)}`);
  };
}

function asStepFailure(err: unknown): StepFailure {
  if (err instanceof StepFailure) return err;
  if (err instanceof BrowserMonitoringError) throw err;
  const { kind, message } = classifyBrowserError(err);
  if (kind === 'monitoring_error') throw new BrowserMonitoringError(message, { cause: err });
  return new StepFailure(message, { kind });
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
