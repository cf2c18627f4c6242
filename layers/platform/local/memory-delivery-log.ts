import type { DeliveryLog } from '../ports.ts';

/** Local delivery log: the outbox status covers restarts; this covers redeliveries while running. */
export class MemoryDeliveryLog implements DeliveryLog {
  private readonly delivered = new Set<number>();
  async wasDelivered(id: number): Promise<boolean> {
    return this.delivered.has(id);
  }
  async markDelivered(id: number): Promise<void> {
    this.delivered.add(id);
  }
}
