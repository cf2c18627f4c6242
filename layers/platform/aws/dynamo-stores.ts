import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../../config.ts';
import type { ConnectionStore, DeliveryLog } from '../ports.ts';
import { clientOptions } from './client-options.ts';
import { DynamoConnectionStore } from './dynamo-connection-store.ts';
import { DynamoDeliveryLog } from './dynamo-delivery-log.ts';

/** Both stores share the connections table and one client; present with CONNECTIONS_TABLE. */
export function createDynamoStores(config: Config): { connections: ConnectionStore; deliveryLog: DeliveryLog } | undefined {
  if (!config.CONNECTIONS_TABLE) return undefined;
  const client = new DynamoDBClient(clientOptions(config));
  return {
    connections: new DynamoConnectionStore({ client, tableName: config.CONNECTIONS_TABLE }),
    deliveryLog: new DynamoDeliveryLog({ client, tableName: config.CONNECTIONS_TABLE }),
  };
}
