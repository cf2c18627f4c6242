// project.html: add or edit a project (spec 3.1), its monitoring settings (spec 5), content change (4.12),
// keywords (4.13) and maintenance mode (3.3). `?id=` edits.
(function () {
  'use strict';
  const t = (k, v) => PM.i18n.t(k, v);
  const form = document.getElementById('project-form');
  const rawId = new URLSearchParams(location.search).get('id');
  let id = rawId && /^[1-9]\d{0,9}$/.test(rawId) ? rawId : null;
  let loaded = null;

  const text = (name) => form.elements[name].value.trim();
  const orNull = (name) => text(name) || null;
  const checked = (name) => form.elements[name].checked;
  /** A number input: its number, or `fallback` when empty (the API then applies its default). */
  function num(name, fallback) {
    const v = text(name);
    if (v === '') return fallback;
    const n = Number(v);
    return Number.isFinite(n) ? n : v; // a non-number goes through so the API names the field
  }

  function projectBody() {
    const body = {
      title: text('title'),
      url: text('url'),
      host_name: orNull('host_name'),
      ip_address: orNull('ip_address'),
      description: orNull('description'),
      time_limit: num('time_limit', null),
      is_public: checked('is_public'),
      category: orNull('category'),
      tags: text('tags'),
      custom_headers: text('custom_headers') || {},
      content_change_detection: checked('content_change_detection'),
      content_selector: orNull('content_selector'),
      keyword_monitoring: checked('keyword_monitoring'),
      keywords: form.elements.keywords.value.split('\n').map((s) => s.trim()).filter(Boolean),
      keyword_alert_on_found: form.querySelector('input[name="keyword_alert_on_found"]:checked').value === 'true',
    };
    const interval = num('status_interval', undefined);
    if (interval !== undefined) body.status_interval = interval;
    return body;
  }

  function settingsBody(project) {
    const body = {
      // One stored value with the project's status_interval (README): keep them equal.
      check_interval: project.status_interval,
      is_alert_enabled: checked('is_alert_enabled'),
      alert_email: orNull('alert_email'),
      webhook_url: orNull('webhook_url'),
    };
    for (const name of ['timeout', 'retry_count', 'alert_threshold', 'ssl_warning_days', 'domain_warning_days']) {
      const v = num(name, undefined);
      if (v !== undefined) body[name] = v;
    }
    return body;
  }

  function toLocalInput(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function maintenanceBody() {
    const ends = text('maintenance_ends_at');
    let endsIso = null;
    if (ends) {
      const d = new Date(ends);
      endsIso = Number.isNaN(d.getTime()) ? ends : d.toISOString();
    }
    return { maintenance_mode: checked('maintenance_mode'), maintenance_message: orNull('maintenance_message'), maintenance_ends_at: endsIso };
  }

  function fill(p, s) {
    const set = (name, v) => { form.elements[name].value = v === null || v === undefined ? '' : String(v); };
    for (const name of ['title', 'url', 'host_name', 'ip_address', 'description', 'status_interval', 'time_limit', 'category', 'content_selector', 'maintenance_message']) set(name, p[name]);
    set('tags', (p.tags || []).join(', '));
    set('custom_headers', p.custom_headers && Object.keys(p.custom_headers).length ? JSON.stringify(p.custom_headers, null, 2) : '');
    set('keywords', (p.keywords || []).join('\n'));
    form.elements.is_public.checked = p.is_public;
    form.elements.content_change_detection.checked = p.content_change_detection;
    form.elements.keyword_monitoring.checked = p.keyword_monitoring;
    form.querySelector(`input[name="keyword_alert_on_found"][value="${p.keyword_alert_on_found ? 'true' : 'false'}"]`).checked = true;
    form.elements.maintenance_mode.checked = p.maintenance_mode;
    set('maintenance_ends_at', toLocalInput(p.maintenance_ends_at));
    if (s) {
      for (const name of ['timeout', 'retry_count', 'alert_threshold', 'alert_email', 'webhook_url', 'ssl_warning_days', 'domain_warning_days']) set(name, s[name]);
      form.elements.is_alert_enabled.checked = s.is_alert_enabled;
      if (s.webhook_secret) {
        document.getElementById('webhook_secret').textContent = s.webhook_secret;
        document.getElementById('webhook-secret-field').hidden = false;
      }
    }
  }

  function setEditMode(project) {
    id = String(project.id);
    document.getElementById('page-heading').textContent = t('project.heading_edit', { title: project.title });
    document.title = `${project.title} · Py_Monitor`;
    if (!new URLSearchParams(location.search).get('id')) history.replaceState(null, '', `project.html?id=${id}`);
  }

  function setReadOnly() {
    document.getElementById('readonly-note').hidden = false;
    for (const c of form.elements) if (c.tagName !== 'A') c.disabled = true;
  }

  async function save() {
    const body = projectBody();
    let project;
    try {
      project = await PM.request(id ? `/projects/${id}` : '/projects', { method: id ? 'PUT' : 'POST', body });
    } catch (err) {
      PM.showErrors(form, err);
      return;
    }
    // From here the project exists: further saves edit it.
    setEditMode(project);
    try {
      await PM.request(`/projects/${project.id}/monitoring-settings`, { method: 'PUT', body: settingsBody(project) });
      const m = maintenanceBody();
      const wasOn = loaded ? loaded.maintenance_mode : false;
      if (m.maintenance_mode || wasOn) await PM.request(`/projects/${project.id}/maintenance`, { method: 'PUT', body: m });
    } catch (err) {
      loaded = project;
      PM.showErrors(form, err);
      return;
    }
    PM.flash(t('project.saved', { title: project.title }));
    location.assign('index.html');
  }

  async function remove() {
    if (!id || !loaded) return;
    if (!confirm(t('project.confirm_delete', { title: loaded.title }))) return;
    try {
      await PM.request(`/projects/${id}`, { method: 'DELETE' });
      PM.flash(t('project.deleted', { title: loaded.title }));
      location.assign('index.html');
    } catch (err) {
      PM.showErrors(form, err);
    }
  }

  async function start() {
    if (!PM.requireAuth()) return;
    PM.i18n.apply();
    PM.renderHeader(id ? '' : 'project.html');
    let me;
    try {
      me = await PM.me();
      await PM.loadSettings();
    } catch (err) {
      if (err.status === 401) return;
    }
    PM.i18n.apply();
    PM.renderHeader(id ? '' : 'project.html');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      PM.busy(document.getElementById('save'), save);
    });
    document.getElementById('delete').addEventListener('click', remove);
    if (id) {
      try {
        const [p, s] = await Promise.all([PM.request(`/projects/${id}`), PM.request(`/projects/${id}/monitoring-settings`).catch(() => null)]);
        loaded = p;
        fill(p, s);
        setEditMode(p);
        if (me && PM.isManager(me.role)) document.getElementById('delete').hidden = false;
        if (me && (!PM.canEdit(me.role) || (me.role === 'user' && p.owner_id !== me.id))) setReadOnly();
      } catch (err) {
        PM.showErrors(form, err);
        return;
      }
    } else if (me && !PM.canEdit(me.role)) {
      setReadOnly();
    }
    form.elements.title.focus();
  }

  start();
})();
