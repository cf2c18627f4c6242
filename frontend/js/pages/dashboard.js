// @ts-check
// index.html: the chart of all projects over 24h/7d/30d, the stat cards, every project with its live
// state and 24 h uptime (computed on the server from the rollups), unread alerts, live updates over the
// WebSocket. Loads in a fixed number of requests whatever the number of projects (the lean dashboard list
// by pages of 500, the stats, the chart), and renders one page of the table at a time.
import { createPagedTable } from '../components/paged-table.js';
import { createSparkline } from '../components/sparkline.js';
import { createTimeSeriesChart } from '../components/time-series-chart.js';
import { call } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { formatDateTime, formatMs, formatPercent, formatRelative } from '../lib/format.js';
import { busy } from '../lib/forms.js';
import { t } from '../lib/i18n.js';
import { connectLive } from '../lib/live.js';
import { canCreateProject, canEditProject } from '../lib/roles.js';
import { pageReady, startPage, takeFlash, toast } from '../lib/shell.js';
import { getToken } from '../lib/storage.js';

/** @typedef {import('../types/app').DashboardProject} Project */
/** @typedef {import('../types/app').Alert} Alert */
/** @typedef {import('../types/app').DashboardChart} DashboardChart */
/** @typedef {import('../components/sparkline.js').SparkPoint} SparkPoint */
/** @typedef {{ project: Project, recent: SparkPoint[] }} Entry */

const TREND_POINTS = 50;
const PAGE_SIZE = 50;

// The project data do not depend on the user's settings: ask for them while the page starts.
const projectData = getToken() ? loadProjectData() : null;
projectData?.catch(() => {});
const { user } = await startPage({ active: 'index.html' });

/** @type {Map<number, Entry>} */
const entries = new Map();
let filterText = '';
/** @type {'24h' | '7d' | '30d'} */
let period = '24h';

// ---------- state of one project ----------
/** @param {Entry} entry @returns {'maintenance' | 'pending' | 'down' | 'failing' | 'up'} */
function stateOf(entry) {
  const st = entry.project;
  if (st.maintenance_mode) return 'maintenance';
  const lr = st.last_result;
  if (!lr) return 'pending';
  if (st.is_down) return 'down';
  if (lr.is_available === false) return 'failing';
  return 'up';
}

/** @param {Entry} entry */
function trendCell(entry) {
  const pts = entry.recent;
  if (pts.length === 0) return el('span', { class: 'subtle', text: t('dashboard.no_data') });
  const values = pts.flatMap((p) => (p.ok && p.value !== null ? [p.value] : []));
  const label = values.length
    ? t('dashboard.trend_label', { n: pts.length, min: Math.round(Math.min(...values)), max: Math.round(Math.max(...values)) })
    : t('dashboard.no_data');
  return createSparkline(pts, { label });
}

/** @param {Entry} entry */
function titleCell(entry) {
  const p = entry.project;
  const lr = p.last_result;
  return el('div', { class: 'cell-title-inner' },
    el('div', { class: 'project-title' }, el('a', { href: `report.html?id=${encodeURIComponent(p.id)}`, 'data-action': 'report', text: p.title })),
    el('div', { class: 'subtle', text: p.url }),
    lr && lr.is_available === false && lr.error_message ? el('div', { class: 'field-error', text: lr.error_message }) : null,
    p.maintenance_mode && p.maintenance_message ? el('div', { class: 'subtle', text: p.maintenance_message }) : null,
    p.tags.length ? el('div', null, p.tags.map((tag) => el('span', { class: 'tag', text: tag }))) : null);
}

/** @param {Entry} entry */
function actionCell(entry) {
  const p = entry.project;
  const edit = canEditProject(user, p);
  return el('a', {
    class: 'btn small', href: `project.html?id=${encodeURIComponent(p.id)}`, 'data-action': edit ? 'edit' : 'view',
    'aria-label': t(edit ? 'action.edit_named' : 'action.view_named', { name: p.title }), text: t(edit ? 'action.edit' : 'action.view'),
  });
}

