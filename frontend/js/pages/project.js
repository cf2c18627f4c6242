// @ts-check
// project.html: add or edit a project (spec 3.1), its monitoring settings (spec 5), content change (4.12),
// keywords (4.13) and maintenance mode (3.3). `?id=` edits. What the role may not do is not offered:
// viewers (and users on others' projects) see the settings read-only, without Save or Delete.
import { call } from '../lib/api.js';
import { byId } from '../lib/dom.js';
import { fromWallTime, toWallTime, userTimeZone } from '../lib/format.js';
import { busy, control, showErrors } from '../lib/forms.js';
import { t } from '../lib/i18n.js';
import { canCreateProject, canDeleteProject, canEditProject } from '../lib/roles.js';
import { flash, pageReady, startPage } from '../lib/shell.js';

/** @typedef {import('../types/app').Project} Project */
/** @typedef {import('../types/app').ProjectBody} ProjectBody */
/** @typedef {import('../types/app').MonitoringSettings} MonitoringSettings */
/** @typedef {import('../types/app').MonitoringSettingsBody} MonitoringSettingsBody */

const rawId = new URLSearchParams(location.search).get('id');
/** @type {string | null} */
let id = rawId && /^[1-9]\d{0,9}$/.test(rawId) ? rawId : null;
/** @type {Project | null} */
let loaded = null;

const { user } = await startPage({ active: id ? '' : 'project.html' });
const form = byId('project-form', HTMLFormElement);
const saveButton = byId('save', HTMLButtonElement);
const deleteButton = byId('delete', HTMLButtonElement);

const input = (/** @type {string} */ name) => control(form, name, HTMLElement);
const text = (/** @type {string} */ name) => {
  const c = input(name);
  return c instanceof HTMLInputElement || c instanceof HTMLTextAreaElement ? c.value.trim() : '';
};
const orNull = (/** @type {string} */ name) => text(name) || null;
const checked = (/** @type {string} */ name) => control(form, name, HTMLInputElement).checked;
/** A number input's number, or undefined when empty (the API then applies its default). @param {string} name */
function num(name) {
  const v = text(name);
  return v === '' ? undefined : Number(v);
}
/** @param {string} name @param {unknown} v */
function set(name, v) {
  const c = input(name);
  if (c instanceof HTMLInputElement || c instanceof HTMLTextAreaElement) c.value = v === null || v === undefined ? '' : String(v);
}

const tz = userTimeZone() ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
byId('maintenance_ends_at-hint').textContent = t('hint.maintenance_ends_at', { tz });

/** @returns {ProjectBody} */
function projectBody() {
  const keywordMode = form.querySelector('input[name="keyword_alert_on_found"]:checked');
  /** @type {ProjectBody} */
  const body = {
    title: text('title'),
    url: text('url'),
    host_name: orNull('host_name'),
    ip_address: orNull('ip_address'),
    description: orNull('description'),
    time_limit: num('time_limit') ?? null,
    is_public: checked('is_public'),
    category: orNull('category'),
    tags: text('tags'),
    custom_headers: text('custom_headers') || {},
    content_change_detection: checked('content_change_detection'),
    content_selector: orNull('content_selector'),
    keyword_monitoring: checked('keyword_monitoring'),
    keywords: control(form, 'keywords', HTMLTextAreaElement).value.split('\n').map((s) => s.trim()).filter(Boolean),
    keyword_alert_on_found: keywordMode instanceof HTMLInputElement && keywordMode.value === 'true',
  };
  const interval = num('status_interval');
  if (interval !== undefined) body.status_interval = interval;
  return body;
}

/** @param {Project} project @returns {MonitoringSettingsBody} */
function settingsBody(project) {
  /** @type {MonitoringSettingsBody} */
  const body = {
    // One stored value with the project's status_interval (README): keep them equal.
    check_interval: project.status_interval,
    is_alert_enabled: checked('is_alert_enabled'),
    alert_email: orNull('alert_email'),
    webhook_url: orNull('webhook_url'),
  };
  for (const name of /** @type {const} */ (['timeout', 'retry_count', 'alert_threshold', 'ssl_warning_days', 'domain_warning_days'])) {
    const v = num(name);
    if (v !== undefined) body[name] = v;
  }
  // Sent always: an omitted setting returns to its default on PUT.
  body.deep_check_cadence = /** @type {MonitoringSettings['deep_check_cadence']} */ (control(form, 'deep_check_cadence', HTMLSelectElement).value);
  // Comma-separated codes and ranges, checked by the API; left empty, the default (200-399).
  const codes = text('accepted_status_codes');
  if (codes) body.accepted_status_codes = codes;
  return body;
}

function maintenanceBody() {
  const ends = text('maintenance_ends_at');
  return {
    maintenance_mode: checked('maintenance_mode'),
    maintenance_message: orNull('maintenance_message'),
    // The form shows the user's time zone; the API takes an instant.
    maintenance_ends_at: ends ? fromWallTime(ends, tz) ?? ends : null,
  };
}

