import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPool } from '../../../layers/checks/browser/browser-pool.ts';
import { printHtmlToPdf } from '../../../layers/checks/browser/pdf.ts';
import { createBrowserFunctionHandler } from '../../../layers/handlers/browser.ts';
import { FsBlobs } from '../../../layers/platform/local/fs-blobs.ts';
import type { Queue } from '../../../layers/platform/ports.ts';
import { queuedBrowserRunner } from '../../../layers/services/queued-answers.ts';
import { queueToHandlers } from '../../support/queue-to-handler.ts';
import { pdfResultSchema } from '../../../layers/services/browser-messages.ts';
import { startPageServer, type PageServer } from '../../support/pages/page-server.ts';
import { createTestPool } from './browser-fixture.ts';

// The browser function's PDF job: the page is printed with no request leaving the browser. On AWS the
// API queues a `pdf_request` and reads the PDF back from the blob store; a PDF job carrying its page in
// the queue message is refused (its answer has nowhere to go).

let pool: BrowserPool;
let pages: PageServer;
const sink: Queue = { send: async () => { throw new Error('a PDF job must not reach the results queue'); } };

beforeAll(async () => {
  pages = await startPageServer();
  pool = createTestPool();
});
afterAll(async () => {
  await pool?.close();
  await pages?.close();
});

describe('browser function: pdf job', () => {
  it('prints the page it is given and answers with the PDF', async () => {
    const handler = createBrowserFunctionHandler({ pool, allowPrivateTargets: true, sink });
    const html = '<!doctype html><html><head><title>Report 99.9%</title></head><body><h1>Availability 99.9%</h1></body></html>';
    const result = pdfResultSchema.parse(await handler({ job: { kind: 'pdf', html } }));
    const pdf = Buffer.from(result.pdf_base64, 'base64');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
  });

  it('fetches nothing the page asks for', async () => {
    const html = `<!doctype html><html><body><img src="${pages.url('/pdf-pixel.png')}"><link rel="stylesheet" href="${pages.url('/pdf-style.css')}"><iframe src="${pages.url('/pdf-frame')}"></iframe><p>hi</p></body></html>`;
    const { pdf } = await printHtmlToPdf(pool, html);
    expect(Buffer.from(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect([pages.hits('/pdf-pixel.png'), pages.hits('/pdf-style.css'), pages.hits('/pdf-frame')]).toEqual([0, 0, 0]);
  });

  it('prints the page the API queued and gives the API the PDF through the blob store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdf-queued-'));
    try {
      const blobs = new FsBlobs(dir);
      const handler = createBrowserFunctionHandler({ pool, allowPrivateTargets: true, sink, blobs });
      const q = queueToHandlers({ browser: async (e) => (await handler(e)) as SQSBatchResponse });
      const html = '<!doctype html><html><body><h1>Availability 99.95%</h1></body></html>';
      const result = pdfResultSchema.parse(await queuedBrowserRunner({ queue: q.queue, blobs }).run({ kind: 'pdf', html }));
      expect(Buffer.from(result.pdf_base64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await q.settled();
      expect(q.deliveries.map((d) => d.response)).toEqual([{ batchItemFailures: [] }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a pdf job from the queue', async () => {
    const handler = createBrowserFunctionHandler({ pool, allowPrivateTargets: true, sink });
    const out = await handler({ Records: [{ messageId: 'm1', body: JSON.stringify({ kind: 'pdf', html: '<p>x</p>' }) }] } as never);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });
});