const table = createPagedTable({
  caption: t('dashboard.projects'),
  bodyId: 'projects-body',
  pageSize: PAGE_SIZE,
  rowKey: (/** @type {Entry} */ e) => e.project.id,
  empty: () => (entries.size === 0
    ? [t('dashboard.empty'), ' ', canCreateProject(user?.role) ? el('a', { href: 'project.html', text: t('nav.add_project') }) : null]
    : t('dashboard.no_match')),
  columns: [
    { header: t('col.status'), cell: (e) => el('div', { class: 'badges' },
      el('span', { class: `badge ${stateOf(e)}`, text: t(`state.${stateOf(e)}`) }),
      !e.project.is_running ? el('span', { class: 'badge paused plain', text: t('state.paused') }) : null) },
    { header: t('col.project'), className: 'cell-title', cell: titleCell },
    { header: t('col.uptime_24h'), className: 'num', cell: (e) => el('span', { 'data-uptime': e.project.uptime_24h ?? '', text: formatPercent(e.project.uptime_24h) }) },
    { header: t('col.response_time'), className: 'num', cell: (e) => {
      const lr = e.project.last_result;
      return el('div', null, lr ? formatMs(lr.response_time) : '—', lr?.status_code ? el('div', { class: 'subtle', text: `HTTP ${lr.status_code}` }) : null);
    } },
    { header: t('col.trend'), cell: trendCell },
    { header: t('col.last_check'), className: 'nowrap', cell: (e) => {
      const lr = e.project.last_result;
      return lr ? el('time', { datetime: lr.checked_at, title: formatDateTime(lr.checked_at), text: formatRelative(lr.checked_at) }) : '—';
    } },
    { header: t('col.actions'), hiddenHeader: true, cell: actionCell },
  ],
});
byId('projects-table').replaceChildren(table.element);

/** @param {Entry} entry */
function matches(entry) {
  if (!filterText) return true;
  const p = entry.project;
  return [p.title, p.url, p.category ?? '', ...p.tags].join(' ').toLowerCase().includes(filterText);
}

function renderTable() {
  table.setRows([...entries.values()].filter(matches));
}

// ---------- stat cards: GET /dashboard/stats (cached 30 s on the server) ----------
/** @param {import('../types/app').DashboardStats} st */
function renderStats(st) {
  byId('stat-total').textContent = String(st.totals.projects);
  byId('stat-up').textContent = String(st.totals.up);
  byId('stat-down').textContent = String(st.totals.down);
  byId('stat-maintenance').textContent = String(st.totals.maintenance);
  byId('stat-paused').textContent = String(st.totals.paused);
  byId('stat-uptime').textContent = formatPercent(st.uptime_24h);
  byId('stat-response').textContent = formatMs(st.avg_response_time_24h);
  byId('stat-incidents').textContent = String(st.open_incidents);
}

async function loadStats() {
  try {
    renderStats(await call('get', '/dashboard/stats'));
  } catch {
    /* the cards keep their last figures; the next refresh tries again */
  }
}

// ---------- loading ----------
/** Every project as a lean dashboard row, by pages of 500: the first tells how many more, which load together. */
async function allProjects() {
  const first = await call('get', '/dashboard/projects', { query: { page: 1, size: 500 } });
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, first.pages - 1) }, (_, i) => call('get', '/dashboard/projects', { query: { page: i + 2, size: 500 } })),
  );
  return [first, ...rest].flatMap((p) => p.items);
}

function loadProjectData() {
  return allProjects();
}

/** @param {Project[]} projects */
function applyProjects(projects) {
  const seen = new Set();
  for (const p of projects) {
    seen.add(p.id);
    const old = entries.get(p.id);
    if (old) old.project = p;
    else entries.set(p.id, { project: p, recent: p.last_result ? [{ value: p.last_result.response_time, ok: p.last_result.is_available !== false }] : [] });
  }
  for (const id of [...entries.keys()]) if (!seen.has(id)) entries.delete(id);
}

async function loadProjects() {
  const errBox = byId('projects-error');
  errBox.replaceChildren();
  try {
    applyProjects(await (projectData ?? loadProjectData()));
    renderTable();
  } catch (err) {
    errBox.replaceChildren(el('strong', { text: t('error.load_projects') }), ' ', err instanceof Error ? err.message : String(err));
  }
}

// The authoritative state (is_down follows alert_threshold on the server), uptime and stats, at most
// every few seconds however many pushes arrive.
/** @type {ReturnType<typeof setTimeout> | undefined} */
let refreshTimer;
function refreshStatesSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = undefined;
    try {
      applyProjects(await allProjects());
      renderTable();
    } catch {
      /* the next push or the minute timer brings it */
    }
    await loadStats();
  }, 5000);
}

