// @ts-check
// report.html?id=N: one project's history (issue 17). The SLA summary for a chosen period and target,
// response time (average with a p95 band) and availability charts, the daily table, incidents with their
// updates, anomalies, the latest SSL and domain expiry, browser metrics over time, journeys with their last
// runs and step screenshots, the latest screenshot, the check log by pages, and CSV and PDF downloads.
// Every figure comes from the API (the shared read model); a section whose endpoint this installation
// does not have (404) says it is not available instead of failing the page.
import { createPagedTable } from '../components/paged-table.js';
import { createTimeSeriesChart } from '../components/time-series-chart.js';
import { ApiError, call, fetchBlob } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { formatDateTime, formatMs, formatPercent } from '../lib/format.js';
import { busy } from '../lib/forms.js';
import { t } from '../lib/i18n.js';
import { canEditProject } from '../lib/roles.js';
import { pageReady, startPage } from '../lib/shell.js';

/** @typedef {import('../types/app').SlaReport} SlaReport */

const rawId = new URLSearchParams(location.search).get('id');
const id = rawId && /^[1-9]\d{0,9}$/.test(rawId) ? Number(rawId) : null;
const { user } = await startPage({ active: '' });

/** @type {'24h' | '7d' | '30d' | '90d'} */
let period = '30d';
let target = 99.9;
/** @type {SlaReport | null} */
let report = null;

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));
/** A 404 from a route this installation lacks, or from the project being gone. @param {unknown} err */
const missing = (err) => err instanceof ApiError && err.status === 404;
const unavailable = () => el('p', { class: 'subtle', 'data-state': 'unavailable', text: t('report.not_available') });
const nothing = (/** @type {string} */ key) => el('p', { class: 'subtle', 'data-state': 'empty', text: t(key) });

/**
 * Loads one section: its content, "not available" on a 404, the error otherwise.
 * @param {HTMLElement} box @param {() => Promise<import('../lib/dom.js').Children>} load
 */
async function section(box, load) {
  try {
    const content = [await load()].flat(3).filter((c) => c !== null && c !== undefined && c !== false);
    box.replaceChildren(...content.map((c) => (typeof c === 'number' ? String(c) : c)));
  } catch (err) {
    box.replaceChildren(missing(err) ? unavailable() : el('p', { class: 'form-error', text: messageOf(err) }));
  }
}

/** @param {[string, import('../lib/dom.js').Children, string?][]} rows */
function figures(rows) {
  return rows.flatMap(([label, value, key]) => [el('dt', { text: label }), el('dd', key ? { 'data-figure': key } : null, value)]);
}

const minutes = (/** @type {number | null | undefined} */ m) => (m === null || m === undefined ? '—' : t('report.minutes', { n: Math.round(m * 10) / 10 }));

// ---------- SLA summary ----------
async function loadSla() {
  const box = byId('sla-figures');
  byId('sla-error').replaceChildren();
  try {
    const r = await call('get', '/projects/{id}/reports/sla', { params: { id: String(id) }, query: { period, target } });
    report = r;
    const met = r.sla_met === null ? '—' : el('span', { class: `badge ${r.sla_met ? 'up' : 'down'}`, text: t(r.sla_met ? 'report.met' : 'report.not_met') });
    box.replaceChildren(...figures([
      [t('report.period'), `${formatDateTime(r.period.from)} – ${formatDateTime(r.period.to)}`, 'period'],
      [t('report.availability'), formatPercent(r.availability, 3), 'availability'],
      [t('report.target_label'), formatPercent(r.target_availability, 3), 'target'],
      [t('report.sla_met'), met, 'sla_met'],
      [t('report.downtime'), minutes(r.downtime_minutes), 'downtime'],
      [t('report.allowed_downtime'), minutes(r.allowed_downtime_minutes), 'allowed_downtime'],
      [t('report.maintenance'), minutes(r.maintenance_minutes), 'maintenance'],
      [t('report.no_data'), minutes(r.no_data_minutes), 'no_data'],
      [t('report.incident_count'), String(r.incident_count), 'incident_count'],
      [t('report.response'), t('report.response_figures', { avg: formatMs(r.response_time.avg), p95: formatMs(r.response_time.p95), min: formatMs(r.response_time.min), max: formatMs(r.response_time.max) }), 'response'],
    ]));
    renderDaily(r);
  } catch (err) {
    report = null;
    box.replaceChildren();
    byId('sla-error').replaceChildren(el('span', { text: messageOf(err) }));
    byId('daily').replaceChildren(missing(err) ? unavailable() : el('p', { class: 'form-error', text: messageOf(err) }));
  }
}

