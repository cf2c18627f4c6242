// @ts-check
// status.html: the public status page (spec 9, issue 12). No sign-in; anonymous visitors get no
// signed-in navigation. The list shows the overall state and each public project with its 90-day bar;
// status.html?id=N one project with its incident timeline. Asks without a token, so every visitor
// shares the same cached answers (the API's Cache-Control and ETag, CloudFront on AWS).
import { createUptimeBar } from '../components/uptime-bar.js';
import { call, ApiError } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { formatDateTime, formatMs, formatPercent, formatRelative } from '../lib/format.js';
import { applyI18n, lang, loadCatalog, t } from '../lib/i18n.js';
import { pageReady, renderHeader, startPage } from '../lib/shell.js';
import { cachedSettings, cacheSettings, getToken } from '../lib/storage.js';
import { applyTheme, currentTheme } from '../lib/theme.js';

/** @typedef {import('../types/api').Paths['/status']['get']['response']} StatusList */
/** @typedef {import('../types/api').Paths['/status/{id}']['get']['response']} StatusDetail */
/** @typedef {StatusList['projects'][number]} PublicProject */
/** @typedef {StatusDetail['incidents'][number]} PublicIncident */
/** @typedef {import('../components/uptime-bar.js').DayIncident} DayIncident */

const REFRESH_MS = 60_000;
const DETAIL_CONCURRENCY = 4;

const { user } = await startPage({ active: 'status.html', auth: 'optional' });
const root = byId('status-root');
const selected = new URLSearchParams(location.search).get('id');
const detailId = selected && /^[1-9]\d{0,9}$/.test(selected) ? Number(selected) : null;

/** @param {string} status */
const stateBadge = (status) => el('span', { class: `badge ${status === 'unknown' ? 'pending' : status}`, text: t(`status.state.${status}`) });

/** @param {string | null | undefined} iso */
const timeEl = (iso) => (iso ? el('time', { datetime: iso, title: formatDateTime(iso), text: formatRelative(iso) }) : '—');

/** The days an incident touched, within the history, so hovering a day lists it. @param {PublicIncident[]} incidents @param {string[]} dates */
function incidentsByDay(incidents, dates) {
  /** @type {Record<string, DayIncident[]>} */
  const out = {};
  for (const x of incidents) {
    const from = x.started_at.slice(0, 10);
    const to = (x.ended_at ?? new Date().toISOString()).slice(0, 10);
    for (const d of dates) if (d >= from && d <= to) (out[d] ??= []).push({ title: x.title ?? t('status.incident_untitled'), started_at: x.started_at, ended_at: x.ended_at });
  }
  return out;
}

/** @param {StatusDetail} detail */
function historyBar(detail) {
  const dates = detail.history.map((d) => d.date);
  return createUptimeBar(detail.history, {
    label: t('status.history_label', { name: detail.title }),
    incidents: incidentsByDay(detail.incidents, dates),
    formatTime: (iso) => formatDateTime(iso),
  });
}

/** @param {PublicProject} p */
function figures(p) {
  const item = (/** @type {string} */ key, /** @type {Node | string} */ value) => el('div', { class: 'status-figure' }, el('dt', { text: t(key) }), el('dd', null, value));
  return el('dl', { class: 'status-figures', 'aria-label': t('status.figures', { name: p.title }) },
    item('status.uptime_24h', formatPercent(p.uptime_24h)),
    item('status.uptime_7d', formatPercent(p.uptime_7d)),
    item('status.uptime_30d', formatPercent(p.uptime_30d)),
    item('status.response_time', formatMs(p.response_time)),
    item('status.last_checked', timeEl(p.last_checked_at)));
}

/** @param {StatusList['status']} overall @param {string} updatedAt */
function hero(overall, updatedAt) {
  return el('section', { class: 'card status-hero', 'data-state': overall, 'aria-labelledby': 'overall-heading' },
    el('h2', { id: 'overall-heading', text: t(`status.overall.${overall}`) }),
    el('p', { class: 'subtle' }, t('status.updated_at', { time: formatDateTime(updatedAt) })));
}

/** Loads the projects' details a few at a time and fills in their bars. @param {Map<number, HTMLElement>} slots */
async function fillBars(slots) {
  const queue = [...slots.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [id, slot] = next;
      try {
        const detail = /** @type {StatusDetail} */ (await call('get', '/status/{id}', { params: { id }, auth: false }));
        slot.replaceChildren(historyBar(detail));
      } catch {
        slot.replaceChildren(el('p', { class: 'subtle', text: t('status.load_failed') }));
      }
    }
  };
  await Promise.all(Array.from({ length: DETAIL_CONCURRENCY }, worker));
}