/** @param {Project} p @param {MonitoringSettings | null} s */
function fill(p, s) {
  for (const name of /** @type {const} */ (['title', 'url', 'host_name', 'ip_address', 'description', 'status_interval', 'time_limit', 'category', 'content_selector', 'maintenance_message'])) set(name, p[name]);
  set('tags', p.tags.join(', '));
  set('custom_headers', Object.keys(p.custom_headers).length ? JSON.stringify(p.custom_headers, null, 2) : '');
  set('keywords', p.keywords.join('\n'));
  control(form, 'is_public', HTMLInputElement).checked = p.is_public;
  control(form, 'content_change_detection', HTMLInputElement).checked = p.content_change_detection;
  control(form, 'keyword_monitoring', HTMLInputElement).checked = p.keyword_monitoring;
  const mode = form.querySelector(`input[name="keyword_alert_on_found"][value="${p.keyword_alert_on_found ? 'true' : 'false'}"]`);
  if (mode instanceof HTMLInputElement) mode.checked = true;
  control(form, 'maintenance_mode', HTMLInputElement).checked = p.maintenance_mode;
  set('maintenance_ends_at', toWallTime(p.maintenance_ends_at, tz));
  if (s) {
    for (const name of /** @type {const} */ (['timeout', 'retry_count', 'alert_threshold', 'alert_email', 'webhook_url', 'ssl_warning_days', 'domain_warning_days'])) set(name, s[name]);
    control(form, 'is_alert_enabled', HTMLInputElement).checked = s.is_alert_enabled;
    control(form, 'deep_check_cadence', HTMLSelectElement).value = s.deep_check_cadence;
    set('accepted_status_codes', s.accepted_status_codes.join(', '));
    if (s.webhook_secret) {
      byId('webhook_secret').textContent = s.webhook_secret;
      byId('webhook-secret-field').hidden = false;
    }
  }
}

/** @param {Project} project */
function setEditMode(project) {
  id = String(project.id);
  byId('page-heading').textContent = t('project.heading_edit', { title: project.title });
  document.title = `${project.title} · Py_Monitor`;
  if (!new URLSearchParams(location.search).get('id')) history.replaceState(null, '', `project.html?id=${id}`);
}

/** Read-only: every control disabled, no Save or Delete. @param {string} noteKey */
function setReadOnly(noteKey) {
  const note = byId('readonly-note');
  note.textContent = t(noteKey);
  note.hidden = false;
  for (const c of form.elements) if (c instanceof HTMLInputElement || c instanceof HTMLTextAreaElement || c instanceof HTMLSelectElement || c instanceof HTMLButtonElement) c.disabled = true;
  saveButton.hidden = true;
  deleteButton.hidden = true;
  byId('cancel').textContent = t('action.back');
}

async function save() {
  let project;
  try {
    project = id
      ? await call('put', '/projects/{id}', { params: { id }, body: projectBody() })
      : await call('post', '/projects', { body: projectBody() });
  } catch (err) {
    showErrors(form, err);
    return;
  }
  // From here the project exists: further saves edit it.
  setEditMode(project);
  try {
    await call('put', '/projects/{id}/monitoring-settings', { params: { id: project.id }, body: settingsBody(project) });
    const m = maintenanceBody();
    if (m.maintenance_mode || loaded?.maintenance_mode) await call('put', '/projects/{id}/maintenance', { params: { id: project.id }, body: m });
  } catch (err) {
    loaded = project;
    showErrors(form, err);
    return;
  }
  flash(t('project.saved', { title: project.title }));
  location.assign('index.html');
}

async function remove() {
  if (!id || !loaded) return;
  if (!confirm(t('project.confirm_delete', { title: loaded.title }))) return;
  try {
    await call('delete', '/projects/{id}', { params: { id } });
    flash(t('project.deleted', { title: loaded.title }));
    location.assign('index.html');
  } catch (err) {
    showErrors(form, err);
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  busy(saveButton, save);
});
deleteButton.addEventListener('click', remove);
if (id) {
  try {
    const [p, s] = await Promise.all([call('get', '/projects/{id}', { params: { id } }), call('get', '/projects/{id}/monitoring-settings', { params: { id } }).catch(() => null)]);
    loaded = p;
    fill(p, s);
    setEditMode(p);
    if (!canEditProject(user, p)) {
      setReadOnly('project.readonly');
      byId('page-heading').textContent = p.title;
    }
    else deleteButton.hidden = !canDeleteProject(user?.role);
  } catch (err) {
    showErrors(form, err);
  }
} else if (!canCreateProject(user?.role)) {
  setReadOnly('project.readonly_new');
}
if (!saveButton.hidden) control(form, 'title', HTMLInputElement).focus();
pageReady();
