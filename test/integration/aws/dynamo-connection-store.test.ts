import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoConnectionStore } from '../../../layers/platform/aws/dynamo-connection-store.ts';
import { DynamoDeliveryLog } from '../../../layers/platform/aws/dynamo-delivery-log.ts';
import type { Clock } from '../../../layers/platform/ports.ts';

// A DynamoDB API (dynalite) in this process on a loopback port, with the table lib/data.ts creates.
let server: ReturnType<typeof dynalite>;
let client: DynamoDBClient;
let tableName: string;
let tableCount = 0;

const clock = { at: new Date('2026-01-01T00:00:00Z'), now() { return this.at; } } satisfies Clock & { at: Date };

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  client?.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(async () => {
  clock.at = new Date('2026-01-01T00:00:00Z');
  tableName = `connections-${++tableCount}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
});

const store = () => new DynamoConnectionStore({ client, tableName, clock, ttlSeconds: 3600 });
const conn = (id: string, userId: number) => ({ connectionId: id, userId, connectedAt: '2026-01-01T00:00:00.000Z' });

describe('DynamoDB connection store', () => {
  it('adds, gets and removes a connection', async () => {
    const s = store();
    await s.add(conn('c1', 7));
    expect(await s.get('c1')).toEqual(conn('c1', 7));
    await s.remove('c1');
    expect(await s.get('c1')).toBeUndefined();
  });

  it('keeps the token version of the session that opened a connection', async () => {
    const s = store();
    await s.add({ ...conn('c9', 7), tokenVersion: 3 });
    expect(await s.get('c9')).toEqual({ ...conn('c9', 7), tokenVersion: 3 });
    expect((await s.byUser(7)).find((c) => c.connectionId === 'c9')?.tokenVersion).toBe(3);
    await s.remove('c9');
  });

  it('lists a user’s connections', async () => {
    const s = store();
    await s.add(conn('c1', 7));
    await s.add(conn('c2', 7));
    await s.add(conn('c3', 8));
    expect((await s.byUser(7)).map((c) => c.connectionId).sort()).toEqual(['c1', 'c2']);
    expect(await s.byUser(9)).toEqual([]);
  });

  it('lists the connections subscribed to a project, and forgets unsubscribed ones', async () => {
    const s = store();
    await s.add(conn('c1', 7));
    await s.add(conn('c2', 8));
    await s.subscribe('c1', 100);
    await s.subscribe('c2', 100);
    await s.subscribe('c2', 200);
    expect((await s.byProject(100)).sort()).toEqual(['c1', 'c2']);
    await s.unsubscribe('c2', 100);
    expect(await s.byProject(100)).toEqual(['c1']);
    expect(await s.byProject(200)).toEqual(['c2']);
  });

  it('removes a connection together with its subscriptions', async () => {
    const s = store();
    await s.add(conn('c1', 7));
    for (let p = 1; p <= 30; p++) await s.subscribe('c1', p);
    await s.remove('c1');
    expect(await s.byProject(1)).toEqual([]);
    expect(await s.byProject(30)).toEqual([]);
    expect(await s.byUser(7)).toEqual([]);
  });

  it('ignores a subscription for a connection it does not know', async () => {
    const s = store();
    await s.subscribe('ghost', 100);
    expect(await s.byProject(100)).toEqual([]);
  });

  it('treats items past their TTL as gone before DynamoDB deletes them', async () => {
    const s = store();
    await s.add(conn('c1', 7));
    await s.subscribe('c1', 100);
    clock.at = new Date(clock.at.getTime() + 3601 * 1000);
    expect(await s.get('c1')).toBeUndefined();
    expect(await s.byUser(7)).toEqual([]);
    expect(await s.byProject(100)).toEqual([]);
  });
});

describe('DynamoDB delivery log', () => {
  it('remembers delivered outbox ids', async () => {
    const log = new DynamoDeliveryLog({ client, tableName, clock });
    expect(await log.wasDelivered(42)).toBe(false);
    await log.markDelivered(42);
    expect(await log.wasDelivered(42)).toBe(true);
    expect(await log.wasDelivered(43)).toBe(false);
  });

  it('shares the table with connections without showing up in their queries', async () => {
    const s = store();
    await new DynamoDeliveryLog({ client, tableName, clock }).markDelivered(1);
    await s.add(conn('c1', 1));
    expect(await s.byUser(1)).toHaveLength(1);
  });
});