/** @param {SlaReport} r */
function renderDaily(r) {
  const table = createPagedTable({
    caption: t('report.daily'),
    pageSize: 31,
    rowKey: (/** @type {SlaReport['daily'][number]} */ d) => d.date,
    empty: () => t('chart.no_data'),
    columns: [
      { header: t('report.date'), className: 'nowrap', cell: (d) => d.date },
      { header: t('report.availability'), className: 'num', cell: (d) => formatPercent(d.availability, 3) },
      { header: t('report.downtime'), className: 'num', cell: (d) => minutes(d.downtime_minutes) },
      { header: t('report.avg_response'), className: 'num', cell: (d) => formatMs(d.avg_response_time) },
      { header: t('report.checks'), className: 'num', cell: (d) => String(d.checks) },
      { header: t('report.incident_count'), className: 'num', cell: (d) => String(d.incident_count) },
    ],
  });
  table.setRows([...r.daily].reverse());
  byId('daily').replaceChildren(table.element);
}

// ---------- charts ----------
/** @type {ReturnType<typeof createTimeSeriesChart> | null} */
let responseChart = null;
/** @type {ReturnType<typeof createTimeSeriesChart> | null} */
let availabilityChart = null;

async function loadCharts() {
  const box = byId('report-charts');
  const params = { id: String(id) };
  try {
    const [rt, av] = await Promise.all([
      call('get', '/projects/{id}/charts/response-time', { params, query: { period } }),
      call('get', '/projects/{id}/charts/availability', { params, query: { period } }),
    ]);
    const response = { kind: /** @type {const} */ ('response-time'), points: rt.points.map((p) => ({ time: p.t, avg: p.avg, p95: p.p95, min: p.min, max: p.max })) };
    const availability = { kind: /** @type {const} */ ('availability'), points: av.points.map((p) => ({ time: p.t, availability: p.availability })) };
    box.dataset['period'] = period;
    if (!responseChart || !availabilityChart) {
      const r = el('div', { class: 'chart-box', id: 'chart-response' });
      const a = el('div', { class: 'chart-box', id: 'chart-availability' });
      box.replaceChildren(el('h3', { text: t('report.response_chart') }), r, el('h3', { text: t('chart.availability') }), a);
      responseChart = createTimeSeriesChart(r, response, { label: t('report.response_chart'), height: 200 });
      availabilityChart = createTimeSeriesChart(a, availability, { label: t('chart.availability'), height: 200 });
    } else {
      responseChart.setData(response);
      availabilityChart.setData(availability);
    }
  } catch (err) {
    responseChart?.destroy();
    availabilityChart?.destroy();
    responseChart = availabilityChart = null;
    box.replaceChildren(missing(err) ? unavailable() : el('p', { class: 'form-error', text: messageOf(err) }));
  }
}

