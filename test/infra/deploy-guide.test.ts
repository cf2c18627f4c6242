import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { deployConfigKeys, deployConfigSchema } from '../../lib/config.ts';
import { synthStack } from './synth.ts';
import cdkJson from '../../cdk.json' with { type: 'json' };

// The deploy guide (README, "Deploying to AWS") stays true to lib/: every cdk.json setting is in its
// table with its real default, and every stack output it lists exists.

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const guide = readme.slice(readme.indexOf('## Deploying to AWS'), readme.indexOf('<!-- deploy:end -->'));
/** The body rows of the markdown table whose header line is `header`. */
function tableRows(header: string): string[] {
  const lines = guide.slice(guide.indexOf(header)).split('\n').slice(2);
  const end = lines.findIndex((l) => !l.startsWith('|'));
  return lines.slice(0, end < 0 ? undefined : end);
}
const rows = tableRows('| key | default | meaning |');
const ticks = (cell: string) => [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);

describe('the deploy guide', () => {
  it('lists every cdk.json setting once, with the default lib/config.ts gives it', () => {
    const defaults = deployConfigSchema.parse({}) as Record<string, unknown>;
    const listed = new Map<string, string | undefined>();
    for (const row of rows) {
      const [, keyCell = '', defaultCell = ''] = row.split('|');
      const keys = ticks(keyCell);
      const values = ticks(defaultCell);
      keys.forEach((k, i) => listed.set(k, values[i]));
      if (values.length === 0) for (const k of keys) expect(defaultCell.trim(), k).toBe('none');
    }
    expect([...listed.keys()].sort()).toEqual([...deployConfigKeys].sort());
    for (const key of deployConfigKeys) {
      const value = defaults[key];
      const shown = Array.isArray(value) ? (value.length ? value.join(',') : undefined) : value === undefined ? undefined : String(value);
      expect(listed.get(key), key).toBe(shown);
    }
  });

  it("agrees with cdk.json: each setting cdk.json holds is at the default the table shows", () => {
    const context = cdkJson.context as Record<string, unknown>;
    const inCdkJson = deployConfigKeys.filter((key) => key in context);
    expect(inCdkJson.length).toBeGreaterThan(10);
    const fromCdkJson = deployConfigSchema.parse(Object.fromEntries(inCdkJson.map((key) => [key, context[key]]))) as Record<string, unknown>;
    const defaults = deployConfigSchema.parse({}) as Record<string, unknown>;
    for (const key of inCdkJson) expect(fromCdkJson[key], key).toEqual(defaults[key]);
  });

  it('names every output the stack has (every optional one on), and no other', () => {
    const { template } = synthStack({ prometheusMetrics: 'true', sesVerifyDomain: 'true', alertEmailFrom: 'alerts@example.org' });
    const outputs = Object.keys(template.toJSON().Outputs as object).sort();
    const named = tableRows('| output | what it is |').flatMap((row) => {
      const [, nameCell = '', meaningCell = ''] = row.split('|');
      const names = ticks(nameCell);
      // `<Name>LogGroup`: one output per name the row lists; `DkimRecord1`..`3`: three.
      const pattern = names.find((n) => n.startsWith('<Name>'));
      if (pattern) return ticks(meaningCell).map((n) => `${n}${pattern.slice('<Name>'.length)}`);
      if (names[0] === 'DkimRecord1' && names[1] === '3') return ['DkimRecord1', 'DkimRecord2', 'DkimRecord3'];
      return names;
    });
    expect(named.sort()).toEqual(outputs);
  });

  it('lists every alarm the stack creates under its construct name, and no other', () => {
    const { stack } = synthStack();
    const alarms = stack.alarms.node.children.filter((c) => c instanceof cloudwatch.Alarm).map((c) => c.node.id).sort();
    const listed = tableRows('| alarm | fires when |').flatMap((row) => {
      const [, nameCell = '', whenCell = ''] = row.split('|');
      const names = ticks(nameCell);
      // `<Function>Errors` | `Api`, `Tools`, ...: the functions before the colon.
      const pattern = names.find((n) => n.startsWith('<Function>'));
      if (pattern) return ticks(whenCell.split(':')[0] ?? '').map((n) => `${n}${pattern.slice('<Function>'.length)}`);
      return names;
    });
    expect(listed.sort()).toEqual(alarms);
  });
});

