import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { systemClock, type Clock, type ConnectionStore, type WsConnection } from '../ports.ts';

// Single-table design (lib/data.ts creates the table):
//   connection    pk=CONN#<id>  sk=CONN       gsi1pk=USER#<userId>     gsi1sk=CONN#<id>
//   subscription  pk=CONN#<id>  sk=SUB#<pid>  gsi1pk=PROJECT#<pid>     gsi1sk=CONN#<id>
// Every item carries `expiresAt` (epoch seconds) for DynamoDB TTL. TTL deletes lazily (up to days
// later), so reads also drop expired items themselves.

/** API Gateway closes a WebSocket after 2 hours; items outlive that by an hour at most. */
export const DEFAULT_CONNECTION_TTL_SECONDS = 3 * 60 * 60;
export const GSI_NAME = 'gsi1';

const connectionItemSchema = z.object({
  connectionId: z.string(),
  userId: z.number().int(),
  connectedAt: z.string(),
  tokenVersion: z.number().int().optional(),
  expiresAt: z.number(),
});
const connectionOf = (item: z.output<typeof connectionItemSchema>): WsConnection => ({
  connectionId: item.connectionId,
  userId: item.userId,
  connectedAt: item.connectedAt,
  ...(item.tokenVersion !== undefined ? { tokenVersion: item.tokenVersion } : {}),
});
const subscriptionItemSchema = z.object({ connectionId: z.string(), expiresAt: z.number() });

export interface DynamoConnectionStoreOptions {
  client: DynamoDBClient | DynamoDBDocumentClient;
  tableName: string;
  ttlSeconds?: number;
  clock?: Clock;
}

const connKey = (id: string) => ({ pk: `CONN#${id}`, sk: 'CONN' });

export class DynamoConnectionStore implements ConnectionStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly ttlSeconds: number;
  private readonly clock: Clock;

  constructor(options: DynamoConnectionStoreOptions) {
    this.doc =
      options.client instanceof DynamoDBDocumentClient
        ? options.client
        : DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = options.tableName;
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_CONNECTION_TTL_SECONDS;
    this.clock = options.clock ?? systemClock;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  async add(c: WsConnection): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...connKey(c.connectionId),
          gsi1pk: `USER#${c.userId}`,
          gsi1sk: `CONN#${c.connectionId}`,
          connectionId: c.connectionId,
          userId: c.userId,
          connectedAt: c.connectedAt,
          tokenVersion: c.tokenVersion,
          expiresAt: this.nowSeconds() + this.ttlSeconds,
        },
      }),
    );
  }

  async get(connectionId: string): Promise<WsConnection | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: connKey(connectionId), ConsistentRead: true }));
    const item = connectionItemSchema.safeParse(out.Item);
    if (!item.success || item.data.expiresAt <= this.nowSeconds()) return undefined;
    return connectionOf(item.data);
  }

  /** Deletes the connection and all its subscriptions. */
  async remove(connectionId: string): Promise<void> {
    const keys = (await this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CONN#${connectionId}` } })).map(
      (item) => ({ pk: item['pk'], sk: item['sk'] }),
    );
    for (let i = 0; i < keys.length; i += 25) {
      let requests: Record<string, unknown>[] | undefined = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      // Unprocessed items come back under throttling; retry them a few times with a short backoff.
      for (let attempt = 0; requests && requests.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        if (attempt > 5) throw new Error(`could not delete connection ${connectionId}: DynamoDB kept items unprocessed`);
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = out.UnprocessedItems?.[this.table] as Record<string, unknown>[] | undefined;
      }
    }
  }

  /** Subscribes a live connection to a project; a subscription ends with its connection. */
  async subscribe(connectionId: string, projectId: number): Promise<void> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: connKey(connectionId), ConsistentRead: true }));
    const conn = connectionItemSchema.safeParse(out.Item);
    if (!conn.success || conn.data.expiresAt <= this.nowSeconds()) return;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `CONN#${connectionId}`,
          sk: `SUB#${projectId}`,
          gsi1pk: `PROJECT#${projectId}`,
          gsi1sk: `CONN#${connectionId}`,
          connectionId,
          projectId,
          expiresAt: conn.data.expiresAt,
        },
      }),
    );
  }

  async unsubscribe(connectionId: string, projectId: number): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: `CONN#${connectionId}`, sk: `SUB#${projectId}` } }));
  }

  async byUser(userId: number): Promise<WsConnection[]> {
    const items = await this.queryAll({
      IndexName: GSI_NAME,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `USER#${userId}` },
    });
    const now = this.nowSeconds();
    return items.flatMap((raw) => {
      const item = connectionItemSchema.safeParse(raw);
      return item.success && item.data.expiresAt > now ? [connectionOf(item.data)] : [];
    });
  }

  async byProject(projectId: number): Promise<string[]> {
    const items = await this.queryAll({
      IndexName: GSI_NAME,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `PROJECT#${projectId}` },
    });
    const now = this.nowSeconds();
    return items.flatMap((raw) => {
      const item = subscriptionItemSchema.safeParse(raw);
      return item.success && item.data.expiresAt > now ? [item.data.connectionId] : [];
    });
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey: start }));
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
