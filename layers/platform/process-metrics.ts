import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ProcessMetrics, QueueName, QueueStats } from './ports.ts';

const QUEUES: QueueName[] = ['checks', 'browser', 'results', 'notifications'];

/**
 * This process's metrics for GET /metrics: Node's and the process's own (prom-client's defaults:
 * CPU, memory, event loop lag, heap, GC) and, where the queue runs in-process (the local runner),
 * its depth and the checks being run.
 */
export function createProcessMetrics(opts: { queue?: QueueStats | undefined } = {}): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const stats = opts.queue;
  if (stats) {
    new Gauge({
      name: 'pymonitor_queue_depth',
      help: 'Messages waiting in the in-process queue (delayed ones included)',
      labelNames: ['queue'],
      registers: [registry],
      collect() {
        for (const queue of QUEUES) this.set({ queue }, stats.waiting(queue));
      },
    });
    new Gauge({
      name: 'pymonitor_checks_in_flight',
      help: 'Checks this process is running now: http (HTTP, SSL and domain checks) and browser (deep checks, screenshots, journeys)',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        this.set({ kind: 'http' }, stats.inFlight('checks'));
        this.set({ kind: 'browser' }, stats.inFlight('browser'));
      },
    });
  }
  // prom-client writes NaN as `Nan` (an empty event loop histogram); the format says `NaN`.
  return { render: async () => (await registry.metrics()).replace(/ Nan$/gm, ' NaN') };
}
