import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPool } from '../../../layers/checks/browser/browser-pool.ts';
import { parseJourneyScenario, runJourney, type JourneyScenarioInput } from '../../../layers/checks/browser/journey.ts';
import { captureScreenshot, makeThumbnail } from '../../../layers/checks/browser/screenshot.ts';
import { startPageServer, type PageServer } from '../../support/pages/page-server.ts';
import { createTestPool } from './browser-fixture.ts';

let pool: BrowserPool;
let pages: PageServer;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

beforeAll(async () => {
  pages = await startPageServer();
  pool = createTestPool();
  await pool.warm();
});

afterAll(async () => {
  await pool?.close();
  await pages?.close();
});

function scenario(input: JourneyScenarioInput) {
  const parsed = parseJourneyScenario(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.scenario;
}

describe('journey scenario validation (spec 4.11)', () => {
  it('applies the settings defaults', () => {
    const parsed = scenario({ steps: [{ action: 'screenshot' }] });
    expect(parsed.settings).toEqual({ timeout: 30_000, viewport_width: 1280, viewport_height: 800 });
  });

  it('names the step index and field of a missing parameter', () => {
    const parsed = parseJourneyScenario({
      steps: [{ action: 'navigate', value: 'https://example.com' }, { action: 'type', value: 'x' }, { action: 'click' }],
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([
      { path: 'steps[1].selector', message: 'selector is required for action "type"' },
      { path: 'steps[2].selector', message: 'selector is required for action "click"' },
    ]);
  });

  it('rejects settings outside their ranges and unknown actions', () => {
    const parsed = parseJourneyScenario({
      steps: [{ action: 'hover', selector: '#x' }],
      settings: { timeout: 1_000, viewport_width: 4000, viewport_height: 800 },
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const paths = parsed.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['steps[0].action', 'settings.timeout', 'settings.viewport_width']));
  });

  it('accepts wait values given as numeric strings', () => {
    const parsed = scenario({ steps: [{ action: 'wait', value: '250' }] });
    expect(parsed.steps[0]).toEqual({ action: 'wait', value: 250 });
  });
});

describe('synthetic journeys (spec 4.11)', () => {
  it('passes a journey that uses every action', async () => {
    const result = await runJourney(
      pool,
      scenario({
        name: 'sign up',
        steps: [
          { action: 'navigate', value: pages.url('/form') },
          { action: 'type', selector: '#name', value: 'Ada' },
          { action: 'select', selector: '#plan', value: 'pro' },
          { action: 'screenshot' },
          { action: 'assert_element', selector: '#go' },
          { action: 'click', selector: '#go' },
          { action: 'wait', value: 100 },
          { action: 'assert_url', value: '/welcome' },
          { action: 'assert_text', selector: '#msg', value: 'Welcome, Ada (pro)' },
        ],
        settings: { timeout: 5_000, viewport_width: 800, viewport_height: 600 },
      }),
      { allowPrivateTargets: true },
    );
    expect(result.error_message).toBeNull();
    expect(result.status).toBe('passed');
    expect(result.steps.map((s) => s.status)).toEqual(Array(9).fill('passed'));
    expect(result.steps.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const shot = result.steps[3]?.screenshot;
    expect([...(shot ?? new Uint8Array()).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(result.steps.filter((s) => s.screenshot !== null)).toHaveLength(1);
    expect(result.final_url).toContain('/welcome?name=Ada&plan=pro');
  });

  it('stops at a failing assertion and reports the step, selector, expected and found text', async () => {
    const result = await runJourney(
      pool,
      scenario({
        steps: [
          { action: 'navigate', value: pages.url('/form') },
          { action: 'type', selector: '#name', value: 'Bob' },
          { action: 'click', selector: '#go' },
          { action: 'assert_text', selector: '#msg', value: 'Goodbye' },
          { action: 'assert_element', selector: '#msg' },
        ],
        settings: { timeout: 5_000 },
      }),
      { allowPrivateTargets: true },
    );
    expect(result.status).toBe('failed');
    expect(result.failed_step).toBe(3);
    expect(result.error_kind).toBe('step_failed');
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'failed', 'skipped']);
    const failed = result.steps[3];
    expect(failed?.selector).toBe('#msg');
    expect(failed?.expected).toBe('Goodbye');
    expect(failed?.found).toBe('Welcome, Bob (free)');
    expect(failed?.error).toBe('step 3 (assert_text): expected text "Goodbye" in #msg, found "Welcome, Bob (free)"');
    expect(result.error_message).toBe(failed?.error);
    expect([...(failed?.screenshot ?? new Uint8Array()).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it('reports a click on a missing element with its selector', async () => {
    const result = await runJourney(
      pool,
      scenario({
        steps: [
          { action: 'navigate', value: pages.url('/form') },
          { action: 'click', selector: '#does-not-exist' },
        ],
        settings: { timeout: 5_000 },
      }),
      { allowPrivateTargets: true },
    );
    expect(result.failed_step).toBe(1);
    expect(result.steps[1]?.error).toContain('step 1 (click): could not click #does-not-exist within 5000 ms');
  });

  it('stops a journey at its total limit, whatever its steps allow each (issue 16.10)', async () => {
    // Each wait is within the per-step timeout; together they are far beyond the run's limit.
    const waits = Array.from({ length: 10 }, () => ({ action: 'wait' as const, value: 1_500 }));
    const result = await runJourney(pool, scenario({ steps: [{ action: 'navigate', value: pages.url('/form') }, ...waits], settings: { timeout: 5_000 } }), {
      allowPrivateTargets: true,
      maxDurationMs: 2_500,
    });
    expect(result.status).toBe('failed');
    expect(result.error_kind).toBe('timeout');
    expect(result.error_message).toContain('exceeded its total limit of 3 s');
    // Not every wait ran: the run ended at the limit, the remaining steps are skipped.
    expect(result.steps.filter((s) => s.status === 'skipped').length).toBeGreaterThan(5);
  });

  it('fails a navigate step to a refused address without contacting it', async () => {
    const result = await runJourney(pool, scenario({ steps: [{ action: 'navigate', value: pages.url('/form') }] }), {
      allowPrivateTargets: false,
    });
    expect(result.status).toBe('failed');
    expect(result.failed_step).toBe(0);
    expect(result.error_kind).toBe('blocked_target');
    expect(result.error_message).toContain('target address not allowed: 127.0.0.1');
  });
});

describe('screenshots (spec 3.4)', () => {
  it('captures a PNG and makes a smaller thumbnail of it', async () => {
    const png = await captureScreenshot(pool, pages.url('/shift'), { width: 1280, height: 800, allowPrivateTargets: true });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 1280, height: 800 });

    const thumbnail = await makeThumbnail(pool, png);
    expect([...thumbnail.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]); // JPEG SOI
    expect(thumbnail.length).toBeLessThan(png.length);
    expect(jpegSize(thumbnail)).toEqual({ width: 320, height: 200 });
  });

  it('captures the full page when asked', async () => {
    const png = await captureScreenshot(pool, pages.url('/shift'), { width: 400, height: 480, fullPage: true, allowPrivateTargets: true });
    expect(pngSize(png).width).toBe(400);
    expect(pngSize(png).height).toBeGreaterThan(480);
  });

  it('refuses a private target when private targets are not allowed', async () => {
    await expect(captureScreenshot(pool, pages.url('/plain'), { allowPrivateTargets: false })).rejects.toMatchObject({
      kind: 'blocked_target',
    });
  });
});

function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = Buffer.from(png);
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

/** Reads the frame size from the first SOF marker. */
function jpegSize(jpeg: Uint8Array): { width: number; height: number } {
  const view = Buffer.from(jpeg);
  let offset = 2;
  while (offset < view.length) {
    const marker = view.readUInt16BE(offset);
    const length = view.readUInt16BE(offset + 2);
    if (marker >= 0xffc0 && marker <= 0xffc3) return { height: view.readUInt16BE(offset + 5), width: view.readUInt16BE(offset + 7) };
    offset += 2 + length;
  }
  throw new Error('no SOF marker');
}
