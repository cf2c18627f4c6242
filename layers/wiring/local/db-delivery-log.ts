import * as log from '../../repositories/delivery-log.ts';
import type { Sql } from '../../repositories/db.ts';
import type { Clock, DeliveryLog } from '../../platform/ports.ts';

/** Local delivery log in the database, so a restart after a crash never sends a delivery twice. */
export class DbDeliveryLog implements DeliveryLog {
  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
  ) {}
  wasDelivered(outboxId: number): Promise<boolean> {
    return log.isDelivered(this.sql, outboxId);
  }
  markDelivered(outboxId: number): Promise<void> {
    return log.markDelivered(this.sql, outboxId, this.clock.now());
  }
}
