import { describe, expect, it } from 'vitest';
import type { SyntheticTestRow } from '../../../layers/repositories/browser.ts';
import type { AlertContextRow, MonitorStateRow } from '../../../layers/repositories/monitoring.ts';
import { alertsAllowed, nextExpiryState, nextHttpState, nextJourneyState, realignStreak, type HttpDecision } from '../../../layers/services/alert-rules.ts';
import type { ResultMessage } from '../../../layers/services/messages.ts';

// The alert rules as pure functions: a state, the project's settings and one result in, a decision out.

const T0 = new Date('2026-11-24T09:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const project: AlertContextRow = {
  id: 7,
  title: 'Shop',
  url: 'https://shop.example.com/',
  is_active: true,
  owner_id: 1,
  maintenance_mode: false,
  maintenance_ends_at: null,
  check_interval: 60,
  alert_threshold: 2,
  is_alert_enabled: true,
  alert_email: null,
  webhook_url: null,
  webhook_secret: 's',
  ssl_warning_days: 30,
  domain_warning_days: 30,
  content_selector: null,
  keyword_alert_on_found: false,
  owner_email: 'owner@example.com',
  owner_language: 'en',
  owner_timezone: 'UTC',
  owner_email_notifications: true,
};

const fresh: MonitorStateRow = {
  project_id: 7,
  is_running: true,
  next_due_at: T0,
  consecutive_failures: 0,
  cycle_count: 0,
  is_down: false,
  down_since: null,
  open_incident_id: null,
  last_checked_at: null,
  last_is_available: null,
  last_status_code: null,
  last_response_time: null,
  last_error: null,
  content_hash: null,
  keyword_state: null,
  ssl_warned_days: null,
  domain_warned_days: null,
  streak_first_error: null,
  outage_alerted: false,
  content_alerting: false,
  keyword_alerting: false,
};

type Http = Extract<ResultMessage, { type: 'http_result' }>;
const http = (seconds: number, up: boolean, extra: Partial<Http> = {}): Http => ({
  type: 'http_result',
  job_id: null,
  project_id: 7,
  due_at: null,
  started_at: at(seconds),
  cycle: null,
  result: {
    is_available: up,
    status_code: up ? 200 : 503,
    response_time: 120,
    error_kind: up ? null : 'http_status',
    error_message: up ? null : `HTTP 503 at ${seconds}s`,
    checked_at: at(seconds),
    details: {},
  },
  content_hash: null,
  keywords: null,
  ...extra,
});

/** Feeds results through the rules as the results consumer would, applying each patch (incident ids count from 100). */
function run(results: Http[], settings = project, start = fresh): { state: MonitorStateRow; decisions: HttpDecision[] } {
  let state = start;
  let nextIncident = 100;
  const decisions: HttpDecision[] = [];
  for (const m of results) {
    const d = nextHttpState(state, settings, m);
    decisions.push(d);
    const opened = d.openIncident ? { open_incident_id: nextIncident++ } : {};
    state = { ...state, ...d.patch, ...opened };
  }
  return { state, decisions };
}

const kinds = (ds: { notifications: { kind: string }[] }[]) => ds.map((d) => d.notifications.map((n) => n.kind));

