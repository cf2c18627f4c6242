import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { DeployConfig } from './config.ts';
import { DATABASE_POOL_MAX, type Data } from './data.ts';
import { HouseFunction, projectRoot } from './house-function.ts';
import { inVpc } from './placement.ts';

export const MIGRATIONS_DIR = join(projectRoot, 'layers', 'repositories', 'migrations');

/** Hash of every migration file's name and content: a changed or added migration changes it. */
export function hashMigrations(dir: string = MIGRATIONS_DIR): string {
  const hash = createHash('sha256');
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()) {
      hash.update(name).update('\0').update(readFileSync(join(dir, name))).update('\0');
    }
  }
  return hash.digest('hex');
}

/**
 * Applies layers/repositories/migrations on deploy through a custom resource whose property is the
 * migrations hash, so CloudFormation re-invokes the (idempotent) migrator whenever they change.
 * `functions/migrate.ts` receives Create/Update/Delete events and should ignore Delete.
 */
export class Migrations extends Construct {
  readonly fn: HouseFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: { config: DeployConfig; data: Data }) {
    super(scope, id);
    const { config, data } = props;
    this.fn = new HouseFunction(this, 'MigrateFunction', {
      entry: 'functions/migrate.ts',
      description: 'Applies database migrations on deploy',
      // A paused Aurora writer takes ~15 s to resume before the first statement runs.
      timeout: Duration.minutes(10),
      logRetentionDays: config.logRetentionDays,
      ...inVpc(data),
    })
      .bindDatabase({ secret: data.databaseSecret, connections: data.cluster.connections }, DATABASE_POOL_MAX.migrate);

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.fn,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', {
        retention: config.logRetentionDays as logs.RetentionDays,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    this.resource = new CustomResource(this, 'Run', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PyMonitorMigrations',
      properties: { migrationsHash: hashMigrations() },
    });
    // The migrator connects on the first deploy: the cluster, the endpoints to its secret and its own
    // ingress rule must exist first (the other functions' rules depend on the migration, so not those).
    this.resource.node.addDependency(data.cluster, ...data.databaseIngressFrom(this.fn), ...data.endpoints);
  }
}