// ---------- incidents with their updates ----------
async function loadIncidents() {
  await section(byId('incidents'), async () => {
    const r = await call('get', '/projects/{id}/incidents', { params: { id: String(id) }, query: { size: 20 } });
    if (r.items.length === 0) return nothing('report.no_incidents');
    return el('ol', { class: 'incident-list' }, r.items.map((i) => el('li', { class: 'incident', 'data-incident-id': i.id },
      el('div', { class: 'incident-head' },
        el('strong', { text: i.title ?? t('report.incident') }),
        el('span', { class: `badge ${i.ended_at ? 'up' : 'down'}`, text: t(i.ended_at ? 'report.resolved' : 'report.ongoing') })),
      el('div', { class: 'subtle' },
        `${formatDateTime(i.started_at)} – ${i.ended_at ? formatDateTime(i.ended_at) : t('report.ongoing')}`,
        i.duration_seconds !== null ? ` · ${minutes(i.duration_seconds / 60)}` : ''),
      i.first_error ? el('div', { class: 'field-error', text: i.first_error }) : null,
      i.updates.length ? el('ul', { class: 'incident-updates' }, i.updates.map((u) => el('li', null,
        el('span', { class: 'badge plain', text: t(`incident.${u.status}`) }), ' ',
        el('time', { datetime: u.created_at, text: formatDateTime(u.created_at) }),
        el('div', { class: 'update-message', text: u.message })))) : null)));
  });
}

// ---------- anomalies ----------
async function loadAnomalies() {
  await section(byId('anomalies'), async () => {
    const from = report?.period.from;
    const r = await call('get', '/projects/{id}/anomalies', { params: { id: String(id) }, query: from ? { from } : {} });
    if (r.items.length === 0) return nothing('report.no_anomalies');
    return el('ul', { class: 'anomaly-list' }, r.items.map((a) => el('li', { 'data-anomaly': a.type },
      el('span', { class: `badge plain ${a.severity}`, text: t(`severity.${a.severity}`) }), ' ',
      el('time', { datetime: a.detected_at, text: formatDateTime(a.detected_at) }),
      el('div', { text: a.message }))));
  });
}

// ---------- SSL and domain expiry ----------
async function loadExpiry() {
  await section(byId('expiry'), async () => {
    const r = await call('get', '/projects/{id}/expiry', { params: { id: String(id) } });
    /** @param {typeof r.ssl} e */
    const show = (e) => (e
      ? [e.expires_at ? formatDateTime(e.expires_at) : '—', e.days_remaining !== null ? ` (${t('report.days_left', { n: e.days_remaining })})` : '', e.error_message ? el('div', { class: 'field-error', text: e.error_message }) : null]
      : t('report.not_checked'));
    return figures([[t('report.ssl_expiry'), show(r.ssl), 'ssl'], [t('report.domain_expiry'), show(r.domain), 'domain']]);
  });
}

// ---------- browser metrics over time ----------
const METRICS = /** @type {const} */ ([
  ['largest_contentful_paint', 'LCP', 'ms'],
  ['cumulative_layout_shift', 'CLS', ''],
  ['total_blocking_time', 'TBT', 'ms'],
  ['first_contentful_paint', 'FCP', 'ms'],
  ['time_to_first_byte', 'TTFB', 'ms'],
]);

async function loadBrowserMetrics() {
  await section(byId('browser-metrics'), async () => {
    const r = await call('get', '/projects/{id}/browser-checks', { params: { id: String(id) }, query: { size: 100 } });
    if (r.items.length === 0) return nothing('report.no_browser_checks');
    /** @param {Record<string, unknown>} m @param {string} key @param {string} unit */
    const value = (m, key, unit) => {
      const v = m[key];
      if (typeof v !== 'number') return '—';
      return unit === 'ms' ? formatMs(v) : String(Math.round(v * 1000) / 1000);
    };
    const table = createPagedTable({
      caption: t('report.browser'),
      pageSize: 20,
      rowKey: (/** @type {typeof r.items[number]} */ c) => c.id,
      empty: () => t('report.no_browser_checks'),
      columns: [
        { header: t('report.checked_at'), className: 'nowrap', cell: (c) => el('time', { datetime: c.checked_at, text: formatDateTime(c.checked_at) }) },
        ...METRICS.map(([key, label, unit]) => ({ header: label, className: 'num', cell: (/** @type {typeof r.items[number]} */ c) => value(c.metrics, key, unit) })),
        { header: t('col.status'), cell: (c) => (c.is_success ? t('report.ok') : el('span', { class: 'field-error', text: c.error_message ?? t('report.failed') })) },
      ],
    });
    table.setRows(r.items);
    return table.element;
  });
}