describe('HTTP alert state machine', () => {
  it('opens one incident and sends one outage alert when the threshold is reached, and no more while down', () => {
    const { state, decisions } = run([http(0, false), http(60, false), http(120, false)]);
    expect(kinds(decisions)).toEqual([[], ['status_error'], []]);
    expect(decisions.map((d) => d.openIncident)).toEqual([null, { started_at: at(0), first_error: 'HTTP 503 at 0s' }, null]);
    expect(state).toMatchObject({ is_down: true, consecutive_failures: 3, down_since: at(0), outage_alerted: true, open_incident_id: 100 });
    const outage = decisions[1]!.notifications[0]!;
    expect(outage).toMatchObject({ kind: 'status_error', incident: true });
    expect(outage.data).toMatchObject({ consecutive_failures: 2, started_at: at(0), checked_at: at(60), error_message: 'HTTP 503 at 0s' });
  });

  it('closes the incident with one recovery alert stating the outage duration', () => {
    const { state, decisions } = run([http(0, false), http(60, false), http(150, true)]);
    const recovery = decisions[2]!;
    expect(recovery.closeIncident).toBe(100);
    expect(recovery.notifications).toEqual([
      expect.objectContaining({ kind: 'recovery', incident: true, resolved: true, data: expect.objectContaining({ started_at: at(0), ended_at: at(150), duration_seconds: 150 }) }),
    ]);
    expect(state).toMatchObject({ is_down: false, consecutive_failures: 0, down_since: null, open_incident_id: null, outage_alerted: false });
  });

  it('a failure below the threshold, then an answer, sends nothing', () => {
    const { decisions } = run([http(0, false), http(60, true)]);
    expect(kinds(decisions)).toEqual([[], []]);
    expect(decisions[1]!.closeIncident).toBeNull();
  });

  it('suppresses alerts while alerts are off, then announces the ongoing outage once they are on', () => {
    const quiet = { ...project, is_alert_enabled: false };
    const muted = run([http(0, false), http(60, false)], quiet);
    expect(kinds(muted.decisions)).toEqual([[], []]);
    expect(muted.state).toMatchObject({ is_down: true, outage_alerted: false });
    const later = run([http(120, false), http(180, false)], project, muted.state);
    expect(kinds(later.decisions)).toEqual([['status_error'], []]);
    // An outage that was never announced recovers silently.
    expect(kinds(run([http(120, true)], project, muted.state).decisions)).toEqual([[]]);
  });

  it('ends maintenance by itself at maintenance_ends_at and alerts again from then on', () => {
    const maintenance = { ...project, alert_threshold: 1, maintenance_mode: true, maintenance_ends_at: at(100) };
    expect(alertsAllowed(maintenance, at(99))).toEqual({ notify: false, endMaintenance: false });
    expect(alertsAllowed(maintenance, at(100))).toEqual({ notify: true, endMaintenance: true });
    const { decisions } = run([http(0, false), http(120, false)], maintenance);
    expect(decisions.map((d) => d.endMaintenance)).toEqual([false, true]);
    expect(kinds(decisions)).toEqual([[], ['status_error']]);
  });

  it('judges nothing older than the last result judged', () => {
    const { state } = run([http(60, true)]);
    const d = nextHttpState(state, project, http(30, false));
    expect(d).toMatchObject({ stale: true, realignStreak: false, patch: {}, notifications: [], openIncident: null });
  });

  it('moves the outage start back to a failed check that arrives late, and the open incident with it', () => {
    // The catch-up check at 300 s is judged first; the checks of 60 and 120 s come back from the queue.
    const { state } = run([http(0, true), http(300, false), http(360, false)]);
    expect(state).toMatchObject({ is_down: true, down_since: at(300), open_incident_id: 100 });
    const late = nextHttpState(state, project, http(60, false));
    expect(late).toMatchObject({ stale: true, realignStreak: true, notifications: [] });
    expect(realignStreak(state, at(60))).toEqual({ patch: { down_since: at(60) }, moveIncident: { id: 100, started_at: at(60) } });
    expect(realignStreak(state, at(300))).toBeNull();
    // Before the threshold there is no incident to move.
    const below = run([http(0, true), http(300, false)]).state;
    expect(realignStreak(below, at(60))).toEqual({ patch: { down_since: at(60) }, moveIncident: null });
    expect(nextHttpState(run([http(300, true)]).state, project, http(60, false)).realignStreak).toBe(false);
  });

  it('alerts on a content change, not on the first fingerprint', () => {
    const { decisions } = run([http(0, true, { content_hash: 'a' }), http(60, true, { content_hash: 'a' }), http(120, true, { content_hash: 'b' })]);
    expect(kinds(decisions)).toEqual([[], [], ['content_change']]);
    expect(decisions[2]!.notifications[0]!.data).toMatchObject({ old_hash: 'a', new_hash: 'b' });
  });

  it('neither compares nor keeps a hash taken with another selector than the project has now', () => {
    const withMain = { ...project, content_selector: 'main' };
    // Baseline with "main"; a late check claimed before the change still used "#old".
    const { state, decisions } = run(
      [http(0, true, { content_hash: 'a', content_selector: 'main' }), http(60, true, { content_hash: 'z', content_selector: '#old' }), http(120, true, { content_hash: 'a', content_selector: 'main' })],
      withMain,
    );
    expect(kinds(decisions)).toEqual([[], [], []]);
    expect(state.content_hash).toBe('a');
  });

  it('puts no password of the project URL into an alert', () => {
    const secret = { ...project, url: 'https://ops:hunter2@shop.example.com/' };
    const { decisions } = run([http(0, false), http(60, false)], secret);
    const data = decisions[1]!.notifications[0]!.data as { project: { url: string } };
    expect(data.project.url).toBe('https://ops:****@shop.example.com/');
  });

  it('alerts once when keywords go missing, and again only after they were back', () => {
    const missing = { found: [], missing: ['Buy'] };
    const found = { found: ['Buy'], missing: [] };
    const { decisions } = run([http(0, true, { keywords: missing }), http(60, true, { keywords: missing }), http(120, true, { keywords: found }), http(180, true, { keywords: missing })]);
    expect(kinds(decisions)).toEqual([['keyword'], [], [], ['keyword']]);
  });
});

