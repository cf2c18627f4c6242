import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { deployConfigKeys, deployConfigSchema } from '../../lib/config.ts';
import { synthStack } from './synth.ts';

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

  it('names only outputs the stack has', () => {
    const { template } = synthStack({ prometheusMetrics: 'true', sesVerifyDomain: 'true', alertEmailFrom: 'alerts@example.org' });
    const outputs = Object.keys(template.toJSON().Outputs as object);
    const named = tableRows('| output | what it is |').flatMap((l) => ticks(l.split('|')[1] ?? ''));
    expect(named.length).toBeGreaterThan(10);
    for (const name of named) {
      if (name.startsWith('<Name>')) expect(outputs.some((o) => o.endsWith(name.slice('<Name>'.length))), name).toBe(true);
      else if (name.endsWith('..`3') || name === 'DkimRecord1') expect(outputs).toContain('DkimRecord1');
      else if (name === '3') continue;
      else expect(outputs, name).toContain(name);
    }
  });
});
