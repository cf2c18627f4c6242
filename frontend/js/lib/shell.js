// @ts-check
// What every page shares: sign-in check, language and theme from the user's settings, the header with
// the navigation the user's role allows, toasts and one-shot flash messages.
import { call, loginUrl } from './api.js';
import { el } from './dom.js';
import { applyI18n, isLang, lang, loadCatalog, t } from './i18n.js';
import { canCreateProject } from './roles.js';
import { cachedUser, cacheSettings, cacheUser, clearSession, getToken } from './storage.js';
import { applyTheme, initTheme } from './theme.js';

/** @typedef {import('../types/app').User} User */
/** @typedef {import('../types/app').Settings} Settings */
/** @typedef {import('./storage.js').CachedUser} CachedUser */

/** The signed-in navigation: [page, label key]; Add project only for roles that may add one. */
const NAV = /** @type {const} */ ([
  ['index.html', 'nav.dashboard'],
  ['project.html', 'nav.add_project'],
  ['tools.html', 'nav.tools'],
  ['status.html', 'nav.status'],
  ['profile.html', 'nav.profile'],
]);

/**
 * Fills <header id="app-header">: the full navigation for a signed-in user, only the brand and a
 * sign-in link for anyone else.
 * @param {string} active the current page ('' when none of the navigation's)
 * @param {CachedUser | null} user
 */
export function renderHeader(active, user) {
  const host = document.getElementById('app-header');
  if (!host) return;
  const signedIn = !!user && !!getToken();
  const brand = el('a', { class: 'brand', href: signedIn ? 'index.html' : 'status.html' }, el('span', { class: 'brand-dot', 'aria-hidden': 'true' }), 'Py_Monitor');
  if (!signedIn) {
    host.replaceChildren(el('div', { class: 'inner' }, brand, el('div', { class: 'header-user' }, el('a', { class: 'btn small', href: 'login.html', text: t('action.login') }))));
    return;
  }
  const links = NAV.filter(([href]) => href !== 'project.html' || canCreateProject(user.role));
  const nav = el('nav', { class: 'app-nav', 'aria-label': t('nav.label') },
    links.map(([href, key]) => el('a', { href, 'aria-current': href === active ? 'page' : null, text: t(key) })));
  const logout = el('button', {
    type: 'button', class: 'btn small', id: 'logout', text: t('action.logout'),
    on: { click: () => { clearSession(); location.assign('login.html'); } },
  });
  host.replaceChildren(el('div', { class: 'inner' }, brand, nav,
    el('div', { class: 'header-user' }, el('span', { id: 'header-user-name', text: `${user.name} · ${t('role.' + user.role)}` }), logout)));
}

/**
 * @param {string} title
 * @param {string | null} [body]
 * @param {'info' | 'ok' | 'warning' | 'critical'} [kind]
 */
export function toast(title, body, kind = 'info') {
  let box = document.getElementById('toasts');
  if (!box) {
    box = el('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const node = el('div', { class: `toast ${kind}` }, el('div', { class: 'toast-title', text: title }));
  node.append(el('button', { type: 'button', class: 'btn link small', 'aria-label': t('action.dismiss'), text: '✕', on: { click: () => node.remove() } }));
  if (body) node.append(el('div', { class: 'toast-body', text: body }));
  box.append(node);
  setTimeout(() => node.remove(), 8000);
  return node;
}

/** A message for the next page (after a redirect). @param {string} message */
export function flash(message) {
  try {
    sessionStorage.setItem('pym.flash', message);
  } catch {
    /* shown nowhere */
  }
}

export function takeFlash() {
  try {
    const m = sessionStorage.getItem('pym.flash');
    if (m) sessionStorage.removeItem('pym.flash');
    return m;
  } catch {
    return null;
  }
}

/** @param {string} language */
async function useLanguage(language) {
  try {
    await loadCatalog(isLang(language) ? language : undefined);
    applyI18n();
  } catch {
    // Without a catalog the markup's own text stays; show it rather than a blank page.
    document.documentElement.classList.add('i18n-ready');
  }
}

/** Waits forever: the page is leaving (a redirect to sign in). @returns {Promise<never>} */
const leaving = () => new Promise(() => {});

/**
 * Starts a page. `required`: signed-in only (else to login); `optional`: either (the status page);
 * `none`: the sign-in pages. Resolves once the strings, theme and header are in the user's settings.
 * @param {{ active?: string, auth?: 'required' | 'optional' | 'none' }} opts
 * @returns {Promise<{ user: User | null, settings: Settings | null }>}
 */
export async function startPage({ active = '', auth = 'required' }) {
  initTheme();
  if (auth === 'required' && !getToken()) {
    location.replace(loginUrl());
    return leaving();
  }
  await useLanguage(document.documentElement.lang);
  if (auth === 'none') return { user: null, settings: null };
  renderHeader(active, getToken() ? cachedUser() : null);
  if (!getToken()) return { user: null, settings: null };
  let user;
  let settings;
  try {
    [user, settings] = await Promise.all([
      call('get', '/users/me', { onUnauthorized: auth === 'optional' ? 'throw' : 'redirect' }),
      call('get', '/users/me/settings', { onUnauthorized: auth === 'optional' ? 'throw' : 'redirect' }),
    ]);
  } catch (err) {
    if (auth === 'required') {
      if (!getToken()) return leaving();
      // The API is unreachable or failing: say so, and let the page show what it can.
      toast(t('error.generic'), err instanceof Error ? err.message : String(err), 'critical');
      return { user: null, settings: null };
    }
    renderHeader(active, null);
    return { user: null, settings: null };
  }
  cacheUser(user);
  cacheSettings(settings);
  applyTheme(settings.theme);
  if (settings.language !== lang()) await useLanguage(settings.language);
  renderHeader(active, user);
  return { user, settings };
}

/** Re-reads the signed-in user and refreshes the header. @param {string} active */
export async function refreshUser(active) {
  const user = await call('get', '/users/me');
  cacheUser(user);
  renderHeader(active, user);
  return user;
}

/** Marks the page as loaded and usable (the tests wait for it; the benchmark reads the mark's time). */
export function pageReady() {
  performance.mark('pm-ready');
  document.body.dataset['ready'] = 'true';
}