// ---------- chart of all projects: GET /charts/dashboard?period= ----------
/** @type {ReturnType<typeof createTimeSeriesChart> | null} */
let availabilityChart = null;
/** @type {ReturnType<typeof createTimeSeriesChart> | null} */
let responseChart = null;

/** @param {DashboardChart} c */
function drawChart(c) {
  // Columnar: the bucket starts once, one array per figure.
  const availability = { kind: /** @type {const} */ ('availability'), points: c.buckets.map((t, i) => ({ time: t, availability: c.overall.availability[i] ?? null })) };
  const response = { kind: /** @type {const} */ ('response-time'), points: c.buckets.map((t, i) => ({ time: t, avg: c.overall.avg_response_time[i] ?? null, p95: null })) };
  const box = byId('dashboard-chart');
  box.dataset['period'] = period;
  box.dataset['points'] = String(c.buckets.length);
  if (!availabilityChart || !responseChart) {
    box.replaceChildren();
    const a = el('div', { class: 'chart-box', id: 'chart-availability' });
    const r = el('div', { class: 'chart-box', id: 'chart-response' });
    box.append(el('h3', { text: t('chart.availability') }), a, el('h3', { text: t('chart.avg_response') }), r);
    availabilityChart = createTimeSeriesChart(a, availability, { label: t('dashboard.chart_availability'), height: 160 });
    responseChart = createTimeSeriesChart(r, response, { label: t('dashboard.chart_response'), height: 160 });
  } else {
    availabilityChart.setData(availability);
    responseChart.setData(response);
  }
}

async function loadChart() {
  const err = byId('chart-error');
  err.replaceChildren();
  try {
    drawChart(await call('get', '/charts/dashboard', { query: { period, per_project: 'false' } }));
  } catch (e) {
    err.replaceChildren(el('span', { text: e instanceof Error ? e.message : String(e) }));
  }
}

function setupPeriods() {
  const buttons = [...document.querySelectorAll('#period-switch button[data-period]')];
  for (const b of buttons) {
    if (!(b instanceof HTMLButtonElement)) continue;
    b.addEventListener('click', async () => {
      const next = b.dataset['period'];
      if (next !== '24h' && next !== '7d' && next !== '30d') return;
      period = next;
      for (const o of buttons) o.setAttribute('aria-pressed', String(o === b));
      await loadChart();
    });
  }
}

// ---------- alerts ----------
async function loadAlerts() {
  const list = byId('alert-list');
  const count = byId('unread-count');
  try {
    const r = await call('get', '/alerts/unread', { query: { size: 20 } });
    count.textContent = String(r.total);
    count.classList.toggle('zero', r.total === 0);
    count.setAttribute('aria-label', t('alerts.unread_count', { n: r.total }));
    byId('read-all', HTMLButtonElement).disabled = r.total === 0;
    list.replaceChildren(...(r.items.length ? r.items.map(alertItem) : [el('li', { class: 'empty', text: t('alerts.none') })]));
  } catch (err) {
    list.replaceChildren(el('li', { class: 'form-error', text: err instanceof Error ? err.message : String(err) }));
  }
}

/** @param {Alert} a */
function alertItem(a) {
  const markRead = el('button', { type: 'button', class: 'btn small', text: t('alerts.mark_read'), 'aria-label': t('alerts.mark_read_named', { title: a.title }) });
  markRead.addEventListener('click', () => busy(markRead, async () => {
    try {
      await call('patch', '/alerts/{id}', { params: { id: a.id }, body: { is_read: true } });
      await loadAlerts();
    } catch (err) {
      toast(t('error.generic'), err instanceof Error ? err.message : String(err), 'critical');
    }
  }));
  const project = a.project_id !== null ? entries.get(a.project_id) : undefined;
  return el('li', { class: 'alert-item', 'data-alert-id': a.id },
    el('div', { class: 'title', text: a.title }),
    markRead,
    a.message ? el('div', { class: 'message', text: a.message }) : null,
    el('div', { class: 'meta' },
      el('span', { class: `badge plain ${a.severity}`, text: t(`severity.${a.severity}`) }),
      project ? el('a', { href: `project.html?id=${a.project_id}`, text: project.project.title }) : null,
      el('time', { datetime: a.created_at, title: formatDateTime(a.created_at), text: formatRelative(a.created_at) })));
}

