import type { Config } from '../../config.ts';

/** SDK clients use the Lambda's region and role; nothing here reads process.env (the SDK's own credential chain aside). */
export function clientOptions(config: Pick<Config, 'AWS_REGION'>): { region?: string } {
  return config.AWS_REGION ? { region: config.AWS_REGION } : {};
}