describe('what a stranger needs from the guide (issue 13)', () => {
  const section = (heading: string) => {
    const start = guide.indexOf(`### ${heading}`);
    expect(start, heading).toBeGreaterThanOrEqual(0);
    const end = guide.indexOf('\n### ', start + 4);
    // One line: the README wraps its sentences anywhere.
    return guide.slice(start, end < 0 ? undefined : end).replace(/\s+/g, ' ');
  };

  it('states the prerequisites: credentials, Docker with internet, bootstrap, the concurrency quota the reservations need, CloudFront verification, SES', () => {
    const prerequisites = section('Prerequisites');
    const defaults = deployConfigSchema.parse({});
    expect(prerequisites).toMatch(/credentials/);
    expect(prerequisites).toContain('Docker with internet access');
    expect(prerequisites).toContain('npx cdk bootstrap');
    // Lambda keeps 100 executions unreserved: the quota must cover them and every reservation.
    expect(prerequisites).toContain(`(${100 + defaults.checkerConcurrency + defaults.browserConcurrency} by default)`);
    expect(prerequisites).toMatch(/Service Quotas[\s\S]*request-service-quota-increase --service-code lambda --quota-code L-B99A9384/);
    expect(prerequisites).toContain('must be verified before you can add new CloudFront resources');
    expect(prerequisites).toMatch(/SES sandbox[\s\S]*Request production access[\s\S]*`DkimRecord1`/);
  });

  it('covers the first admin, a custom domain, logs, dead-letter queues, upgrades, snapshots and teardown', () => {
    expect(section('The first admin')).toContain('first account of an installation becomes its administrator');
    expect(section('A custom domain')).toMatch(/ACM in \*\*us-east-1\*\*[\s\S]*alias[\s\S]*`DistributionDomainName`/);
    expect(section('Logs')).toContain('`<Name>LogGroup` outputs');
    expect(section('Dead-letter queues')).toMatch(/receive-message[\s\S]*start-message-move-task/);
    expect(section('Upgrading')).toMatch(/forward-only[\s\S]*create-db-cluster-snapshot/);
    expect(section('Restoring a snapshot')).toContain('`dbSnapshotIdentifier`');
    expect(section('Tearing down')).toMatch(/--no-deletion-protection[\s\S]*npx cdk destroy[\s\S]*Retained/);
  });

  it('sizes browserConcurrency from the monitor count, one execution per 60 monitors at the default cadence', () => {
    const sizing = guide.slice(guide.indexOf('**Sizing `browserConcurrency`.**'));
    const row = sizing.split('\n').find((l) => l.startsWith('| `every_6th` (default)'));
    // ~6 s per deep check every 6th 60 s cycle: 360 s / 6 s = 60 monitors per execution.
    expect(row?.split('|').map((c) => c.trim()).slice(2, 5)).toEqual(['60', '300', `${Math.ceil(100 / 60)} / ${Math.ceil(1000 / 60)} / ${Math.ceil(10000 / 60)}`]);
  });
});

describe('the cost table', () => {
  it("shows bench/cost's figures at 100 / 1,000 / 10,000 monitors", () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/cost/run.ts'], {
      cwd: new URL('../..', import.meta.url).pathname,
      encoding: 'utf8',
      env: { ...process.env, COST_HANGING_SHARE: '' },
    });
    expect(run.status, run.stderr).toBe(0);
    /** The three figures of the model's line that starts with `label`. */
    const model = (label: string) => {
      const line = run.stdout.split('\n').find((l) => l.trimStart().startsWith(label));
      expect(line, label).toBeDefined();
      return (line ?? '').match(/\$[\d,.]+/g)?.slice(-3);
    };
    const cost = guide.slice(guide.indexOf('### Cost'));
    /** The three figures of the README row that starts with `label`. */
    const readme = (label: string) => {
      const row = cost.split('\n').find((l) => l.startsWith(`| ${label}`));
      expect(row, label).toBeDefined();
      return (row ?? '').split('|').slice(2, 5).map((c) => c.replace(/\*/g, '').trim());
    };
    expect(readme('fixed floor')).toEqual(model('subtotal floor'));
    expect(readme('checker Lambda')).toEqual(model('Checker Lambda'));
    expect(readme('**HTTP checks only')).toEqual(model('without browser deep checks'));
    expect(readme('browser deep checks, `deep_check_cadence` `every_6th`')).toEqual(model('Browser deep checks'));
  }, 120_000);
});