// ---------- journeys, their last runs and step screenshots ----------
/** @param {string} path @param {HTMLElement} box @param {string} alt */
async function showImage(path, box, alt) {
  try {
    const { blob } = await fetchBlob(path);
    box.replaceChildren(el('img', { class: 'shot', src: URL.createObjectURL(blob), alt }));
  } catch (err) {
    box.replaceChildren(el('p', { class: missing(err) ? 'subtle' : 'form-error', text: missing(err) ? t('report.no_screenshot') : messageOf(err) }));
  }
}

async function loadJourneys() {
  await section(byId('journeys'), async () => {
    const list = await call('get', '/projects/{id}/synthetic-tests', { params: { id: String(id) } });
    if (list.items.length === 0) return nothing('report.no_journeys');
    const details = await Promise.all(list.items.map((j) => call('get', '/projects/{id}/synthetic-tests/{test_id}', { params: { id: String(id), test_id: String(j.id) } })));
    return details.map((j) => {
      const run = j.recent_runs[0];
      return el('article', { class: 'journey', 'data-journey-id': j.id },
        el('h3', null, j.name, ' ', el('span', { class: `badge ${j.last_status === 'passed' ? 'up' : j.last_status ? 'down' : 'pending'}`, text: j.last_status ?? t('state.pending') })),
        run
          ? [
              el('p', { class: 'subtle', text: `${formatDateTime(run.started_at)} · ${formatMs(run.duration_ms)}${run.error_message ? ` · ${run.error_message}` : ''}` }),
              el('ol', { class: 'journey-steps' }, run.steps.map((s) => {
                const shot = el('div', { class: 'shot-box' });
                const button = s.screenshot_key
                  ? el('button', { type: 'button', class: 'btn small', 'data-action': 'step-screenshot', text: t('report.show_screenshot'), 'aria-label': t('report.step_screenshot', { n: s.index + 1 }) })
                  : null;
                button?.addEventListener('click', () => busy(button, () => showImage(
                  `/projects/${id}/synthetic-tests/${j.id}/runs/${run.id}/steps/${s.index}/screenshot`, shot, t('report.step_screenshot', { n: s.index + 1 }))));
                return el('li', { 'data-status': s.status },
                  el('span', { class: `badge plain ${s.status === 'passed' ? 'ok' : s.status === 'failed' ? 'critical' : ''}`, text: s.status }), ' ',
                  s.action, s.selector ? ` ${s.selector}` : '', ` · ${formatMs(s.duration_ms)}`,
                  s.error ? el('div', { class: 'field-error', text: s.error }) : null, button, shot);
              })),
            ]
          : nothing('report.no_runs'));
    });
  });
}