// ---------- deleted projects (admins) ----------
async function loadDeleted() {
  const card = byId('deleted-card');
  if (user?.role !== 'admin') return;
  const list = byId('deleted-list');
  try {
    const r = await call('get', '/projects/deleted', { query: { size: 100 } });
    card.hidden = false;
    list.replaceChildren(...(r.items.length ? r.items.map(deletedItem) : [el('li', { class: 'empty', text: t('deleted.none') })]));
  } catch (err) {
    card.hidden = false;
    list.replaceChildren(el('li', { class: 'form-error', text: err instanceof Error ? err.message : String(err) }));
  }
}

/** @param {import('../types/app').DeletedProject} p */
function deletedItem(p) {
  const restore = el('button', { type: 'button', class: 'btn small', 'data-action': 'restore', text: t('deleted.restore'), 'aria-label': t('deleted.restore_named', { name: p.title }) });
  restore.addEventListener('click', () => busy(restore, async () => {
    try {
      await call('post', '/projects/{id}/restore', { params: { id: p.id } });
      toast(t('deleted.restored', { name: p.title }), null, 'ok');
      const projects = await allProjects();
      applyProjects(projects);
      renderTable();
      refreshStatesSoon();
      await loadDeleted();
    } catch (err) {
      toast(t('error.generic'), err instanceof Error ? err.message : String(err), 'critical');
    }
  }));
  return el('li', { class: 'deleted-item', 'data-project-id': p.id },
    el('div', null, el('div', { class: 'project-title', text: p.title }), el('div', { class: 'subtle', text: p.url })),
    p.deleted_at ? el('time', { class: 'subtle', datetime: p.deleted_at, text: t('deleted.at', { when: formatDateTime(p.deleted_at) }) }) : null,
    restore);
}

// ---------- live ----------
/** @param {boolean} on */
function setLive(on) {
  const live = byId('live');
  live.className = `live ${on ? 'on' : 'off'}`;
  live.textContent = t(on ? 'live.on' : 'live.off');
}

/** @param {import('../lib/live.js').StatusMessage} m */
function onStatus(m) {
  const entry = entries.get(m.project_id);
  if (!entry) return;
  const p = entry.project;
  p.last_result = { checked_at: m.checked_at, is_available: m.is_available, status_code: m.status_code, response_time: m.response_time, error_message: m.error_message };
  if (m.is_available) {
    p.is_down = false;
    p.consecutive_failures = 0;
  } else p.consecutive_failures += 1;
  entry.recent = [...entry.recent, { value: m.response_time, ok: m.is_available }].slice(-TREND_POINTS);
  table.update(m.project_id);
  refreshStatesSoon();
}

/** @param {import('../lib/live.js').AlertMessage} m */
function onAlert(m) {
  const kind = m.severity === 'critical' ? 'critical' : m.severity === 'warning' ? 'warning' : m.alert_type === 'recovery' ? 'ok' : 'info';
  toast(m.title || t('alerts.new'), m.message || '', kind);
  loadAlerts();
  if (m.project_id) refreshStatesSoon();
}

// ---------- start ----------
byId('add-project').hidden = !canCreateProject(user?.role);
const flashed = takeFlash();
if (flashed) toast(flashed, null, 'ok');
setLive(false);
byId('filter', HTMLInputElement).addEventListener('input', (e) => {
  filterText = e.target instanceof HTMLInputElement ? e.target.value.trim().toLowerCase() : '';
  renderTable();
});
const readAll = byId('read-all', HTMLButtonElement);
readAll.addEventListener('click', () => busy(readAll, async () => {
  try {
    await call('post', '/alerts/read-all');
  } catch (err) {
    toast(t('error.generic'), err instanceof Error ? err.message : String(err), 'critical');
  }
  await loadAlerts();
}));
setupPeriods();
// The table, cards and alerts make the page usable; the chart (the heaviest query: every project's
// buckets) draws when it arrives, without holding the rest back.
const chartDrawn = loadChart().then(() => performance.mark('pm-chart'));
await Promise.all([loadProjects(), loadAlerts(), loadDeleted(), loadStats()]);
pageReady();
await chartDrawn;
if (user) {
  connectLive({ userId: user.id, token: getToken, projectIds: () => entries.keys(), onStatus, onAlert, onState: setLive });
}
// Relative times, uptime, stats and the chart go stale; refresh them quietly.
setInterval(async () => {
  try {
    applyProjects(await allProjects());
  } catch {
    /* keep the last */
  }
  renderTable();
  await Promise.all([loadStats(), loadChart()]);
}, 60_000);
