import type { IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { DeployConfig } from './config.ts';
import type { Data } from './data.ts';

export interface Placement {
  vpc?: IVpc;
  vpcSubnets?: SubnetSelection;
}

/** Functions that touch the database or the cache. */
export function inVpc(data: Data): Placement {
  return { vpc: data.vpc, vpcSubnets: data.functionSubnets };
}

/**
 * Functions that probe the internet: outside the VPC unless NAT exists, in which case the operator
 * asked for everything inside it.
 */
export function forProbes(data: Data, config: DeployConfig): Placement {
  return config.natGateways > 0 ? inVpc(data) : {};
}
