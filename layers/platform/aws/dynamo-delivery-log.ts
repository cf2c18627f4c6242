import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock, type DeliveryLog } from '../ports.ts';

/** Queue messages are retried for days at most (SQS retention), so the marks can expire after two weeks. */
export const DEFAULT_DELIVERY_TTL_SECONDS = 14 * 24 * 60 * 60;

/**
 * The DeliveryLog port in the connections table (item pk=DELIVERY#<outboxId>, sk=DELIVERY), so the
 * notifier outside the VPC can tell a redelivered message from a new one without the database.
 */
export class DynamoDeliveryLog implements DeliveryLog {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly options: { client: DynamoDBClient | DynamoDBDocumentClient; tableName: string; ttlSeconds?: number; clock?: Clock },
  ) {
    this.doc = options.client instanceof DynamoDBDocumentClient ? options.client : DynamoDBDocumentClient.from(options.client);
  }

  private key(outboxId: number) {
    return { pk: `DELIVERY#${outboxId}`, sk: 'DELIVERY' };
  }

  async wasDelivered(outboxId: number): Promise<boolean> {
    const out = await this.doc.send(new GetCommand({ TableName: this.options.tableName, Key: this.key(outboxId), ConsistentRead: true }));
    return out.Item !== undefined;
  }

  async markDelivered(outboxId: number): Promise<void> {
    const now = Math.floor((this.options.clock ?? systemClock).now().getTime() / 1000);
    await this.doc.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { ...this.key(outboxId), expiresAt: now + (this.options.ttlSeconds ?? DEFAULT_DELIVERY_TTL_SECONDS) },
      }),
    );
  }
}
