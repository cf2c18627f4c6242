// @ts-check
// The API client: bearer token, JSON in and out, one error type, 401 -> sign in again.
import { t } from './i18n.js';
import { clearSession, getToken } from './storage.js';

/** @typedef {import('../types/api').Paths} Paths */
/** @typedef {import('../types/api').ErrorBody} ErrorBody */
/** @typedef {import('../types/app').Method} Method */

export const API_BASE = '/api/v1';

/** An answer outside 2xx, or no answer at all (status 0). */
export class ApiError extends Error {
  /** @param {number} status @param {unknown} body */
  constructor(status, body) {
    const b = body && typeof body === 'object' ? /** @type {Partial<ErrorBody>} */ (body) : {};
    const detail = typeof b.detail === 'string' ? b.detail : `HTTP ${status}`;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = typeof b.code === 'string' ? b.code : undefined;
    this.detail = detail;
    /** @type {{ field: string, message: string }[]} */
    this.errors = Array.isArray(b.errors) ? b.errors.filter((e) => e && typeof e.message === 'string').map((e) => ({ field: String(e.field ?? ''), message: e.message })) : [];
  }
}

/** The login page, coming back to this page afterwards. */
export function loginUrl() {
  return `login.html?next=${encodeURIComponent(location.pathname + location.search)}`;
}

/** A same-site dashboard page to go back to after login; anything else goes to the dashboard. @param {string | null} next */
export function safeNext(next) {
  if (typeof next === 'string' && /^\/frontend\/html\/[\w-]+\.html(\?[^#]*)?$/.test(next)) return next;
  return 'index.html';
}

/**
 * @typedef {object} RequestOptions
 * @property {string} [method]
 * @property {unknown} [body] sent as JSON
 * @property {Record<string, string>} [form] sent as application/x-www-form-urlencoded
 * @property {Record<string, unknown>} [query]
 * @property {boolean} [auth] send the token (default true)
 * @property {'redirect' | 'throw'} [onUnauthorized] a 401 with a token: go to login (default) or just throw
 */

/**
 * fetch against /api/v1: resolves with the parsed JSON (or null), rejects with ApiError.
 * @param {string} path under /api/v1, values already filled in
 * @param {RequestOptions} [opts]
 * @returns {Promise<unknown>}
 */
export async function request(path, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  const token = opts.auth === false ? null : getToken();
  if (token) headers['authorization'] = `Bearer ${token}`;
  /** @type {string | undefined} */
  let body;
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let url = API_BASE + path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  /** @type {Response} */
  let res;
  try {
    res = await fetch(url, { method: opts.method ?? 'GET', headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { detail: t('error.network', undefined, 'network error') });
  }
  const text = await res.text();
  /** @type {unknown} */
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text.slice(0, 300) };
    }
  }
  if (res.status === 401 && token) {
    // The session is over: forget it and sign in again, coming back here afterwards.
    clearSession();
    if (opts.onUnauthorized !== 'throw') location.assign(loginUrl());
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/**
 * A call typed by the OpenAPI document: call('get', '/projects/{id}', { params: { id: 3 } }).
 * @template {keyof Paths} P
 * @template {Method & keyof Paths[P]} M
 * @param {M} method
 * @param {P} path a path template of the API, {name} filled from params
 * @param {import('../types/app').CallOptions<P, M>} [opts]
 * @returns {Promise<import('../types/app').ResponseOf<P, M>>}
 */
export async function call(method, path, opts) {
  const o = /** @type {{ params?: Record<string, unknown>, query?: Record<string, unknown>, body?: unknown, form?: Record<string, string>, auth?: boolean, onUnauthorized?: 'redirect' | 'throw' }} */ (opts ?? {});
  const filled = String(path).replace(/\{(\w+)\}/g, (_m, name) => {
    const v = o.params?.[name];
    if (v === undefined || v === null) throw new Error(`${String(path)}: no value for {${name}}`);
    return encodeURIComponent(String(v));
  });
  /** @type {RequestOptions} */
  const ro = { method: String(method).toUpperCase() };
  if (o.query) ro.query = o.query;
  if (o.body !== undefined) ro.body = o.body;
  if (o.form) ro.form = o.form;
  if (o.auth !== undefined) ro.auth = o.auth;
  if (o.onUnauthorized) ro.onUnauthorized = o.onUnauthorized;
  return /** @type {import('../types/app').ResponseOf<P, M>} */ (await request(filled, ro));
}

/**
 * A binary or text answer (a screenshot, a CSV or PDF download) with the session's token: an <a href>
 * or <img src> could not send it. Rejects with ApiError like `request`.
 * @param {string} path under /api/v1, values already filled in
 * @param {Record<string, unknown>} [query]
 * @returns {Promise<{ blob: Blob, filename: string | null }>}
 */
export async function fetchBlob(path, query) {
  let url = API_BASE + path;
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    if (q.toString()) url += `?${q}`;
  }
  const token = getToken();
  /** @type {Response} */
  let res;
  try {
    res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { detail: t('error.network', undefined, 'network error') });
  }
  if (!res.ok) {
    /** @type {unknown} */
    let body = null;
    try {
      body = await res.json();
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, body);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? null;
  return { blob: await res.blob(), filename: name };
}
