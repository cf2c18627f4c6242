import { KumaDb, type KumaVersion } from './kuma-db.ts';

// A small Uptime Kuma installation for the import tests: every mapped monitor type with the fields
// the import carries over, monitors and providers it cannot map, maintenance, and a few thousand
// heartbeats with an outage, a blip of pending beats, a maintenance stretch and a gap.

export const MINUTE = 60_000;
export const TELEGRAM_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
export const PD_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
export const OPSGENIE_KEY = '3f0c6a4e-1d2b-4c5a-9e8f-7a6b5c4d3e2f';

export interface KumaSample {
  db: KumaDb;
  ids: Record<string, number>;
  /** The window of the Legacy monitor's maintenance going on now, written as Seoul wall time. */
  window: { start: Date; end: Date };
  /** The Shop monitor's beats: from the first to one interval after the last. */
  period: { from: Date; to: Date };
  shop: {
    beats: number;
    down: number;
    pending: number;
    maintenance: number;
    /** Ours, by the one definition of uptime. */
    expectedAvailability: number;
    /** Ours, were the maintenance beats recorded as plain up checks. */
    availabilityMaintenanceUp: number;
    /** Kuma's: 2.x counts beats, 1.x weighs them by their duration; maintenance counts as up in both. */
    kuma2x: number;
    kuma1x: number;
  };
}