async function renderList() {
  const list = /** @type {StatusList} */ (await call('get', '/status', { auth: false }));
  /** @type {Map<number, HTMLElement>} */
  const slots = new Map();
  const cards = list.projects.map((p) => {
    const slot = el('div', { class: 'status-history' }, el('p', { class: 'subtle', text: t('status.history_loading') }));
    slots.set(p.id, slot);
    return el('section', { class: 'card status-project', dataset: { id: String(p.id), state: p.status }, 'aria-labelledby': `project-${p.id}` },
      el('div', { class: 'status-project-head' },
        el('h2', { id: `project-${p.id}` }, el('a', { href: `status.html?id=${p.id}`, text: p.title })),
        stateBadge(p.status)),
      p.category ? el('p', { class: 'subtle', text: p.category }) : null,
      slot,
      figures(p));
  });
  root.replaceChildren(hero(list.status, list.updated_at),
    cards.length ? el('div', { class: 'status-projects' }, cards) : el('p', { class: 'card subtle', text: t('status.no_projects') }));
  await fillBars(slots);
}

/** @param {PublicIncident} x */
function incidentItem(x) {
  const span = x.ended_at ? `${formatDateTime(x.started_at)} – ${formatDateTime(x.ended_at)}` : `${formatDateTime(x.started_at)} – ${t('uptime.ongoing')}`;
  return el('li', { class: 'card status-incident', dataset: { id: String(x.id) } },
    el('h3', { text: x.title ?? t('status.incident_untitled') }),
    el('p', { class: 'subtle' }, span, x.duration_minutes !== null ? ` · ${t('status.incident_duration', { n: x.duration_minutes })}` : ''),
    x.updates.length
      ? el('ol', { class: 'status-updates' }, x.updates.map((u) => el('li', null,
          el('span', { class: `badge plain ${u.status === 'resolved' ? 'up' : 'info'}`, text: t(`status.update.${u.status}`) }), ' ',
          el('time', { datetime: u.created_at, text: formatDateTime(u.created_at) }),
          el('p', { class: 'status-update-message', text: u.message }))))
      : null,
    x.postmortem ? el('div', { class: 'status-postmortem' }, el('h4', { text: t('status.postmortem') }), el('p', { text: x.postmortem })) : null);
}

/** @param {number} id */
async function renderDetail(id) {
  /** @type {StatusDetail} */
  let detail;
  try {
    detail = /** @type {StatusDetail} */ (await call('get', '/status/{id}', { params: { id }, auth: false }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      root.replaceChildren(el('p', { class: 'card', id: 'status-not-found', text: t('status.not_found') }), el('p', null, el('a', { href: 'status.html', text: t('status.back') })));
      return;
    }
    throw err;
  }
  root.replaceChildren(
    el('p', null, el('a', { href: 'status.html', id: 'status-back', text: `← ${t('status.back')}` })),
    el('section', { class: 'card status-project', dataset: { id: String(detail.id), state: detail.status }, 'aria-labelledby': 'project-title' },
      el('div', { class: 'status-project-head' }, el('h2', { id: 'project-title', text: detail.title }), stateBadge(detail.status)),
      detail.category ? el('p', { class: 'subtle', text: detail.category }) : null,
      el('div', { class: 'status-history' }, historyBar(detail)),
      figures(detail)),
    el('section', { 'aria-labelledby': 'incidents-heading' },
      el('h2', { id: 'incidents-heading', text: t('status.incidents') }),
      detail.incidents.length
        ? el('ol', { class: 'status-incidents' }, detail.incidents.map(incidentItem))
        : el('p', { class: 'subtle', text: t('status.no_incidents') })));
}

async function render() {
  try {
    await (detailId === null ? renderList() : renderDetail(detailId));
  } catch {
    root.replaceChildren(el('p', { class: 'card form-error', role: 'alert', text: t('status.load_failed') }));
  }
}

/**
 * A visitor's choice, kept in this browser (a signed-in user's settings stay theirs, on the server).
 * @param {{ language?: 'ko' | 'en', theme?: 'light' | 'dark' }} choice
 */
function keepLocally(choice) {
  if (getToken()) return;
  const s = cachedSettings();
  cacheSettings({ theme: choice.theme ?? s.theme ?? 'system', language: choice.language ?? s.language ?? lang(), timezone: s.timezone ?? '', email_notifications: s.email_notifications ?? true });
}

/** Language and theme switches: kept in this browser for visitors; a signed-in user's settings stay theirs. */
function renderSwitches() {
  const host = byId('status-switches');
  const langButton = (/** @type {'ko' | 'en'} */ code, /** @type {string} */ label) => el('button', {
    type: 'button', class: 'btn small', lang: code, 'aria-pressed': String(lang() === code), text: label,
    on: { click: async () => {
      if (lang() === code) return;
      keepLocally({ language: code });
      await loadCatalog(code);
      applyI18n();
      renderHeader('status.html', getToken() ? user : null);
      renderSwitches();
      await render();
    } },
  });
  const dark = currentTheme() === 'dark';
  host.replaceChildren(
    el('div', { class: 'lang-switch', role: 'group', 'aria-label': t('status.language') }, langButton('ko', '한국어'), langButton('en', 'English')),
    el('button', {
      type: 'button', class: 'btn small', id: 'theme-switch', 'aria-pressed': String(dark), text: t('status.theme_dark'),
      on: { click: () => {
        const next = currentTheme() === 'dark' ? 'light' : 'dark';
        applyTheme(next);
        keepLocally({ theme: next });
        renderSwitches();
      } },
    }));
}

renderSwitches();
await render();
pageReady();
setInterval(() => {
  if (document.visibilityState === 'visible') void render();
}, REFRESH_MS);
