import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultMessageSchema } from '../../../layers/services/messages.ts';
import { recordExpiryResult } from '../../../layers/services/recorder.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startFlakyTarget, type FlakyTarget } from '../../support/target.ts';

// GET /metrics (issue 15): the Prometheus text format, read back with a strict parser of the format.

// ---- a strict parser of the Prometheus text exposition format 0.0.4 ----

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

/** The family a sample belongs to: its own name, or a histogram's or summary's with a suffix. */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  const own = families.get(name);
  if (own) return own;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = families.get(name.slice(0, -suffix.length));
    if (name.endsWith(suffix) && base && (base.type === 'histogram' || (base.type === 'summary' && suffix !== '_bucket'))) return base;
  }
  return undefined;
}

function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, Family>();
  const seenSeries = new Set<string>();
  const closed = new Set<string>();
  let current: Family | undefined;
  text.slice(0, -1).split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
      let family = families.get(name);
      if (!family) {
        if (current) closed.add(current.name);
        family = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, family);
      } else if (family !== current || family.samples.length > 0) throw new Error(`line ${line}: ${kind} of ${name} after its samples or apart from them`);
      current = family;
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${line}: unknown type ${rest}`);
        family.type = rest;
      } else {
        family.help = rest.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
      }
      return;
    }
    if (raw.startsWith('#')) return;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(raw);
    if (!m) throw new Error(`line ${line}: not a sample: ${raw}`);
    const [, name, , labelText, valueText] = m as unknown as [string, string, string | undefined, string | undefined, string];
    const labels: Record<string, string> = {};
    if (labelText) {
      const re = /([^=,]+)="((?:[^"\\]|\\[\\"n])*)"(,|$)/y;
      let pos = 0;
      while (pos < labelText.length) {
        re.lastIndex = pos;
        const lm = re.exec(labelText);
        if (!lm) throw new Error(`line ${line}: bad labels {${labelText}}`);
        const [, lname, lvalue] = lm as unknown as [string, string, string];
        if (!LABEL_NAME.test(lname) || lname.startsWith('__')) throw new Error(`line ${line}: bad label name ${lname}`);
        if (lname in labels) throw new Error(`line ${line}: label ${lname} twice`);
        labels[lname] = lvalue.replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
        pos = re.lastIndex;
      }
    }
    const family = familyOf(name, families);
    if (!family) throw new Error(`line ${line}: sample ${name} without a TYPE`);
    if (family !== current || closed.has(family.name)) throw new Error(`line ${line}: samples of ${family.name} are not together`);
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seenSeries.has(series)) throw new Error(`line ${line}: ${series} twice`);
    seenSeries.add(series);
    family.samples.push({ name, labels, value: parseValue(valueText, line) });
  });
  return families;
}

// ---- the tests ----

const TOKEN = 'scrape-token-0123456789';
let app: TestApp;
let off: TestApp;
let target: FlakyTarget;
let manager: { token: string };
let upId: number;
let downId: number;

beforeAll(async () => {
  target = await startFlakyTarget();
  app = await startTestApp({ METRICS_BEARER_TOKEN: TOKEN, METRICS_BASIC_AUTH_USER: 'prometheus', METRICS_BASIC_AUTH_PASSWORD: 'basic-password-42' });
  off = await startTestApp();
  manager = await app.user('manager');
  const create = async (body: Record<string, unknown>) => {
    const r = await app.request('POST', '/api/v1/projects', { token: manager.token, body });
    expect(r.status, r.text).toBe(201);
    return r.body.id as number;
  };
  upId = await create({ key: 'shop', title: 'Shop "EU"\\main', url: `${target.url}health?token=secret`, category: 'prod' });
  downId = await create({ title: 'Down site', url: target.url });
  const settings = await app.request('PUT', `/api/v1/projects/${downId}/monitoring-settings`, { token: manager.token, body: { alert_threshold: 1 } });
  expect(settings.status, settings.text).toBe(200);
  // Three checks of the first (up, up, down, then up again), one failing check of the second.
  const check = async (id: number) => expect((await app.request('POST', `/api/v1/projects/${id}/check`, { token: manager.token })).status).toBe(200);
  await check(upId);
  await check(upId);
  target.setUp(false);
  await check(upId);
  await check(downId);
  target.setUp(true);
  await check(upId);
  const expiry = (kind: 'ssl' | 'domain', expires: string, valid: boolean | null) =>
    recordExpiryResult(
      app.system.ctx,
      resultMessageSchema.parse({ type: 'expiry_result', kind, project_id: upId, result: { is_valid: valid, expires_at: expires, days_remaining: 10, issuer: null, error_message: null } }) as never,
    );
  await expiry('ssl', '2031-01-01T00:00:00.000Z', true);
  await expiry('domain', '2032-06-01T00:00:00.000Z', null);
});

afterAll(async () => {
  await app?.close();
  await off?.close();
  await target?.close();
});

async function scrape(headers: Record<string, string | undefined> = { authorization: `Bearer ${TOKEN}` }, on = app) {
  const sent = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
  const r = await fetch(`${on.url}/metrics`, { headers: sent });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

const sample = (f: Family | undefined, labels: Record<string, string>) =>
  f?.samples.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).map((s) => s.value);

describe('GET /metrics', () => {
  it('is off (404) unless a token or basic auth is configured', async () => {
    const r = await scrape({ authorization: `Bearer ${TOKEN}` }, off);
    expect(r.status).toBe(404);
    expect(r.text).not.toContain('pymonitor');
  });

  it('refuses a scraper without the credentials, and lets in the token or the basic-auth pair', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: `Basic ${Buffer.from('prometheus:wrong').toString('base64')}` }, { authorization: `Basic ${Buffer.from('basic-password-42').toString('base64')}` }]) {
      const r = await scrape(headers);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toContain('Basic');
      expect(r.text).not.toContain('pymonitor_');
    }
    const basic = await scrape({ authorization: `Basic ${Buffer.from('prometheus:basic-password-42').toString('base64')}` });
    expect(basic.status).toBe(200);
    const bearer = await scrape();
    expect(bearer.status).toBe(200);
    expect(bearer.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('reports every project by the naming guide, with the figures of its checks', async () => {
    const r = await scrape();
    const families = parseExposition(r.text);
    const shop = { project_id: String(upId) };
    const down = { project_id: String(downId) };
    const fam = (name: string) => families.get(name);

    for (const f of families.values()) {
      expect(f.help, f.name).not.toBe('');
      if (f.type === 'counter') expect(f.name).toMatch(/_total$/);
      if (f.name.startsWith('pymonitor_project_')) for (const s of f.samples) expect(Object.keys(s.labels).slice(0, 2)).toEqual(['project_id', 'project']);
      // Base units: nothing in milliseconds or days.
      expect(f.name).not.toMatch(/_(ms|milliseconds|days)(_|$)/);
    }
    expect(fam('pymonitor_project_info')).toMatchObject({ type: 'gauge' });
    expect(fam('pymonitor_project_info')!.samples.find((s) => s.labels['project_id'] === String(upId))).toEqual({
      name: 'pymonitor_project_info',
      labels: { project_id: String(upId), project: 'Shop "EU"\\main', key: 'shop', host: '127.0.0.1', category: 'prod' },
      value: 1,
    });
    // No URL, path or query string in any label.
    expect(r.text).not.toContain('token=secret');
    expect(r.text).not.toContain('/health');

    expect(fam('pymonitor_project_up')!.type).toBe('gauge');
    expect(sample(fam('pymonitor_project_up'), shop)).toEqual([1]);
    expect(sample(fam('pymonitor_project_up'), down)).toEqual([0]);
    expect(fam('pymonitor_project_checks_total')!.type).toBe('counter');
    expect(sample(fam('pymonitor_project_checks_total'), { ...shop, result: 'up' })).toEqual([3]);
    expect(sample(fam('pymonitor_project_checks_total'), { ...shop, result: 'down' })).toEqual([1]);
    expect(sample(fam('pymonitor_project_checks_total'), { ...down, result: 'down' })).toEqual([1]);
    const [rt] = sample(fam('pymonitor_project_response_time_seconds'), shop)!;
    const [state] = await app.system.ctx.sql<{ last: number }[]>`SELECT last_response_time AS last FROM monitor_state WHERE project_id = ${upId}`;
    expect(rt).toBeCloseTo(state!.last / 1000, 9);

    expect(sample(fam('pymonitor_project_state'), { ...shop, state: 'up' })).toEqual([1]);
    expect(sample(fam('pymonitor_project_state'), down)!.reduce((a, b) => a + b, 0)).toBe(1);
    expect(sample(fam('pymonitor_project_state'), { ...down, state: 'down' })).toEqual([1]);
    expect(sample(fam('pymonitor_project_consecutive_failures'), down)).toEqual([1]);
    expect(sample(fam('pymonitor_project_down_since_timestamp_seconds'), down)).toHaveLength(1);
    expect(sample(fam('pymonitor_project_down_since_timestamp_seconds'), shop)).toEqual([]);

    expect(sample(fam('pymonitor_project_certificate_expiry_timestamp_seconds'), shop)).toEqual([Date.UTC(2031, 0, 1) / 1000]);
    expect(sample(fam('pymonitor_project_certificate_valid'), shop)).toEqual([1]);
    expect(sample(fam('pymonitor_project_domain_expiry_timestamp_seconds'), shop)).toEqual([Date.UTC(2032, 5, 1) / 1000]);
    const [remaining] = sample(fam('pymonitor_project_domain_expiry_remaining_seconds'), shop)!;
    expect(Math.abs(remaining! - (Date.UTC(2032, 5, 1) - Date.now()) / 1000)).toBeLessThan(120);
    expect(sample(fam('pymonitor_project_certificate_expiry_timestamp_seconds'), down)).toEqual([]);
  });

  it("reports this process's own metrics beside the installation's", async () => {
    const families = parseExposition((await scrape()).text);
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(families.get('process_resident_memory_bytes')?.samples[0]!.value).toBeGreaterThan(0);
    expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
    expect(sample(families.get('pymonitor_queue_depth'), { queue: 'checks' })).toEqual([0]);
    expect(families.get('pymonitor_checks_in_flight')!.samples.map((s) => s.labels['kind']).sort()).toEqual(['browser', 'http']);
  });

  it('counts from the database: a restart, or another process, reports the same totals', async () => {
    const first = parseExposition((await scrape()).text).get('pymonitor_project_checks_total')!.samples;
    await app.request('POST', `/api/v1/projects/${upId}/check`, { token: manager.token });
    const after = parseExposition((await scrape()).text).get('pymonitor_project_checks_total')!.samples;
    expect(sample({ samples: after } as Family, { project_id: String(upId), result: 'up' })).toEqual([4]);
    // A second process on the same database (another Lambda container, or the server after a restart).
    if (!process.env['TEST_DATABASE_URL']) return expect(first.length).toBeGreaterThan(0);
    const other = await startTestApp({ METRICS_BEARER_TOKEN: TOKEN, DATABASE_URL: app.config.DATABASE_URL! });
    try {
      const theirs = parseExposition((await scrape(undefined, other)).text).get('pymonitor_project_checks_total')!.samples;
      expect(theirs).toEqual(after);
    } finally {
      await other.close();
    }
  });

  it('keeps the format with no project at all', async () => {
    const families = parseExposition((await scrape({ authorization: `Bearer ${TOKEN}` }, await emptyApp())).text);
    expect(families.get('pymonitor_project_up')?.samples).toEqual([]);
  });
});

let empty: TestApp | undefined;
async function emptyApp() {
  empty ??= await startTestApp({ METRICS_BEARER_TOKEN: TOKEN });
  return empty;
}
afterAll(async () => {
  await empty?.close();
});

describe('the parser in this test', () => {
  it('refuses what the format forbids', () => {
    expect(() => parseExposition('# TYPE a gauge\na 1\n')).not.toThrow();
    expect(() => parseExposition('a 1\n')).toThrow(/without a TYPE/);
    expect(() => parseExposition('# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n')).toThrow(/twice/);
    expect(() => parseExposition('# TYPE a gauge\n# TYPE b gauge\na 1\n')).toThrow(/not together/);
    expect(() => parseExposition('# TYPE a gauge\na{x="1} 1\n')).toThrow();
    expect(() => parseExposition('# TYPE a gauge\na one\n')).toThrow(/bad value/);
    expect(() => parseExposition('# TYPE a gauge\na 1')).toThrow(/line feed/);
  });
});
