// Shared client for the Py_Monitor API: bearer token, 401 -> login, error bodies, DOM helpers.
// Loaded synchronously in <head> so the cached theme applies before the first paint.
(function () {
  'use strict';
  const PM = (window.PM = window.PM || {});
  const TOKEN_KEY = 'pym.token';
  const SETTINGS_KEY = 'pym.settings';
  const API_BASE = '/api/v1';

  // ---------- token and cached settings ----------
  function getToken() {
    try { return localStorage.getItem(TOKEN_KEY); } catch { return null; }
  }
  function setToken(token) { localStorage.setItem(TOKEN_KEY, token); }
  function clearToken() {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem('pym.me');
  }
  function cachedSettings() {
    try { return JSON.parse(localStorage.getItem(SETTINGS_KEY) || 'null') || {}; } catch { return {}; }
  }
  function cacheSettings(s) {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(s));
    applyTheme(s.theme);
  }
  const darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  let chosenTheme = 'light';
  function applyTheme(theme) {
    chosenTheme = theme === 'dark' || theme === 'system' ? theme : 'light';
    const dark = chosenTheme === 'dark' || (chosenTheme === 'system' && !!darkQuery && darkQuery.matches);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }
  // "system" follows the OS while the page is open.
  if (darkQuery) darkQuery.addEventListener('change', () => applyTheme(chosenTheme));
  applyTheme(cachedSettings().theme);

  // ---------- errors ----------
  class ApiError extends Error {
    constructor(status, body) {
      const detail = body && typeof body.detail === 'string' ? body.detail : `HTTP ${status}`;
      super(detail);
      this.name = 'ApiError';
      this.status = status;
      this.code = body && body.code;
      this.detail = detail;
      this.errors = body && Array.isArray(body.errors) ? body.errors : [];
    }
  }

  function loginUrl() {
    const here = location.pathname + location.search;
    return `login.html?next=${encodeURIComponent(here)}`;
  }

  /** A same-site dashboard path to go back to after login; anything else goes to the dashboard. */
  function safeNext(next) {
    if (typeof next === 'string' && /^\/frontend\/html\/[\w-]+\.html(\?[^#]*)?$/.test(next)) return next;
    return 'index.html';
  }

  /**
   * fetch against /api/v1. opts: method, body (JSON), form (x-www-form-urlencoded object),
   * auth (default true), query (object). Resolves with the parsed JSON (or null), rejects with ApiError.
   */
  async function request(path, opts = {}) {
    const headers = { accept: 'application/json' };
    const auth = opts.auth !== false;
    const token = auth ? getToken() : null;
    if (token) headers.authorization = `Bearer ${token}`;
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
    let res;
    try {
      res = await fetch(url, { method: opts.method || 'GET', headers, body, credentials: 'same-origin' });
    } catch (err) {
      throw new ApiError(0, { detail: PM.i18n ? PM.i18n.t('error.network') : 'network error' });
    }
    const text = await res.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = { detail: text.slice(0, 300) }; }
    }
    if (res.status === 401 && token) {
      // The session is over: forget it and sign in again, coming back here afterwards.
      clearToken();
      location.assign(loginUrl());
      throw new ApiError(401, data);
    }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  /** Sends to login when there is no token; returns the token otherwise. */
  function requireAuth() {
    const token = getToken();
    if (!token) {
      location.replace(loginUrl());
      return null;
    }
    return token;
  }

  async function me() {
    const u = await request('/users/me');
    localStorage.setItem('pym.me', JSON.stringify({ id: u.id, name: u.name, role: u.role }));
    return u;
  }
  function cachedMe() {
    try { return JSON.parse(localStorage.getItem('pym.me') || 'null'); } catch { return null; }
  }

  /** Fetches the user's settings, caches them and applies theme and language. */
  async function loadSettings() {
    const s = await request('/users/me/settings');
    const langChanged = PM.i18n && PM.i18n.lang() !== s.language;
    cacheSettings(s);
    if (langChanged) PM.i18n.apply();
    return s;
  }

  // ---------- DOM helpers (textContent only: API strings are never parsed as HTML) ----------
  /** el('a', {href, class, text, on: {click}}, child...) */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'text') node.textContent = String(v);
        else if (k === 'class') node.className = v;
        else if (k === 'on') for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
        else if (k === 'dataset') Object.assign(node.dataset, v);
        else if (v === true) node.setAttribute(k, '');
        else node.setAttribute(k, String(v));
      }
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }

  // ---------- form errors ----------
  function clearErrors(form) {
    for (const e of form.querySelectorAll('.field-error[data-generated]')) e.remove();
    for (const i of form.querySelectorAll('[aria-invalid="true"]')) {
      i.removeAttribute('aria-invalid');
      const ids = (i.getAttribute('aria-describedby') || '').split(/\s+/).filter((id) => id && !id.startsWith('err-'));
      if (ids.length) i.setAttribute('aria-describedby', ids.join(' '));
      else i.removeAttribute('aria-describedby');
    }
    const box = form.querySelector('[data-form-error]');
    if (box) box.replaceChildren();
    const ok = form.querySelector('[data-form-ok]');
    if (ok) ok.replaceChildren();
  }

  /**
   * Shows an API error on a form: each {field, message} next to the input named `field`
   * (or data-field), the rest in the form's [data-form-error] box. Focuses the first bad input.
   */
  function showErrors(form, err) {
    clearErrors(form);
    const t = PM.i18n ? PM.i18n.t : (k) => k;
    const leftovers = [];
    let first = null;
    const errors = err instanceof ApiError ? err.errors : [];
    for (const e of errors) {
      const field = String(e.field || '');
      const input = field ? form.querySelector(`[name="${CSS.escape(field)}"], [data-field="${CSS.escape(field)}"]`) : null;
      if (!input) {
        leftovers.push(field ? `${field}: ${e.message}` : e.message);
        continue;
      }
      const id = `err-${field.replace(/[^\w-]/g, '_')}`;
      let msg = form.querySelector(`#${CSS.escape(id)}`);
      if (!msg) {
        msg = el('p', { class: 'field-error', id, 'data-generated': true });
        const anchor = input.closest('.field, .check') || input;
        anchor.append(msg);
      }
      msg.textContent = msg.textContent ? `${msg.textContent}; ${e.message}` : e.message;
      input.setAttribute('aria-invalid', 'true');
      const described = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
      if (!described.includes(id)) input.setAttribute('aria-describedby', [...described, id].join(' '));
      if (!first) first = input;
    }
    const box = form.querySelector('[data-form-error]');
    if (box) {
      const headline = errors.length && !leftovers.length ? t('error.fix_fields') : err.detail || err.message || String(err);
      box.append(el('strong', { text: headline }));
      if (leftovers.length && errors.length) box.append(el('ul', null, leftovers.map((m) => el('li', { text: m }))));
      if (!first) box.focus();
    }
    if (first) first.focus();
  }

  function showOk(form, message) {
    const ok = form.querySelector('[data-form-ok]');
    if (ok) ok.replaceChildren(el('span', { text: message }));
  }

  /** Disables a submit button while `fn` runs. */
  async function busy(button, fn) {
    if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); }
    try { return await fn(); } finally {
      if (button) { button.disabled = false; button.removeAttribute('aria-busy'); }
    }
  }

  // ---------- formatting in the user's language and time zone ----------
  function tz() { return cachedSettings().timezone || undefined; }
  function locale() { return PM.i18n && PM.i18n.lang() === 'en' ? 'en-US' : 'ko-KR'; }
  function fmtDate(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    try {
      return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'medium', timeZone: tz() }).format(d);
    } catch {
      return d.toLocaleString(locale());
    }
  }
  function fmtRelative(iso) {
    if (!iso) return '—';
    const diff = (new Date(iso).getTime() - Date.now()) / 1000;
    const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
    const abs = Math.abs(diff);
    if (abs < 60) return rtf.format(Math.round(diff), 'second');
    if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
    if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
    return rtf.format(Math.round(diff / 86400), 'day');
  }
  function fmtMs(ms) {
    if (ms === null || ms === undefined || Number.isNaN(Number(ms))) return '—';
    const n = Number(ms);
    if (n >= 1000) return `${(n / 1000).toFixed(2)} s`;
    return n < 10 && n !== 0 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;
  }
  function fmtBytes(b) {
    if (b === null || b === undefined) return '—';
    if (b < 1024) return `${b} B`;
    if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KB`;
    return `${(b / 1024 / 1024).toFixed(1)} MB`;
  }

  // ---------- toasts and flash messages ----------
  function toast(title, body, kind) {
    let box = document.getElementById('toasts');
    if (!box) {
      box = el('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
      document.body.append(box);
    }
    const t = PM.i18n ? PM.i18n.t : (k) => k;
    const close = el('button', { type: 'button', class: 'btn link small', 'aria-label': t('action.dismiss'), text: '✕' });
    const node = el('div', { class: `toast ${kind || 'info'}` }, el('div', { class: 'toast-title', text: title }), close, body ? el('div', { class: 'toast-body', text: body }) : null);
    close.addEventListener('click', () => node.remove());
    box.append(node);
    setTimeout(() => node.remove(), 8000);
    return node;
  }
  function flash(message) { sessionStorage.setItem('pym.flash', message); }
  function takeFlash() {
    const m = sessionStorage.getItem('pym.flash');
    if (m) sessionStorage.removeItem('pym.flash');
    return m;
  }

  // ---------- page chrome ----------
  const NAV = [
    ['index.html', 'nav.dashboard'],
    ['project.html', 'nav.add_project'],
    ['tools.html', 'nav.tools'],
    ['status.html', 'nav.status'],
    ['profile.html', 'nav.profile'],
  ];

  /** Fills <header id="app-header"> with the navigation and the signed-in user. */
  function renderHeader(active) {
    const host = document.getElementById('app-header');
    if (!host) return;
    const t = PM.i18n.t;
    const user = cachedMe();
    const logout = el('button', { type: 'button', class: 'btn small', id: 'logout', text: t('action.logout') });
    logout.addEventListener('click', () => {
      clearToken();
      location.assign('login.html');
    });
    const nav = el('nav', { class: 'app-nav', 'aria-label': t('nav.label') },
      NAV.map(([href, key]) => el('a', { href, 'aria-current': href === active ? 'page' : null, text: t(key) })));
    host.className = 'app-header';
    host.replaceChildren(el('div', { class: 'inner' },
      el('a', { class: 'brand', href: 'index.html' }, el('span', { class: 'brand-dot', 'aria-hidden': 'true' }), 'Py_Monitor'),
      nav,
      el('div', { class: 'header-user' },
        user ? el('span', { id: 'header-user-name', text: `${user.name} · ${t('role.' + user.role)}` }) : null,
        getToken() ? logout : el('a', { class: 'btn small', href: 'login.html', text: t('action.login') }))));
  }

  function canEdit(role) { return role === 'admin' || role === 'manager' || role === 'user'; }
  function isManager(role) { return role === 'admin' || role === 'manager'; }

  Object.assign(PM, {
    API_BASE, ApiError, request, requireAuth, getToken, setToken, clearToken, safeNext, me, cachedMe,
    loadSettings, cachedSettings, cacheSettings, applyTheme, el, svg, showErrors, clearErrors, showOk, busy,
    fmtDate, fmtRelative, fmtMs, fmtBytes, toast, flash, takeFlash, renderHeader, canEdit, isManager,
  });
})();
