// Dashboard (spec 14 index.html): projects with live status, response-time trend, unread alerts.
(function () {
  'use strict';
  const { el, svg, request } = PM;
  const t = (k, v) => PM.i18n.t(k, v);
  const LOG_POINTS = 50;

  /** id -> { project, status, logs } */
  const rows = new Map();
  let socket = null;
  let me = null;
  let filterText = '';

  // ---------- status of one project ----------
  function stateOf(entry) {
    const st = entry.status;
    if (entry.project.maintenance_mode || (st && st.maintenance_mode)) return 'maintenance';
    const lr = st && st.last_result;
    if (!lr) return 'pending';
    if (st.is_down) return 'down';
    if (lr.is_available === false) return 'failing';
    return 'up';
  }

  function uptimeOf(logs) {
    if (!logs || logs.length === 0) return null;
    const up = logs.filter((l) => l.is_available).length;
    return (up / logs.length) * 100;
  }

  /** Inline SVG of response times, oldest left; failed checks are red dots on the baseline. */
  function sparkline(logs) {
    const W = 120, H = 32, P = 2;
    const points = (logs || []).slice(0, LOG_POINTS).reverse();
    const times = points.map((l) => (typeof l.response_time === 'number' ? l.response_time : null));
    const values = times.filter((v) => v !== null);
    if (points.length === 0) return el('span', { class: 'subtle', text: t('dashboard.no_data') });
    const max = Math.max(...values, 1);
    const min = values.length ? Math.min(...values) : 0;
    const step = points.length > 1 ? (W - 2 * P) / (points.length - 1) : 0;
    const y = (v) => H - P - ((v - Math.min(min, max * 0.5)) / Math.max(max - Math.min(min, max * 0.5), 1)) * (H - 2 * P);
    const root = svg('svg', {
      class: 'sparkline', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img',
      'aria-label': values.length
        ? t('dashboard.trend_label', { n: points.length, min: Math.round(min), max: Math.round(max) })
        : t('dashboard.no_data'),
    });
    const coords = [];
    points.forEach((l, i) => {
      const x = points.length > 1 ? P + i * step : W / 2;
      if (l.is_available && typeof l.response_time === 'number') coords.push([x, y(l.response_time)]);
    });
    if (coords.length > 1) {
      const d = coords.map(([x, yy]) => `${x.toFixed(1)},${yy.toFixed(1)}`).join(' ');
      root.append(svg('polygon', { class: 'area', points: `${coords[0][0].toFixed(1)},${H - P} ${d} ${coords[coords.length - 1][0].toFixed(1)},${H - P}` }));
      root.append(svg('polyline', { class: 'line', points: d }));
    } else if (coords.length === 1) {
      root.append(svg('circle', { class: 'line', cx: coords[0][0], cy: coords[0][1], r: 2 }));
    }
    points.forEach((l, i) => {
      if (!l.is_available) root.append(svg('circle', { class: 'fail', cx: points.length > 1 ? P + i * step : W / 2, cy: H - P - 1, r: 2.2 }));
    });
    return root;
  }

  function statusBadge(state) {
    return el('span', { class: `badge ${state}`, text: t(`state.${state}`) });
  }

  function renderRow(entry) {
    const p = entry.project;
    const st = entry.status;
    const lr = st && st.last_result;
    const state = stateOf(entry);
    const up = uptimeOf(entry.logs);
    const badges = el('div', { class: 'badges' }, statusBadge(state),
      st && !st.is_running ? el('span', { class: 'badge paused plain', text: t('state.paused') }) : null);
    const titleCell = el('td', { class: 'cell-title', 'data-label': t('col.project') },
      el('div', { class: 'project-title' }, el('a', { href: `project.html?id=${encodeURIComponent(p.id)}`, text: p.title })),
      el('div', { class: 'subtle', text: p.url }),
      lr && lr.is_available === false && lr.error_message ? el('div', { class: 'field-error', text: lr.error_message }) : null,
      p.maintenance_mode && p.maintenance_message ? el('div', { class: 'subtle', text: p.maintenance_message }) : null,
      p.tags && p.tags.length ? el('div', null, p.tags.map((tag) => el('span', { class: 'tag', text: tag }))) : null);
    const tr = el('tr', { 'data-project-id': p.id },
      el('td', { 'data-label': t('col.status') }, badges),
      titleCell,
      el('td', { class: 'num', 'data-label': t('col.response_time') }, el('div', null,
        lr ? PM.fmtMs(lr.response_time) : '—',
        lr && lr.status_code ? el('div', { class: 'subtle', text: `HTTP ${lr.status_code}` }) : null)),
      el('td', { class: 'num', 'data-label': t('col.uptime') }, up === null ? '—' : `${Number.isInteger(up) ? up : up.toFixed(2)}%`),
      el('td', { 'data-label': t('col.trend') }, sparkline(entry.logs)),
      el('td', { class: 'nowrap', 'data-label': t('col.last_check') },
        lr ? el('time', { datetime: lr.checked_at, title: PM.fmtDate(lr.checked_at), text: PM.fmtRelative(lr.checked_at) }) : '—'),
      el('td', { 'data-label': t('col.actions') },
        el('a', { class: 'btn small', href: `project.html?id=${encodeURIComponent(p.id)}`, 'aria-label': t('action.edit_named', { name: p.title }), text: t('action.edit') })));
    return tr;
  }

  function matches(entry) {
    if (!filterText) return true;
    const p = entry.project;
    const hay = [p.title, p.url, p.category || '', ...(p.tags || [])].join(' ').toLowerCase();
    return hay.includes(filterText);
  }

  function renderTable() {
    const body = document.getElementById('projects-body');
    const list = [...rows.values()].filter(matches);
    if (rows.size === 0) {
      body.replaceChildren(el('tr', null, el('td', { colspan: 7, class: 'empty' },
        t('dashboard.empty'), ' ', el('a', { href: 'project.html', text: t('nav.add_project') }))));
    } else if (list.length === 0) {
      body.replaceChildren(el('tr', null, el('td', { colspan: 7, class: 'empty', text: t('dashboard.no_match') })));
    } else {
      body.replaceChildren(...list.map(renderRow));
    }
    renderStats();
  }

  function updateRow(id) {
    const entry = rows.get(id);
    if (!entry) return;
    const old = document.querySelector(`tr[data-project-id="${id}"]`);
    if (old && matches(entry)) old.replaceWith(renderRow(entry));
    renderStats();
  }

  let scheduler = null;
  function renderStats() {
    const states = [...rows.values()].map(stateOf);
    document.getElementById('stat-total').textContent = String(rows.size);
    document.getElementById('stat-up').textContent = String(states.filter((s) => s === 'up').length);
    document.getElementById('stat-down').textContent = String(states.filter((s) => s === 'down' || s === 'failing').length);
    document.getElementById('stat-maintenance').textContent = String(states.filter((s) => s === 'maintenance').length);
    document.getElementById('stat-scheduler').textContent = scheduler
      ? `${scheduler.is_running ? t('scheduler.running') : t('scheduler.stopped')} ${scheduler.running_projects}/${scheduler.total_projects}`
      : '—';
  }

  // ---------- loading ----------
  async function allProjects() {
    const out = [];
    for (let page = 1; page <= 20; page++) {
      const r = await request('/projects', { query: { page, size: 100 } });
      out.push(...r.items);
      if (page >= r.pages) break;
    }
    return out;
  }

  /** Runs `fn` over items, `limit` at a time. */
  async function eachLimited(items, limit, fn) {
    let i = 0;
    const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) {
        const item = items[i++];
        await fn(item);
      }
    });
    await Promise.all(workers);
  }

  async function loadProjects() {
    const errBox = document.getElementById('projects-error');
    errBox.replaceChildren();
    try {
      const [projects, sched] = await Promise.all([allProjects(), request('/scheduler/status').catch(() => null)]);
      scheduler = sched;
      const byId = new Map((sched ? sched.projects : []).map((s) => [s.project_id, s]));
      rows.clear();
      for (const p of projects) rows.set(p.id, { project: p, status: byId.get(p.id) || null, logs: [] });
      renderTable();
      await eachLimited(projects, 6, async (p) => {
        const entry = rows.get(p.id);
        const [status, logs] = await Promise.all([
          request(`/projects/${p.id}/status`).catch(() => entry.status),
          request(`/projects/${p.id}/logs`, { query: { size: LOG_POINTS } }).then((r) => r.items).catch(() => []),
        ]);
        entry.status = status;
        entry.logs = logs.filter((l) => l.kind === 'http' || !l.kind);
        updateRow(p.id);
      });
      subscribeAll();
    } catch (err) {
      errBox.replaceChildren(el('strong', { text: t('error.load_projects') }), ' ', err.message || String(err));
    }
  }

  async function refreshStatus(id) {
    const entry = rows.get(id);
    if (!entry) return;
    try {
      entry.status = await request(`/projects/${id}/status`);
      updateRow(id);
    } catch { /* the next push or reload brings it */ }
  }

  // ---------- alerts ----------
  async function loadAlerts() {
    const list = document.getElementById('alert-list');
    const count = document.getElementById('unread-count');
    try {
      const r = await request('/alerts/unread', { query: { size: 20 } });
      count.textContent = String(r.total);
      count.classList.toggle('zero', r.total === 0);
      count.setAttribute('aria-label', t('alerts.unread_count', { n: r.total }));
      document.getElementById('read-all').disabled = r.total === 0;
      if (r.items.length === 0) {
        list.replaceChildren(el('li', { class: 'empty', text: t('alerts.none') }));
        return;
      }
      list.replaceChildren(...r.items.map(alertItem));
    } catch (err) {
      list.replaceChildren(el('li', { class: 'form-error', text: err.message || String(err) }));
    }
  }

  function alertItem(a) {
    const markRead = el('button', { type: 'button', class: 'btn small', text: t('alerts.mark_read'), 'aria-label': t('alerts.mark_read_named', { title: a.title }) });
    markRead.addEventListener('click', () => PM.busy(markRead, async () => {
      try {
        await request(`/alerts/${a.id}`, { method: 'PATCH', body: { is_read: true } });
        await loadAlerts();
      } catch (err) {
        PM.toast(t('error.generic'), err.message, 'critical');
      }
    }));
    const project = a.project_id !== null && rows.get(a.project_id);
    return el('li', { class: 'alert-item', 'data-alert-id': a.id },
      el('div', { class: 'title', text: a.title }),
      markRead,
      a.message ? el('div', { class: 'message', text: a.message }) : null,
      el('div', { class: 'meta' },
        el('span', { class: `badge plain ${a.severity}`, text: t(`severity.${a.severity}`) }),
        project ? el('a', { href: `project.html?id=${a.project_id}`, text: project.project.title }) : null,
        el('time', { datetime: a.created_at, title: PM.fmtDate(a.created_at), text: PM.fmtRelative(a.created_at) })));
  }

  // ---------- WebSocket ----------
  async function wsUrl(userId, token) {
    // On AWS the WebSocket API has its own host, published in /frontend/config.json.
    try {
      const r = await fetch('../config.json', { cache: 'no-store' });
      if (r.ok) {
        const c = await r.json();
        if (c && typeof c.wsUrl === 'string' && /^wss?:\/\//.test(c.wsUrl)) {
          const u = new URL(c.wsUrl);
          u.searchParams.set('user_id', String(userId));
          u.searchParams.set('token', token);
          return u.toString();
        }
      }
    } catch { /* local: same origin */ }
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/ws/${encodeURIComponent(userId)}?token=${encodeURIComponent(token)}`;
  }

  function setLive(on) {
    const live = document.getElementById('live');
    live.className = `live ${on ? 'on' : 'off'}`;
    live.textContent = t(on ? 'live.on' : 'live.off');
  }

  function subscribeAll() {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    for (const id of rows.keys()) socket.send(JSON.stringify({ type: 'subscribe', project_id: id }));
  }

  let retry = 0;
  let pingTimer = null;
  async function connect() {
    const token = PM.getToken();
    if (!token || !me) return;
    const url = await wsUrl(me.id, token);
    let ws;
    try { ws = new WebSocket(url); } catch { scheduleReconnect(); return; }
    socket = ws;
    ws.addEventListener('open', () => {
      retry = 0;
      setLive(true);
      subscribeAll();
      clearInterval(pingTimer);
      pingTimer = setInterval(() => { if (ws.readyState === WebSocket.OPEN) ws.send('{"type":"ping"}'); }, 25000);
    });
    ws.addEventListener('message', (ev) => {
      let m;
      try { m = JSON.parse(ev.data); } catch { return; }
      if (m && m.type === 'status') onStatus(m);
      else if (m && m.type === 'alert') onAlert(m);
    });
    ws.addEventListener('close', () => {
      clearInterval(pingTimer);
      setLive(false);
      if (socket === ws) socket = null;
      scheduleReconnect();
    });
  }
  function scheduleReconnect() {
    const delay = Math.min(30000, 1000 * 2 ** retry++);
    setTimeout(connect, delay);
  }

  const pendingRefresh = new Map();
  function onStatus(m) {
    const entry = rows.get(m.project_id);
    if (!entry) return;
    const st = entry.status || { project_id: m.project_id, is_running: true, is_down: false, consecutive_failures: 0, maintenance_mode: false };
    st.last_result = {
      checked_at: m.checked_at,
      is_available: m.is_available,
      status_code: m.status_code,
      response_time: m.response_time,
      error_message: m.error_message,
    };
    if (m.is_available) { st.is_down = false; st.consecutive_failures = 0; } else st.consecutive_failures = (st.consecutive_failures || 0) + 1;
    entry.status = st;
    entry.logs = [{ kind: 'http', checked_at: m.checked_at, is_available: m.is_available, response_time: m.response_time, status_code: m.status_code }, ...entry.logs].slice(0, LOG_POINTS);
    updateRow(m.project_id);
    // is_down follows alert_threshold on the server; ask for the authoritative state shortly after.
    clearTimeout(pendingRefresh.get(m.project_id));
    pendingRefresh.set(m.project_id, setTimeout(() => refreshStatus(m.project_id), 1500));
  }

  function onAlert(m) {
    const kind = m.severity === 'critical' ? 'critical' : m.severity === 'warning' ? 'warning' : m.alert_type === 'recovery' ? 'ok' : 'info';
    PM.toast(m.title || t('alerts.new'), m.message || '', kind);
    loadAlerts();
    if (m.project_id) refreshStatus(m.project_id);
  }

  // ---------- start ----------
  async function start() {
    if (!PM.requireAuth()) return;
    PM.i18n.apply();
    PM.renderHeader('index.html');
    const flash = PM.takeFlash();
    if (flash) PM.toast(flash, null, 'ok');
    try {
      me = await PM.me();
      await PM.loadSettings();
    } catch (err) {
      if (err.status === 401) return;
    }
    PM.i18n.apply();
    PM.renderHeader('index.html');
    if (me && !PM.canEdit(me.role)) document.getElementById('add-project').hidden = true;
    setLive(false);
    document.getElementById('filter').addEventListener('input', (e) => {
      filterText = e.target.value.trim().toLowerCase();
      renderTable();
    });
    document.getElementById('read-all').addEventListener('click', (e) => PM.busy(e.currentTarget, async () => {
      try {
        await request('/alerts/read-all', { method: 'POST' });
      } catch (err) {
        PM.toast(t('error.generic'), err.message, 'critical');
      }
      await loadAlerts();
    }));
    await Promise.all([loadProjects(), loadAlerts()]);
    connect();
    // Relative times and the scheduler summary go stale; refresh them quietly.
    setInterval(async () => {
      try { scheduler = await request('/scheduler/status'); } catch { /* keep the last */ }
      renderTable();
    }, 60000);
  }

  start();
})();
