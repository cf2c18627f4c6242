import { describe, expect, it } from 'vitest';
import { checkText } from '../../../layers/checks/texts.ts';
import { formatDateTime, formatDuration } from '../../../layers/services/notifications/format.ts';
import { notificationKinds, type AlertKind as NotificationKind, type NotificationDataInput } from '../../../layers/services/notifications/kinds.ts';
import { renderNotification } from '../../../layers/services/notifications/channels/email.ts';

// A fixed instant: 2026-11-24 08:05 UTC is 17:05 in Seoul.
const INSTANT = '2026-11-24T08:05:00Z';
const project = { id: 42, title: 'Shop', url: 'https://shop.example.com' };

const samples: { [K in NotificationKind]: NotificationDataInput<K> } = {
  status_error: {
    project,
    status_code: 503,
    error_message: 'Service Unavailable',
    response_time_ms: 1234,
    consecutive_failures: 3,
    started_at: INSTANT,
  },
  recovery: {
    project,
    started_at: INSTANT,
    ended_at: '2026-11-24T08:17:00Z',
    duration_seconds: 720,
    status_code: 200,
    response_time_ms: 180,
  },
  ssl_error: { project, error_message: 'certificate has expired', issuer: "Let's Encrypt R11", expires_at: INSTANT },
  ssl_expiry: { project, expires_at: INSTANT, days_remaining: 7, issuer: "Let's Encrypt R11" },
  domain_expiry: { project, domain: 'shop.example.com', expires_at: INSTANT, days_remaining: 30, registrar: 'Gabia' },
  monitoring_error: { project, component: 'browser', error_message: 'Chromium crashed', occurred_at: INSTANT },
  content_change: { project, old_hash: 'a'.repeat(64), new_hash: 'b'.repeat(64), selector: '#main', detected_at: INSTANT },
  keyword: { project, alert_on_found: true, keywords_found: ['error', 'maintenance'], keywords_missing: [], checked_at: INSTANT },
  anomaly: { project, anomaly_type: 'response_time_spike', severity: 'critical', message: 'Response time 900 ms is 4.5x the baseline (200 ms)', value: 900, baseline: 200, deviation: 35, detected_at: INSTANT },
};

function render<K extends NotificationKind>(kind: K, language: 'ko' | 'en', timezone = 'Asia/Seoul') {
  return renderNotification(kind, samples[kind], { language, timezone });
}

