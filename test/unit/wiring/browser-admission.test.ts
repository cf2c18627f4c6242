import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../layers/errors.ts';
import { LocalBrowserRunner, OnDemandAdmission } from '../../../layers/wiring/local/browser-runner.ts';
import { loadConfig } from '../../../layers/config.ts';
import type { Blobs, Logger } from '../../../layers/platform/ports.ts';

// Issue 16.10: browser runs on demand share the pool with scheduled checks; they are admitted so
// that scheduled checks keep a slot, and only a few wait.

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('on-demand browser admission', () => {
  it('runs up to its limit, queues a few, refuses the rest with 503 and Retry-After, and frees slots in order', async () => {
    const admission = new OnDemandAdmission(1, 1);
    const order: string[] = [];
    const first = deferred();
    const a = admission.run(async () => {
      order.push('a start');
      await first.promise;
      order.push('a end');
    });
    const b = admission.run(async () => {
      order.push('b start');
    });
    const refused = await admission.run(async () => order.push('c start')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('UNAVAILABLE');
    expect((refused as DomainError).retryAfter).toBe(30);
    expect(order).toEqual(['a start']);
    first.resolve();
    await Promise.all([a, b]);
    expect(order).toEqual(['a start', 'a end', 'b start']);
    // Everything was released: two more fit again.
    await Promise.all([admission.run(async () => order.push('d')), admission.run(async () => order.push('e'))]);
    expect(order.slice(-2)).toEqual(['d', 'e']);
  });

  it('frees the slot when a run fails', async () => {
    const admission = new OnDemandAdmission(1, 0);
    await expect(admission.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(admission.run(async () => 'ok')).resolves.toBe('ok');
  });

  it('leaves scheduled checks one of the browser slots', () => {
    const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as unknown as Logger;
    const runner = (n: string) => new LocalBrowserRunner(loadConfig({ MODE: 'local', BROWSER_CONCURRENCY: n }), {} as Blobs, silent);
    expect(runner('2').admission.maxRunning).toBe(1);
    expect(runner('4').admission.maxRunning).toBe(3);
    expect(runner('4').admission.maxWaiting).toBe(8);
    expect(runner('1').admission.maxRunning).toBe(1);
  });
});
