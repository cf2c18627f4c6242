import { App, Tags } from 'aws-cdk-lib';
import { loadDeployConfig } from '../lib/config.ts';
import { PyMonitorStack } from '../lib/py-monitor-stack.ts';

// The CDK app. Offline synth uses the placeholder account and region from cdk.json (their AZs are
// listed there too, so nothing is looked up); `cdk deploy` with credentials uses the CLI's.
const app = new App();
const config = loadDeployConfig(app.node);
const stack = new PyMonitorStack(app, config.stackName, {
  config,
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT ?? config.account,
    region: process.env.CDK_DEFAULT_REGION ?? config.region,
  },
  description: 'Py_Monitor: uptime and website-health monitoring',
});
Tags.of(stack).add('app', 'py-monitor');
