import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import type { HostResolver } from './address-policy.ts';
import { withTimeout, type BrowserPool, type CheckContext } from './browser-pool.ts';
import { BrowserCheckError, classifyBrowserError } from './errors.ts';
import { REFUSAL_HEADER, UPSTREAM_ERROR_HEADER } from './policy-proxy.ts';
import { openTargetGuard } from './request-guard.ts';
import { preflightTarget } from './target.ts';

// Screenshots of project pages (spec 3.4). Caching and `force=true` belong to the service that stores
// them; this module only renders.

export interface ScreenshotOptions {
  /** Viewport in CSS pixels. */
  width?: number;
  height?: number;
  /** Capture the whole scrollable page, capped at maxFullPageHeight. */
  fullPage?: boolean;
  maxFullPageHeight?: number;
  allowPrivateTargets: boolean;
  timeoutMs?: number;
  /** Pause after the load event so late content and fonts land. */
  settleMs?: number;
  resolveHost?: HostResolver;
}

export const screenshotSizeSchema = z.object({
  width: z.number().int().min(320).max(1920).default(1280),
  height: z.number().int().min(480).max(1080).default(800),
  full_page: z.boolean().default(false),
});

/**
 * Loads the URL in a fresh context (SSRF policy on every request) and returns PNG bytes.
 * Throws BrowserCheckError (kind says why) when the page cannot be captured.
 */
export async function captureScreenshot(pool: BrowserPool, url: string, options: ScreenshotOptions): Promise<Uint8Array> {
  const preflight = await preflightTarget(url, options);
  if (!preflight.ok) throw new BrowserCheckError(preflight.kind, preflight.message);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const settleMs = options.settleMs ?? 500;
  const width = options.width ?? 1280;
  const height = options.height ?? 800;
  const maxHeight = options.maxFullPageHeight ?? 10_000;

  const guard = await openTargetGuard({
    policy: { allowPrivateTargets: options.allowPrivateTargets },
    ...(options.resolveHost ? { resolve: options.resolveHost } : {}),
  });
  const capture = async (context: CheckContext): Promise<Uint8Array> => {
    await guard.install(context);
    const page = await context.newPage();
    let response;
    try {
      response = await page.goto(preflight.url, { waitUntil: 'load', timeout: timeoutMs });
    } catch (err) {
      const explained = /net::ERR_(BLOCKED_BY_CLIENT|NAME_NOT_RESOLVED|TUNNEL_CONNECTION_FAILED)/.test(String(err))
        ? guard.explainFailure(preflight.url)
        : undefined;
      if (explained) throw new BrowserCheckError(explained.kind, explained.message, { cause: err });
      const { kind, message } = classifyBrowserError(err);
      throw new BrowserCheckError(kind, message, { cause: err });
    }
    const headers = response?.headers() ?? {};
    if (response && (headers[REFUSAL_HEADER] === '1' || headers[UPSTREAM_ERROR_HEADER])) {
      const explained = guard.explainFailure(response.url());
      throw new BrowserCheckError(explained?.kind ?? 'connection_error', explained?.message ?? `proxy error for ${response.url()}`);
    }
    await sleep(settleMs);
    let clip: { x: number; y: number; width: number; height: number } | undefined;
    if (options.fullPage) {
      const scrollHeight = await withTimeout(page.evaluate('document.documentElement.scrollHeight'), 5_000).catch(() => height);
      const pageHeight = typeof scrollHeight === 'number' && Number.isFinite(scrollHeight) ? scrollHeight : height;
      if (pageHeight > maxHeight) clip = { x: 0, y: 0, width, height: maxHeight };
    }
    const bytes = await page.screenshot({
      type: 'png',
      fullPage: options.fullPage === true,
      animations: 'disabled',
      timeout: timeoutMs,
      ...(clip ? { clip } : {}),
    });
    return new Uint8Array(bytes);
  };
  try {
    return await pool.run(capture, {
      watchdogMs: timeoutMs * 2 + settleMs + 30_000,
      contextOptions: { ...guard.contextOptions, viewport: { width, height }, serviceWorkers: 'block', acceptDownloads: false },
    });
  } finally {
    await guard.close();
  }
}

export interface ThumbnailOptions {
  /** Output width in pixels (default 320). */
  width?: number;
  /** Taller sources are cropped from the top to this height (default 240, a 4:3 card at 320 wide). */
  maxHeight?: number;
  format?: 'jpeg' | 'webp';
  /** 0-1, default 0.8 */
  quality?: number;
}

const dataUrlSchema = z.string().regex(/^data:image\/(jpeg|webp);base64,/);

/**
 * Scales a PNG down with the browser itself (no image library is installed): the PNG is decoded with
 * createImageBitmap in an offline page, drawn into a canvas with high-quality smoothing and exported.
 */
export async function makeThumbnail(pool: BrowserPool, png: Uint8Array, options: ThumbnailOptions = {}): Promise<Uint8Array> {
  const width = options.width ?? 320;
  const maxHeight = options.maxHeight ?? Math.round((width * 3) / 4);
  const format = options.format ?? 'jpeg';
  const quality = options.quality ?? 0.8;
  const input = JSON.stringify({ b64: Buffer.from(png).toString('base64'), width, maxHeight, type: `image/${format}`, quality });

  const dataUrl = await pool.run(
    async (context) => {
      // The page renders our own bytes only; it never needs the network.
      await context.route('**/*', (route) => route.abort('blockedbyclient'));
      const page = await context.newPage();
      const result: unknown = await page.evaluate(`(async (input) => {
        const bytes = Uint8Array.from(atob(input.b64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
        const scale = input.width / bitmap.width;
        const height = Math.max(1, Math.min(input.maxHeight, Math.round(bitmap.height * scale)));
        const canvas = document.createElement('canvas');
        canvas.width = input.width;
        canvas.height = height;
        const ctx = canvas.getContext('2d');
        ctx.imageSmoothingEnabled = true;
        ctx.imageSmoothingQuality = 'high';
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(bitmap, 0, 0, bitmap.width, height / scale, 0, 0, canvas.width, height);
        return canvas.toDataURL(input.type, input.quality);
      })(${input})`);
      return dataUrlSchema.parse(result);
    },
    { watchdogMs: 30_000 },
  );
  return new Uint8Array(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
}