/** `jwtSecret`: the installation's secret (a sample per version by default; null: a Kuma never started). */
export function buildKumaSample(version: KumaVersion, now: Date, path?: string, opts: { jwtSecret?: string | null } = {}): KumaSample {
  const k = new KumaDb(version, path);
  const secret = opts.jwtSecret === undefined ? `$2a$10$sample.installation.${version}.secret.0123456789abcdef` : opts.jwtSecret;
  if (secret !== null) k.jwtSecret(secret);
  const ids: Record<string, number> = {};
  const v2 = version === '2.x';
  if (v2) ids['group'] = k.monitor({ name: 'Production', type: 'group' });
  ids['shop'] = k.monitor({
    name: 'Shop',
    type: 'http',
    url: 'http://127.0.0.1:9/shop',
    interval: 60,
    timeout: 48,
    maxretries: 2,
    headers: '{"X-Env": "prod"}',
    basic_auth_user: 'monitor',
    basic_auth_pass: 's3cret',
    description: 'The web shop',
    ...(v2 ? { parent: ids['group']! } : {}),
  });
  k.tag(ids['shop']!, 'env', 'prod');
  k.tag(ids['shop']!, 'critical');
  ids['stock'] = k.monitor({ name: 'Stock page', type: 'keyword', url: 'http://127.0.0.1:9/stock', interval: 30, keyword: 'Sold out', invert_keyword: true, maxretries: 0 });
  if (v2) ids['api'] = k.monitor({ name: 'API health', type: 'json-query', url: 'http://127.0.0.1:9/api/health', json_path: 'status', expected_value: 'ok' });
  ids['ssh'] = k.monitor({ name: 'SSH', type: 'port', url: 'https://' });
  ids['router'] = k.monitor({ name: 'Router', type: 'ping' });
  ids['backup'] = k.monitor({ name: 'Backup job', type: 'push' });
  ids['upside'] = k.monitor({ name: 'Staging must be down', type: 'http', url: 'http://127.0.0.1:9/staging', upside_down: true });
  ids['paused'] = k.monitor({ name: 'Old blog', type: 'http', url: 'http://127.0.0.1:9/blog', active: false });
  ids['maint'] = k.monitor({ name: 'Database admin', type: 'http', url: 'http://127.0.0.1:9/db' });
  ids['codes'] = k.monitor({
    name: 'Legacy',
    type: 'http',
    url: 'http://127.0.0.1:9/legacy',
    accepted_statuscodes_json: '["200-299","404"]',
    method: 'POST',
    body: '{"ping":true}',
    ...(v2 ? { http_body_encoding: 'json' } : {}),
    // One header our rules take, one they refuse (a space in its name).
    headers: '{"Content-Type": "application/json", "Bad Header": "x"}',
    maxredirects: 0,
  });
  ids['ftp'] = k.monitor({ name: 'Files', type: 'http', url: 'ftp://127.0.0.1/files' });

  k.maintenance([ids['maint']!], { title: 'Database upgrade', strategy: 'manual' });
  // Windows in Seoul wall time: 2.x says so in the window, 1.x by the server's zone setting.
  k.setting('serverTimezone', 'Asia/Seoul');
  const seoul = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  const window = { start: new Date(Math.floor(now.getTime() / 1000) * 1000 - 3_600_000), end: new Date(Math.floor(now.getTime() / 1000) * 1000 + 2 * 3_600_000) };
  k.maintenance([ids['codes']!], { title: 'Migration', strategy: 'single', start_date: seoul(window.start), end_date: seoul(window.end), timezone: 'Asia/Seoul' });
  k.maintenance([ids['stock']!], { title: 'Next week', strategy: 'single', start_date: seoul(new Date(now.getTime() + 7 * 86_400_000)), end_date: seoul(new Date(now.getTime() + 7 * 86_400_000 + 3_600_000)), timezone: 'Asia/Seoul' });
  k.maintenance([ids['maint']!], { title: 'Nightly backup', strategy: 'recurring-interval', start_date: '2026-01-01 02:00:00' });

  ids['n_slack'] = k.notification('Ops Slack', { type: 'slack', slackwebhookURL: 'https://hooks.slack.com/services/T000/B000/XXXX', slackchannel: '#ops' });
  ids['n_telegram'] = k.notification('Phone', { type: 'telegram', telegramBotToken: TELEGRAM_TOKEN, telegramChatID: '-1001234567890', telegramMessageThreadID: '' });
  ids['n_mail'] = k.notification('Mail', { type: 'smtp', smtpHost: 'smtp.example.com', smtpPort: 587, smtpFrom: 'kuma@example.com', smtpTo: 'ops@example.com, boss@example.com' });
  ids['n_pushover'] = k.notification('Pushover', { type: 'pushover', pushoveruserkey: 'u', pushoverapptoken: 'a' });
  ids['n_ntfy'] = k.notification('ntfy', { type: 'ntfy', ntfyserverurl: 'https://ntfy.sh', ntfytopic: 'ops', ntfyAuthenticationMethod: 'usernamePassword', ntfyusername: 'u', ntfypassword: 'p', ntfyPriority: 5 });
  ids['n_pd'] = k.notification('Pager', { type: 'PagerDuty', pagerdutyIntegrationKey: PD_KEY, pagerdutyIntegrationUrl: 'https://events.pagerduty.com/v2/enqueue' });
  ids['n_opsgenie'] = k.notification('Opsgenie EU', { type: 'Opsgenie', opsgenieApiKey: OPSGENIE_KEY, opsgenieRegion: 'eu', opsgeniePriority: 3 });
  ids['n_webhook'] = k.notification('Hook', { type: 'webhook', webhookURL: 'http://127.0.0.1:9/hook', webhookContentType: 'json' });
  ids['n_discord'] = k.notification('Discord', { type: 'discord', discordWebhookUrl: 'https://discord.com/api/webhooks/1/abc' }, { active: false });
  ids['n_chat'] = k.notification('Chat', { type: 'GoogleChat', googleChatWebhookURL: 'https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t' });
  ids['n_badtg'] = k.notification('Bad telegram', { type: 'telegram', telegramBotToken: 'not-a-token', telegramChatID: '1' });
  for (const n of ['n_slack', 'n_telegram', 'n_mail', 'n_pushover', 'n_ntfy']) k.link(ids['shop']!, ids[n]!);
  k.link(ids['stock']!, ids['n_pd']!);
  if (v2) {
    k.link(ids['api']!, ids['n_opsgenie']!);
    k.link(ids['api']!, ids['n_webhook']!);
  }
  k.link(ids['codes']!, ids['n_badtg']!);

  // Shop: 3,000 one-minute slots ending an hour ago. Slots 500-509 down (an outage of 10 checks);
  // slot 1000 pending and a retry 20 s later pending too (2 < the threshold of 3: downtime, no
  // incident); 2000-2029 maintenance; 2500-2559 nothing (Kuma was stopped).
  const start = new Date(Math.floor((now.getTime() - 3000 * MINUTE - 60 * MINUTE) / MINUTE) * MINUTE);
  const beats: { time: Date; status: number; msg?: string; ping?: number | null }[] = [];
  for (let i = 0; i < 3000; i++) {
    if (i >= 2500 && i < 2560) continue;
    const time = new Date(start.getTime() + i * MINUTE);
    if (i >= 500 && i < 510) beats.push({ time, status: 0, msg: 'Request failed with status code 503', ping: null });
    else if (i === 1000) {
      beats.push({ time, status: 2, msg: 'timeout of 48000ms exceeded', ping: null });
      beats.push({ time: new Date(time.getTime() + 20_000), status: 2, msg: 'timeout of 48000ms exceeded', ping: null });
    } else if (i >= 2000 && i < 2030) beats.push({ time, status: 3, msg: 'Maintenance', ping: null });
    else beats.push({ time, status: 1, msg: '200 - OK', ping: 80 + (i % 40) });
  }
  k.heartbeats(ids['shop']!, beats);
  // The keyword monitor: 1,000 beats, all up.
  k.heartbeats(ids['stock']!, Array.from({ length: 1000 }, (_, i) => ({ time: new Date(start.getTime() + i * MINUTE + 7_000), status: 1, msg: '200 - OK, keyword found', ping: 50 })));
  // Unmapped monitors have beats too: they are not imported.
  k.heartbeats(ids['ssh']!, Array.from({ length: 100 }, (_, i) => ({ time: new Date(start.getTime() + i * MINUTE), status: 1, msg: '', ping: 1 })));

  // Our figure by the definition (each result stands for the time to the next, at most the 60 s
  // interval; maintenance beats are imported in maintenance, outside the covered time): downtime is
  // the 10 down slots and the two pending beats (20 s + 40 s); covered time is every other slot.
  const coveredSlots = 3000 - 60 - 30;
  const downSeconds = 10 * 60 + 20 + 40;
  const expectedAvailability = 100 * (1 - downSeconds / (coveredSlots * 60));
  // Where the history import does not record the maintenance flag, the maintenance stretch is up time.
  const availabilityMaintenanceUp = 100 * (1 - downSeconds / ((coveredSlots + 30) * 60));
  const last = beats[beats.length - 1]!.time;
  const upBeats = beats.filter((b) => b.status === 1 || b.status === 3);
  const durations = beats.map((b, i) => (i === 0 ? 0 : (b.time.getTime() - beats[i - 1]!.time.getTime()) / 1000));
  const upSeconds = durations.reduce((sum, d, i) => sum + (beats[i]!.status === 1 || beats[i]!.status === 3 ? d : 0), 0);
  const kuma2x = (100 * upBeats.length) / beats.length;
  const kuma1x = (100 * upSeconds) / durations.reduce((a, b) => a + b, 0);
  return {
    db: k,
    ids,
    window,
    period: { from: start, to: new Date(last.getTime() + MINUTE) },
    shop: { beats: beats.length, down: 10, pending: 2, maintenance: 30, expectedAvailability, availabilityMaintenanceUp, kuma2x, kuma1x },
  };
}