// ---------- check log by pages ----------
let logPage = 1;
async function loadLog() {
  await section(byId('check-log'), async () => {
    const r = await call('get', '/projects/{id}/logs', { params: { id: String(id) }, query: { page: logPage, size: 20 } });
    if (r.total === 0) return nothing('report.no_checks');
    const rows = r.items.map((c) => el('tr', { 'data-key': c.id },
      el('td', { class: 'nowrap' }, el('time', { datetime: c.checked_at, text: formatDateTime(c.checked_at) })),
      el('td', null, el('span', { class: `badge ${c.is_available ? 'up' : 'down'}`, text: t(c.is_available ? 'state.up' : 'state.down') })),
      el('td', { class: 'num', text: c.status_code === null ? '—' : String(c.status_code) }),
      el('td', { class: 'num', text: formatMs(c.response_time) }),
      el('td', { class: 'wrap', text: c.error_message ?? '' })));
    const prev = el('button', { type: 'button', class: 'btn small', 'data-page': 'prev', text: t('pager.prev'), disabled: logPage <= 1 });
    const next = el('button', { type: 'button', class: 'btn small', 'data-page': 'next', text: t('pager.next'), disabled: logPage >= r.pages });
    prev.addEventListener('click', () => { logPage -= 1; loadLog(); });
    next.addEventListener('click', () => { logPage += 1; loadLog(); });
    return [
      el('div', { class: 'table-wrap' }, el('table', { class: 'responsive' },
        el('caption', { class: 'visually-hidden', text: t('report.log') }),
        el('thead', null, el('tr', null, [t('report.checked_at'), t('col.status'), 'HTTP', t('col.response_time'), t('report.error')].map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', { id: 'log-body' }, rows))),
      el('div', { class: 'pager' }, prev, el('span', { id: 'log-page', text: t('report.page_of', { page: r.page, pages: r.pages, total: r.total }) }), next),
    ];
  });
}

// ---------- downloads ----------
/** @param {Blob} blob @param {string} name */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** @param {HTMLButtonElement} button @param {string} path @param {() => Record<string, unknown>} query @param {string} fallbackName */
function download(button, path, query, fallbackName) {
  const status = byId('download-status');
  button.addEventListener('click', () => busy(button, async () => {
    status.textContent = '';
    try {
      const { blob, filename } = await fetchBlob(path, query());
      save(blob, filename ?? fallbackName);
      status.textContent = t('report.downloaded', { name: filename ?? fallbackName });
    } catch (err) {
      status.textContent = missing(err) ? t('report.not_available') : messageOf(err);
    }
  }));
}

// ---------- start ----------
if (id === null) {
  byId('page-heading').textContent = t('report.no_project');
  for (const s of document.querySelectorAll('main section, main .grid-even')) if (s instanceof HTMLElement) s.hidden = true;
  pageReady();
} else {
  try {
    const p = await call('get', '/projects/{id}', { params: { id: String(id) } });
    byId('page-heading').textContent = t('report.heading_named', { title: p.title });
    document.title = `${t('report.heading_named', { title: p.title })} · Py_Monitor`;
    byId('project-url').textContent = p.url;
    byId('edit-link', HTMLAnchorElement).href = `project.html?id=${id}`;
    byId('edit-link').textContent = t(canEditProject(user, p) ? 'action.edit' : 'action.view');
  } catch (err) {
    byId('page-heading').textContent = missing(err) ? t('report.no_project') : messageOf(err);
  }
  download(byId('download-csv', HTMLButtonElement), `/projects/${id}/logs/export.csv`, () => ({ from: report?.period.from, to: report?.period.to }), `project-${id}-checks.csv`);
  download(byId('download-pdf', HTMLButtonElement), `/projects/${id}/reports/sla.pdf`, () => ({ period, target }), `project-${id}-sla.pdf`);
  const showShot = byId('show-screenshot', HTMLButtonElement);
  showShot.addEventListener('click', () => busy(showShot, () => showImage(`/projects/${id}/screenshot`, byId('screenshot'), t('report.screenshot'))));
  byId('sla-form', HTMLFormElement).addEventListener('submit', async (e) => {
    e.preventDefault();
    const p = byId('period', HTMLSelectElement).value;
    if (p === '24h' || p === '7d' || p === '30d' || p === '90d') period = p;
    const tv = Number(byId('target', HTMLInputElement).value);
    if (Number.isFinite(tv) && tv > 0 && tv <= 100) target = tv;
    await Promise.all([loadSla().then(loadAnomalies), loadCharts()]);
  });
  await loadSla();
  await Promise.all([loadCharts(), loadIncidents(), loadAnomalies(), loadExpiry(), loadBrowserMetrics(), loadJourneys(), loadLog()]);
  pageReady();
}