describe('notification templates cover every alert kind in Korean and English', () => {
  const expectedSubjects: Record<NotificationKind, { ko: string; en: string }> = {
    status_error: { ko: '[장애] Shop 접속 불가 (HTTP 503)', en: '[Down] Shop is down (HTTP 503)' },
    recovery: { ko: '[복구] Shop 정상화 (장애 시간 12분)', en: '[Recovered] Shop is back up (down for 12 minutes)' },
    ssl_error: { ko: '[SSL 오류] Shop 인증서 문제 발견', en: '[SSL error] Shop: certificate problem' },
    ssl_expiry: { ko: '[SSL 만료 예정] Shop 인증서 7일 후 만료', en: '[SSL expiring] Shop: certificate expires in 7 days' },
    domain_expiry: { ko: '[도메인 만료 예정] shop.example.com 30일 후 만료', en: '[Domain expiring] shop.example.com expires in 30 days' },
    monitoring_error: { ko: '[모니터링 오류] Shop 점검 실행 실패', en: '[Monitoring error] Shop: check could not run' },
    content_change: { ko: '[콘텐츠 변경] Shop 페이지 내용 변경 감지', en: '[Content changed] Shop' },
    keyword: { ko: '[키워드 감지] Shop에서 키워드 발견: "error", "maintenance"', en: '[Keyword found] Shop: "error", "maintenance"' },
    anomaly: { ko: '[이상 징후] Shop 응답 시간 급증', en: '[Anomaly] Shop: response time spike' },
  };

  for (const kind of notificationKinds) {
    it(`renders ${kind} with a subject, text, HTML and a one-line summary in both languages`, () => {
      for (const language of ['ko', 'en'] as const) {
        const r = render(kind, language);
        expect(r.subject).toBe(expectedSubjects[kind][language]);
        expect(r.text.startsWith(`${r.subject}\n`)).toBe(true);
        expect(r.text).toContain('https://shop.example.com');
        expect(r.html).toContain(`<html lang="${language}">`);
        expect(r.short).not.toMatch(/\n/);
        expect(r.short.startsWith(r.subject)).toBe(true);
        expect(r.short.length).toBeLessThanOrEqual(280);
      }
    });
  }

  it('writes the Korean outage alert as natural Korean', () => {
    const r = render('status_error', 'ko');
    expect(r.text).toContain('연속 3회 점검에 실패하여 장애로 판단했습니다.');
    expect(r.text).toContain('상태 코드: HTTP 503');
    expect(r.text).toContain('오류: Service Unavailable');
    expect(r.text).toContain('응답 시간: 1,234 ms');
    expect(r.text).toContain('연속 실패: 3회');
    expect(r.short).toBe('[장애] Shop 접속 불가 (HTTP 503) — Service Unavailable');
  });

  it("gives the probe's error in the recipient's language, the site's own words as they are", () => {
    const data = { ...samples.status_error, status_code: null, error_message: checkText('tcp_closed', { port: 8443 }) };
    const ko = renderNotification('status_error', data, { language: 'ko', timezone: 'Asia/Seoul' });
    expect(ko.text).toContain('오류: 포트 8443이(가) 닫혀 있습니다(연결 거부)');
    expect(ko.text).not.toContain('connection refused');
    const en = renderNotification('status_error', data, { language: 'en', timezone: 'UTC' });
    expect(en.text).toContain('port 8443 is closed (connection refused)');
  });

  it('describes a recovery with its start, end and downtime', () => {
    const ko = render('recovery', 'ko').text;
    expect(ko).toContain('장애 시작: 2026-11-24 17:05 (Asia/Seoul)');
    expect(ko).toContain('복구 시각: 2026-11-24 17:17 (Asia/Seoul)');
    expect(ko).toContain('장애 시간: 12분');
    const en = render('recovery', 'en').text;
    expect(en).toContain('The site is responding normally again after 12 minutes of downtime.');
    expect(en).toContain('Downtime: 12 minutes');
  });

  it('says which keywords were missing when the alert is about missing keywords', () => {
    const data = { project, alert_on_found: false, keywords_found: [], keywords_missing: ['a', 'b', 'c', 'd', 'e'], checked_at: INSTANT };
    expect(renderNotification('keyword', data, { language: 'ko', timezone: 'UTC' }).subject).toBe(
      '[키워드 미발견] Shop에서 키워드를 찾을 수 없음: "a", "b", "c" 외 2개',
    );
    expect(renderNotification('keyword', data, { language: 'en', timezone: 'UTC' }).subject).toBe(
      '[Keyword missing] Shop: "a", "b", "c" and 2 more',
    );
  });

  it('words expiry for today and for an already expired certificate or domain', () => {
    const today = renderNotification('ssl_expiry', { ...samples.ssl_expiry, days_remaining: 0 }, { language: 'ko', timezone: 'UTC' });
    expect(today.subject).toBe('[SSL 만료 예정] Shop 인증서 오늘 만료');
    const expired = renderNotification('domain_expiry', { ...samples.domain_expiry, days_remaining: -3 }, { language: 'en', timezone: 'UTC' });
    expect(expired.subject).toBe('[Domain expired] shop.example.com expired');
    expect(expired.text).toContain('Time left: expired 3 days ago');
    const oneDay = renderNotification('ssl_expiry', { ...samples.ssl_expiry, days_remaining: 1 }, { language: 'en', timezone: 'UTC' });
    expect(oneDay.subject).toBe('[SSL expiring] Shop: certificate expires in 1 day');
  });

  it('names a system-wide monitoring error by its component when there is no project', () => {
    const r = renderNotification(
      'monitoring_error',
      { project: null, component: 'scheduler', error_message: 'database unreachable', occurred_at: INSTANT },
      { language: 'en', timezone: 'UTC' },
    );
    expect(r.subject).toBe('[Monitoring error] scheduler failed');
    expect(r.text).not.toContain('Project:');
  });

  it('rejects data that does not match the kind', () => {
    expect(() =>
      renderNotification('recovery', { project } as never, { language: 'ko', timezone: 'Asia/Seoul' }),
    ).toThrow();
  });
});