type Expiry = Extract<ResultMessage, { type: 'expiry_result' }>;
const expiry = (kind: 'ssl' | 'domain', days: number | null, isValid: boolean | null = true): Expiry => ({
  type: 'expiry_result',
  kind,
  project_id: 7,
  result: { is_valid: isValid, expires_at: days === null ? null : at(days * 86_400), days_remaining: days, issuer: 'Test CA', error_message: isValid === false ? 'self-signed' : null, details: { domain: 'shop.example.com' } },
});

describe('expiry rules', () => {
  const feed = (results: Expiry[], start = fresh) => {
    let state = start;
    return results.map((m) => {
      const d = nextExpiryState(state, project, m, T0);
      state = { ...state, ...d.patch };
      return d.notifications.map((n) => `${n.kind}:${'days_remaining' in n.data ? n.data.days_remaining : ''}`);
    });
  };

  it('warns once at each threshold crossed, and again after a renewal', () => {
    expect(feed([expiry('ssl', 40), expiry('ssl', 25), expiry('ssl', 24), expiry('ssl', 13), expiry('ssl', 365), expiry('ssl', 29)])).toEqual([
      [], ['ssl_expiry:25'], [], ['ssl_expiry:13'], [], ['ssl_expiry:29'],
    ]);
  });

  it('reports an invalid certificate once until it is valid again', () => {
    expect(feed([expiry('ssl', 100, false), expiry('ssl', 100, false), expiry('ssl', 100), expiry('ssl', 100, false)])).toEqual([['ssl_error:'], [], [], ['ssl_error:']]);
  });

  it('warns about a domain with its registrar-given name', () => {
    const d = nextExpiryState(fresh, project, expiry('domain', 20), T0);
    expect(d.notifications).toEqual([expect.objectContaining({ kind: 'domain_expiry', data: expect.objectContaining({ domain: 'shop.example.com', days_remaining: 20 }) })]);
    expect(d.patch).toEqual({ domain_warned_days: 30 });
  });
});

describe('journey rules', () => {
  const test: SyntheticTestRow = { id: 3, project_id: 7, name: 'Checkout', steps: [], settings: {}, is_active: true, last_status: null, failing_since: null, failure_alerted: false, created_at: T0, updated_at: T0 };
  const journey = (seconds: number, status: 'passed' | 'failed') => ({ status, started_at: at(seconds), duration_ms: 900, failure: 'step 2: no element h1' });

  it('alerts once when a journey starts failing and once when it passes again', () => {
    let t = test;
    const out = [journey(0, 'failed'), journey(60, 'failed'), journey(120, 'passed')].map((r) => {
      const d = nextJourneyState(t, project, r);
      t = { ...t, ...d.state };
      return d.notifications.map((n) => n.kind);
    });
    expect(out).toEqual([['monitoring_error'], [], ['recovery']]);
    expect(t).toMatchObject({ last_status: 'passed', failing_since: null, failure_alerted: false });
  });

  it('states the failing span in the recovery', () => {
    const failing = { ...test, failing_since: at(0), failure_alerted: true };
    const d = nextJourneyState(failing, project, journey(300, 'passed'));
    expect(d.notifications[0]).toMatchObject({ kind: 'recovery', resolved: true, key: `synthetic-${test.id}`, data: { started_at: at(0), ended_at: at(300), duration_seconds: 300 } });
    // The failure and its recovery share one key, so incident services pair them.
    expect(nextJourneyState(test, project, journey(0, 'failed')).notifications[0]).toMatchObject({ kind: 'monitoring_error', key: `synthetic-${test.id}` });
  });
});
