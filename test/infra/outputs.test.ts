import { beforeAll, describe, expect, it } from 'vitest';
import { resourcesOf, synthStack } from './synth.ts';

// What the deploy guide tells an operator to read from `cdk deploy`'s outputs.

type Output = { Value: unknown; Description?: string };
let outputs: Record<string, Output>;
let template: ReturnType<typeof synthStack>['template'];
beforeAll(() => {
  template = synthStack().template;
  outputs = template.toJSON().Outputs as Record<string, Output>;
});

describe('stack outputs', () => {
  it('name the log group of every function and of both API stages', () => {
    const logGroupOutputs = Object.entries(outputs).filter(([name]) => name.endsWith('LogGroup'));
    const names = logGroupOutputs.map(([name]) => name).sort();
    expect(names).toEqual(
      ['Api', 'Browser', 'Checker', 'Daily', 'HttpApiAccess', 'Migrate', 'Notifier', 'Results', 'Scheduler', 'Tools', 'WebSocketAccess', 'Ws']
        .map((n) => `${n}LogGroup`)
        .sort(),
    );
    const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
    for (const [name, output] of logGroupOutputs) {
      const ref = (output.Value as { Ref?: string }).Ref;
      expect(logGroups[ref ?? ''], name).toBeDefined();
    }
  });

  it('give the URL of every dead-letter queue, for inspection and redrive', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    for (const name of ['Check', 'Browser', 'Results', 'Notify', 'Daily']) {
      const ref = (outputs[`${name}DlqUrl`]?.Value as { Ref?: string } | undefined)?.Ref ?? '';
      expect(ref, name).toMatch(new RegExp(`^Checks${name}Dlq`));
      expect(queues[ref], name).toBeDefined();
    }
  });

  it('give the distribution domain for alias records and the cluster identifier for teardown', () => {
    expect(outputs['DistributionDomainName']?.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WebDistribution/), 'DomainName'] });
    expect(outputs['DatabaseClusterId']?.Value).toEqual({ Ref: expect.stringMatching(/^DataDatabase/) });
    for (const name of ['DashboardUrl', 'HttpApiUrl', 'WebSocketUrl', 'AlarmTopicArn', 'DatabaseSecretArn']) expect(outputs[name], name).toBeDefined();
  });

  it('list the three DKIM records when the sender domain is verified, and none otherwise', () => {
    expect(Object.keys(outputs).filter((n) => n.startsWith('Dkim'))).toEqual([]);
    const domain = synthStack({ sesVerifyDomain: 'true', alertEmailFrom: 'alerts@example.org' }).template.toJSON().Outputs as Record<string, Output>;
    const dkim = Object.entries(domain).filter(([n]) => n.startsWith('DkimRecord'));
    expect(dkim.map(([n]) => n)).toEqual(['DkimRecord1', 'DkimRecord2', 'DkimRecord3']);
    for (const [, output] of dkim) expect(JSON.stringify(output.Value)).toMatch(/DkimDNSTokenName\d.* CNAME .*DkimDNSTokenValue\d/);
  });
});
