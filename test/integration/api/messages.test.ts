import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../../frontend/locales/en.json' with { type: 'json' };
import ko from '../../../frontend/locales/ko.json' with { type: 'json' };
import { checkText } from '../../../layers/checks/texts.ts';
import { languageOfHeader, translateMessage } from '../../../layers/i18n.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startHttpServer, type TestHttpServer } from '../../support/servers/http-server.ts';
import { siteHandler } from '../../support/servers/site.ts';
import { expectErrorBody, expectInvalid } from './helpers.ts';

// Server messages in the reader's language (issue 17): the user's language setting when signed in,
// Accept-Language before, from the dashboard's catalogs (the `api.` keys of frontend/locales).

const hangul = /[가-힣]/;
let app: TestApp;
let site: TestHttpServer;

beforeAll(async () => {
  site = await startHttpServer(siteHandler);
  app = await startTestApp({ AUTH_RATE_LIMIT_PER_ACCOUNT: '2' });
});
afterAll(async () => {
  await app?.close();
  await site?.close();
});

const setLanguage = async (token: string, language: 'ko' | 'en') => {
  const r = await app.request('PUT', '/api/v1/users/me/settings', { token, body: { theme: 'light', language, timezone: 'Asia/Seoul', email_notifications: true } });
  expect(r.status, r.text).toBe(200);
};

describe('the catalogs', () => {
  it('have every api. message in both languages', () => {
    const keys = (c: Record<string, string>) => Object.keys(c).filter((k) => k.startsWith('api.')).sort();
    expect(keys(ko)).toEqual(keys(en));
    expect(keys(en).length).toBeGreaterThan(50);
  });

  it('translate templates with their values, a field prefix, and leave unknown messages in English', () => {
    expect(translateMessage('too many requests; retry in 42 s', 'ko')).toBe('요청이 너무 많습니다. 42초 뒤에 다시 시도하세요');
    expect(translateMessage('Too big: expected string to have <=200 characters', 'ko')).toBe('너무 깁니다: 문자열은(는) 최대 200자까지입니다');
    expect(translateMessage('Invalid input: expected number, received string', 'ko')).toBe('잘못된 입력: 숫자 값이 필요한데 문자열 값을 받았습니다');
    expect(translateMessage('status_interval: Too small: expected number to be >=10', 'ko')).toBe('status_interval: 너무 작습니다: 10 이상이어야 합니다');
    expect(translateMessage('something nobody wrote a template for', 'ko')).toBe('something nobody wrote a template for');
    expect(translateMessage('too many requests; retry in 42 s', 'en')).toBe('too many requests; retry in 42 s');
  });

  it('pick the language of Accept-Language by weight, English without one', () => {
    expect(languageOfHeader(undefined)).toBe('en');
    expect(languageOfHeader('ko-KR,ko;q=0.9,en-US;q=0.8')).toBe('ko');
    expect(languageOfHeader('fr-FR, en;q=0.4, ko;q=0.6')).toBe('ko');
    expect(languageOfHeader('ko;q=0, en')).toBe('en');
    expect(languageOfHeader('de, fr')).toBe('en');
  });
});