describe('notification dates are shown in the recipient time zone', () => {
  it('renders the same instant as 17:05 in Seoul and 08:05 in UTC', () => {
    expect(render('status_error', 'ko', 'Asia/Seoul').text).toContain('장애 시작: 2026-11-24 17:05 (Asia/Seoul)');
    expect(render('status_error', 'en', 'UTC').text).toContain('Down since: 2026-11-24 08:05 (UTC)');
  });

  it('crosses the date line when the zone does', () => {
    expect(formatDateTime(new Date('2026-11-24T20:30:00Z'), 'Asia/Seoul')).toBe('2026-11-25 05:30 (Asia/Seoul)');
    expect(formatDateTime(new Date('2026-11-24T02:00:00Z'), 'America/Los_Angeles')).toBe('2026-11-23 18:00 (America/Los_Angeles)');
  });

  it('accepts Date objects as well as ISO strings', () => {
    const r = renderNotification(
      'content_change',
      { ...samples.content_change, detected_at: new Date(INSTANT) },
      { language: 'en', timezone: 'Europe/London' },
    );
    expect(r.text).toContain('Detected at: 2026-11-24 08:05 (Europe/London)');
  });

  it('falls back to UTC for a time zone the runtime does not know, instead of failing the delivery', () => {
    expect(render('status_error', 'en', 'Mars/Olympus_Mons').text).toContain('Down since: 2026-11-24 08:05 (UTC)');
  });
});

describe('durations read naturally in both languages', () => {
  const cases: [number, string, string][] = [
    [0, '0초', '0 seconds'],
    [1, '1초', '1 second'],
    [45, '45초', '45 seconds'],
    [60, '1분', '1 minute'],
    [720, '12분', '12 minutes'],
    [3600, '1시간', '1 hour'],
    [3725, '1시간 2분', '1 hour 2 minutes'],
    [90_061, '1일 1시간', '1 day 1 hour'],
    [3 * 86_400 + 120, '3일 2분', '3 days 2 minutes'],
  ];
  for (const [seconds, ko, en] of cases) {
    it(`shows ${seconds} s as "${ko}" / "${en}"`, () => {
      expect(formatDuration(seconds, 'ko')).toBe(ko);
      expect(formatDuration(seconds, 'en')).toBe(en);
    });
  }
});

describe('user-controlled text is escaped in HTML and flattened in subjects', () => {
  const hostile = {
    ...samples.status_error,
    project: { id: 1, title: '<script>alert("x")</script> & "Shop"\r\nBcc: victim@example.com', url: 'javascript:alert(1)' },
    error_message: '<img src=x onerror=alert(1)>',
  };

  it('escapes titles, messages and URLs in the HTML body', () => {
    const { html } = renderNotification('status_error', hostile, { language: 'en', timezone: 'UTC' });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Shop&quot;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // A javascript: URL is shown, never linked.
    expect(html).not.toContain('href="javascript:');
  });

  it('keeps the subject and the summary on one line', () => {
    const r = renderNotification('status_error', hostile, { language: 'en', timezone: 'UTC' });
    expect(r.subject).not.toMatch(/[\r\n]/);
    expect(r.subject).toContain('Bcc: victim@example.com');
    expect(r.short).not.toMatch(/[\r\n]/);
  });

  it('links the dashboard only for an http(s) public URL', () => {
    const withLink = renderNotification('recovery', samples.recovery, { language: 'en', timezone: 'UTC', publicUrl: 'https://monitor.example.com/' });
    expect(withLink.text).toContain('View in dashboard: https://monitor.example.com/frontend/html/index.html?project=42');
    expect(withLink.html).toContain('href="https://monitor.example.com/frontend/html/index.html?project=42"');
    const bad = renderNotification('recovery', samples.recovery, { language: 'en', timezone: 'UTC', publicUrl: 'javascript:alert(1)' });
    expect(bad.html).not.toContain('javascript:');
  });
});
