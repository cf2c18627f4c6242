import type { BrowserPool } from './browser-pool.ts';

// Prints a self-contained HTML page (the SLA report) to PDF. The page is our own text: it needs no
// network, so every request it would make is refused before it leaves the browser.

export interface PdfOptions {
  timeoutMs?: number;
}

export async function printHtmlToPdf(pool: BrowserPool, html: string, options: PdfOptions = {}): Promise<{ pdf: Uint8Array; blockedRequests: number }> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return pool.run(
    async (context) => {
      let blockedRequests = 0;
      await context.route('**/*', (route) => {
        blockedRequests++;
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      return { pdf: new Uint8Array(pdf), blockedRequests };
    },
    { watchdogMs: timeoutMs * 2 + 10_000, contextOptions: { javaScriptEnabled: false, serviceWorkers: 'block', acceptDownloads: false, offline: true } },
  );
}
