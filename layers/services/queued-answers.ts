import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { DomainError } from '../errors.ts';
import type { Blobs, BrowserRunner, Queue, ToolInvoker } from '../platform/ports.ts';

// Work the API needs an answer to within its request, done by a function outside the VPC (the network
// tools, PDF printing). On AWS the in-VPC API cannot reach the Lambda service without a paid interface
// endpoint, but SQS and S3 it reaches anyway: the request goes by queue, the worker writes its answer
// (and a PDF's page comes) through the blob bucket, and the API reads the answer back. Both expire in a day.

/** Blob keys of one request; lib/data.ts expires the `answers/` prefix after a day. */
export const ANSWERS_PREFIX = 'answers/';
export const answerKey = (id: string) => `${ANSWERS_PREFIX}${id}/answer.json`;
export const pageKey = (id: string) => `${ANSWERS_PREFIX}${id}/page.html`;
/** IAM object patterns (lib/): who may write answers, and who may write and read report pages. */
export const ANSWER_KEYS = `${ANSWERS_PREFIX}*/answer.json`;
export const PAGE_KEYS = `${ANSWERS_PREFIX}*/page.html`;

/** How long the API waits for an answer: under API Gateway's 29 s, after the tools' own 20 s at most. */
export const ANSWER_WAIT_MS = 25_000;

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const request = { id: z.uuid(), answer_by: isoDate };

/** The tools queue: one tools-page probe; the caller was authenticated and rate-limited by the API. */
export const toolRequestSchema = z.object({ type: z.literal('tool'), ...request, tool: z.object({ name: z.string(), input: z.unknown() }) });
export type ToolRequest = z.output<typeof toolRequestSchema>;

/** The browser queue: print the page at `pageKey(id)` to PDF. */
export const pdfRequestSchema = z.object({ kind: z.literal('pdf_request'), ...request, timeout: z.number().int().min(5).max(60) });
export type PdfRequest = z.output<typeof pdfRequestSchema>;

/** What a worker writes: the answer a direct call would have returned, or why it failed. */
const answerSchema = z.union([z.object({ ok: z.literal(true), answer: z.unknown() }), z.object({ ok: z.literal(false), error: z.string() })]);

const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** The worker's side: a request whose caller has stopped waiting is not run (a redelivery, a backlog). */
export function expired(req: { answer_by: Date }, now = new Date()): boolean {
  return now.getTime() > req.answer_by.getTime();
}

/** The worker's side: runs `work` and leaves its answer (or its failure) for the caller. */
export async function answerRequest(blobs: Blobs, id: string, work: () => Promise<unknown>): Promise<void> {
  let out: z.infer<typeof answerSchema>;
  try {
    out = { ok: true, answer: await work() };
  } catch (err) {
    out = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  await blobs.put(answerKey(id), encode(out), 'application/json');
}

/** Reads the answer until it is there or `waitMs` passes (25 ms, doubling to 250 ms between reads). */
async function awaitAnswer(blobs: Blobs, id: string, waitMs: number, what: string): Promise<unknown> {
  const until = performance.now() + waitMs;
  let pause = 25;
  for (;;) {
    const blob = await blobs.get(answerKey(id));
    if (blob) {
      const out = answerSchema.parse(JSON.parse(new TextDecoder().decode(blob.data)));
      if (!out.ok) throw new Error(`${what} failed: ${out.error}`);
      return out.answer;
    }
    const left = until - performance.now();
    if (left <= 0) throw new DomainError('UNAVAILABLE', `the ${what} did not finish in time; try again`, { retryAfter: 30 });
    await sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, 250);
  }
}

export interface QueuedAnswerPorts {
  queue: Queue;
  blobs: Blobs;
  waitMs?: number;
}

/** The API's tools routes on AWS: the tools function runs the probe from the tools queue. */
export function queuedToolInvoker(p: QueuedAnswerPorts): ToolInvoker {
  const waitMs = p.waitMs ?? ANSWER_WAIT_MS;
  return {
    async invoke(tool) {
      const id = randomUUID();
      const body = { type: 'tool', id, answer_by: new Date(Date.now() + waitMs).toISOString(), tool } satisfies z.input<typeof toolRequestSchema>;
      await p.queue.send('tools', [{ body, id }]);
      return awaitAnswer(p.blobs, id, waitMs, 'tool');
    },
  };
}

/** The SLA report's PDF on AWS: the page goes to the blob bucket, the browser function prints it from the browser queue. */
export function queuedBrowserRunner(p: QueuedAnswerPorts): BrowserRunner {
  const waitMs = p.waitMs ?? ANSWER_WAIT_MS;
  return {
    async run(job) {
      const { html } = z.object({ kind: z.literal('pdf'), html: z.string().min(1) }).parse(job);
      const id = randomUUID();
      await p.blobs.put(pageKey(id), new TextEncoder().encode(html), 'text/html; charset=utf-8');
      const body = {
        kind: 'pdf_request',
        id,
        answer_by: new Date(Date.now() + waitMs).toISOString(),
        timeout: Math.max(5, Math.floor(waitMs / 1000) - 2),
      } satisfies z.input<typeof pdfRequestSchema>;
      await p.queue.send('browser', [{ body, id }]);
      return awaitAnswer(p.blobs, id, waitMs, 'PDF');
    },
  };
}
