import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadDeployConfig } from '../../lib/config.ts';
import { PyMonitorStack } from '../../lib/py-monitor-stack.ts';
import cdkJson from '../../cdk.json' with { type: 'json' };

/**
 * Synthesizes the stack the way the tests need it: no bundling (so no esbuild and no function entry
 * files), no container image, the placeholder account and region with their AZs.
 */
export function synthStack(
  context: Record<string, unknown> = {},
  options: { validate?: boolean } = {},
): { stack: PyMonitorStack; template: Template } {
  const app = new App({
    // The built-in CloudFormation validation takes seconds; one test runs it, the rest skip it.
    builtinCloudFormationValidation: options.validate ?? false,
    // cdk.json's context (feature flags, AZs, defaults) so the tests see the template `cdk synth` makes.
    context: {
      ...cdkJson.context,
      'aws:cdk:bundling-stacks': [],
      skipBrowserImage: true,
      ...context,
    },
  });
  const config = loadDeployConfig(app.node);
  const stack = new PyMonitorStack(app, 'PyMonitorTest', { config, env: { account: '123456789012', region: 'us-east-1' } });
  return { stack, template: Template.fromStack(stack) };
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
}

export function resourcesOf(template: Template, type?: string): Record<string, CfnResource> {
  const all = template.toJSON().Resources as Record<string, CfnResource>;
  return Object.fromEntries(Object.entries(all).filter(([, r]) => type === undefined || r.Type === type));
}

/** Logical id of the one function whose description starts with `prefix`. */
export function functionId(template: Template, prefix: string): string {
  const ids = Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))
    .filter(([, r]) => String(r.Properties?.['Description'] ?? '').startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one function described "${prefix}...", found ${ids.length}`);
  return ids[0] as string;
}

/** Every IAM statement attached to the function's role, flattened. */
export function statementsOf(template: Template, fnId: string): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  const fn = resourcesOf(template)[fnId];
  const role = (fn?.Properties?.['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties?.['Roles'] as { Ref: string }[]).some((r) => r.Ref === role))
    .flatMap((p) => (p.Properties?.['PolicyDocument'] as { Statement: never[] }).Statement);
}

export function actionsOf(template: Template, fnId: string): string[] {
  return statementsOf(template, fnId).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}