describe('signed in: the user\'s language setting', () => {
  it('answers a validation error in the setting, whatever Accept-Language says, with the field names unchanged', async () => {
    const u = await app.user('user', 'Reader');
    await setLanguage(u.token, 'ko');
    const bad = { title: 'x', url: 'https://example.com', status_interval: 1 };
    const r = await app.request('POST', '/api/v1/projects', { token: u.token, body: bad, headers: { 'accept-language': 'en-US' } });
    expectInvalid(r, 'status_interval');
    expect(r.body.detail).toMatch(/^status_interval: /);
    expect(r.body.detail).toMatch(hangul);
    expect(r.body.errors[0].message).toMatch(hangul);
    const unknown = await app.request('PATCH', '/api/v1/users/me', { token: u.token, body: { nmae: 'typo' } });
    expectInvalid(unknown, 'nmae');
    expect(unknown.body.errors[0].message).toBe(ko['api.unknown_field']);

    await setLanguage(u.token, 'en');
    const again = await app.request('POST', '/api/v1/projects', { token: u.token, body: bad, headers: { 'accept-language': 'ko-KR' } });
    expectInvalid(again, 'status_interval');
    expect(again.body.detail).not.toMatch(hangul);
    expect(again.body.detail).toMatch(/^status_interval: Too small/);
  });

  it('writes the tools\' findings in the setting, the site\'s own headers as they came', async () => {
    const u = await app.user('viewer', 'Tool reader');
    await setLanguage(u.token, 'ko');
    const r = await app.request('POST', '/api/v1/tools/security-headers', { token: u.token, body: { url: `${site.url}/headers/none` } });
    expect(r.status, r.text).toBe(200);
    const findings = JSON.stringify(r.body.headers['content-security-policy'].findings);
    expect(findings).toContain(ko['api.finding.csp_missing']);
    await setLanguage(u.token, 'en');
    const e = await app.request('POST', '/api/v1/tools/security-headers', { token: u.token, body: { url: `${site.url}/headers/none` } });
    expect(JSON.stringify(e.body.headers['content-security-policy'].findings)).toContain(en['api.finding.csp_missing']);
  });
});

describe('before sign-in: Accept-Language', () => {
  it('answers a failed sign-in and the rate limit in Korean or English by the header', async () => {
    const u = await app.user('user', 'Locked out');
    const login = (lang?: string) =>
      app.request('POST', '/api/v1/auth/login', { body: { email: u.email, password: 'wrong-password-1' }, ...(lang ? { headers: { 'accept-language': lang } } : {}) });
    const first = await login('ko-KR,ko;q=0.9');
    expectErrorBody(first, 401);
    expect(first.body.detail).toBe(ko['api.bad_login']);
    const second = await login('en-US');
    expect(second.body.detail).toBe(en['api.bad_login']);
    const limited = await login('ko');
    expectErrorBody(limited, 429);
    const retry = limited.headers.get('retry-after');
    expect(limited.body.detail).toBe(ko['api.rate_limited'].replace('{seconds}', retry!));
    const plain = await login();
    expect(plain.status).toBe(429);
    expect(plain.body.detail).toMatch(/^too many requests; retry in \d+ s$/);
  });

  it('answers a request without a route, and bad JSON, in the header\'s language', async () => {
    const r = await app.request('GET', '/api/v1/no-such-thing', { headers: { 'accept-language': 'ko' } });
    expectErrorBody(r, 404);
    expect(r.body.detail).toBe('GET /api/v1/no-such-thing 경로가 없습니다');
    const j = await app.request('POST', '/api/v1/auth/register', { raw: '{', headers: { 'accept-language': 'ko' } });
    expectInvalid(j, 'body');
    expect(j.body.detail).toBe(ko['api.body_json']);
  });
});

describe('stored check errors', () => {
  it("come back in the reader's language wherever an answer carries them, the site's own words as they are", async () => {
    const owner = await app.user('user', 'Log owner');
    const p = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Logs', url: 'https://example.com' } });
    expect(p.status, p.text).toBe(201);
    const t = Date.now() - 3_600_000;
    const results = [
      { checked_at: new Date(t).toISOString(), is_available: false, status_code: null, response_time: null, error_message: checkText('tcp_closed', { port: 443 }) },
      { checked_at: new Date(t + 60_000).toISOString(), is_available: false, status_code: 503, response_time: 20, error_message: 'Service Unavailable' },
    ];
    expect((await app.request('POST', `/api/v1/projects/${p.body.id}/results/import`, { token: owner.token, body: { results } })).status).toBe(200);
    const messages = async () =>
      ((await app.request('GET', `/api/v1/projects/${p.body.id}/logs`, { token: owner.token })).body.items as { error_message: string }[]).map((r) => r.error_message).sort();
    await setLanguage(owner.token, 'ko');
    expect(await messages()).toEqual(['Service Unavailable', '포트 443이(가) 닫혀 있습니다(연결 거부)']);
    await setLanguage(owner.token, 'en');
    expect(await messages()).toEqual(['Service Unavailable', 'port 443 is closed (connection refused)']);
  });
});
