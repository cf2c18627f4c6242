// @ts-check
// tools.html: one form per tools endpoint (POST /api/v1/tools/{name}) and a readable rendering of its result.
import { ApiError, request } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { formatBytes, formatDateTime, formatMs } from '../lib/format.js';
import { busy, clearErrors, showErrors } from '../lib/forms.js';
import { t } from '../lib/i18n.js';
import { pageReady, startPage } from '../lib/shell.js';

/** @typedef {import('../types/tools').ToolResult} ToolResult */
/** @typedef {import('../types/tools').SecurityHeader} SecurityHeader */
/** @typedef {import('../lib/dom.js').Children} Children */
/**
 * @typedef {{ name: string, kind: 'text' | 'url' | 'number' | 'select' | 'textarea' | 'headers', required?: boolean,
 *   placeholder?: string, options?: string[], value?: string | number, min?: number, max?: number, hint?: string }} Field
 * @typedef {{ name: string, fields: Field[], assertions?: boolean }} Tool
 */

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SOA'];
const OPERATORS = ['equals', 'not_equals', 'contains', 'greater_than', 'less_than', 'exists'];

/** @type {Tool[]} */
const TOOLS = [
  { name: 'http', fields: [
    { name: 'url', kind: 'url', required: true, placeholder: 'https://example.com/' },
    { name: 'method', kind: 'select', options: METHODS, value: 'GET' },
    { name: 'timeout', kind: 'number', min: 1, max: 20, value: 10, hint: 'hint.seconds_1_20' },
    { name: 'headers', kind: 'headers' },
  ] },
  { name: 'tcp', fields: [
    { name: 'host', kind: 'text', required: true, placeholder: 'example.com' },
    { name: 'port', kind: 'number', min: 1, max: 65535, required: true, placeholder: '443' },
    { name: 'timeout', kind: 'number', min: 1, max: 20, value: 5, hint: 'hint.seconds_1_20' },
  ] },
  { name: 'udp', fields: [
    { name: 'host', kind: 'text', required: true, placeholder: 'example.com' },
    { name: 'port', kind: 'number', min: 1, max: 65535, required: true, placeholder: '53' },
    { name: 'timeout', kind: 'number', min: 1, max: 20, value: 3, hint: 'hint.seconds_1_20' },
    { name: 'payload', kind: 'text', hint: 'hint.udp_payload' },
  ] },
  { name: 'dns', fields: [
    { name: 'domain', kind: 'text', required: true, placeholder: 'example.com' },
    { name: 'record_type', kind: 'select', options: RECORD_TYPES, value: 'A' },
  ] },
  { name: 'content', fields: [
    { name: 'url', kind: 'url', required: true, placeholder: 'https://example.com/' },
    { name: 'expected_content', kind: 'text', required: true },
    { name: 'timeout', kind: 'number', min: 1, max: 20, value: 10, hint: 'hint.seconds_1_20' },
  ] },
  { name: 'security-headers', fields: [{ name: 'url', kind: 'url', required: true, placeholder: 'https://example.com/' }] },
  { name: 'api', fields: [
    { name: 'url', kind: 'url', required: true, placeholder: 'https://api.example.com/health' },
    { name: 'method', kind: 'select', options: METHODS, value: 'GET' },
    { name: 'expected_status', kind: 'number', min: 100, max: 599, placeholder: '200' },
    { name: 'timeout', kind: 'number', min: 1, max: 20, value: 10, hint: 'hint.seconds_1_20' },
    { name: 'headers', kind: 'headers' },
    { name: 'body', kind: 'textarea', hint: 'hint.api_body' },
  ], assertions: true },
  { name: 'ssl', fields: [
    { name: 'host', kind: 'text', required: true, placeholder: 'example.com' },
    { name: 'port', kind: 'number', min: 1, max: 65535, value: 443 },
  ] },
  { name: 'domain', fields: [{ name: 'domain', kind: 'text', required: true, placeholder: 'example.com' }] },
];

// ---------- forms ----------
/** @param {Tool} tool @param {Field} f */
function fieldNode(tool, f) {
  const id = `${tool.name}-${f.name}`;
  const hintId = f.hint || f.kind === 'headers' ? `${id}-hint` : null;
  const common = { id, name: f.name, required: f.required ?? null, 'aria-describedby': hintId };
  /** @type {HTMLElement} */
  let input;
  if (f.kind === 'select') {
    input = el('select', common, (f.options ?? []).map((o) => el('option', { value: o, selected: o === f.value || null, text: o })));
  } else if (f.kind === 'textarea' || f.kind === 'headers') {
    input = el('textarea', { ...common, class: 'code', spellcheck: 'false', placeholder: f.kind === 'headers' ? 'accept: application/json' : null });
  } else {
    input = el('input', {
      ...common,
      type: f.kind === 'number' ? 'number' : f.kind === 'url' ? 'url' : 'text',
      min: f.min, max: f.max, step: f.kind === 'number' ? 1 : null,
      value: f.value, placeholder: f.placeholder,
      inputmode: f.kind === 'url' ? 'url' : null,
    });
  }
  const hintKey = f.kind === 'headers' ? 'hint.headers' : f.hint;
  return el('div', { class: 'field' },
    el('label', { for: id }, t(`tool.field.${f.name}`), f.required ? el('span', { 'aria-hidden': 'true', text: ' *' }) : null),
    input,
    hintKey ? el('p', { class: 'hint', id: hintId, text: t(hintKey) }) : null);
}

/** @param {HTMLElement} container */
function assertionRow(container) {
  const idp = `assert-${Date.now()}-${container.children.length}`;
  const value = el('input', { id: `${idp}-value`, type: 'text', name: 'assert_value', placeholder: '"ok"' });
  const op = el('select', { id: `${idp}-op`, name: 'assert_operator' }, OPERATORS.map((o) => el('option', { value: o, text: t(`op.${o}`) })));
  const path = el('input', { id: `${idp}-path`, type: 'text', name: 'assert_path', placeholder: 'data.status', maxlength: 200 });
  const row = el('div', { class: 'assert-row', 'data-assertion': true },
    el('div', { class: 'field' }, el('label', { for: `${idp}-path`, text: t('tool.field.assert_path') }), path),
    el('div', { class: 'field' }, el('label', { for: `${idp}-op`, text: t('tool.field.assert_operator') }), op),
    el('div', { class: 'field' }, el('label', { for: `${idp}-value`, text: t('tool.field.assert_value') }), value),
    el('button', { type: 'button', class: 'btn small', text: t('tools.remove_assertion'), on: { click: () => row.remove() } }));
  op.addEventListener('change', () => {
    value.disabled = op.value === 'exists';
  });
  container.append(row);
  path.focus();
}

/** @param {string} textValue */
function parseHeaders(textValue) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const line of textValue.split('\n')) {
    const s = line.trim();
    if (!s) continue;
    const i = s.indexOf(':');
    if (i <= 0) throw new ApiError(400, { detail: t('error.header_line', { line: s }), errors: [{ field: 'headers', message: t('error.header_line', { line: s }) }] });
    out[s.slice(0, i).trim().toLowerCase()] = s.slice(i + 1).trim();
  }
  return out;
}

/** JSON when it parses (numbers, booleans, objects), the raw text otherwise. @param {string} s @returns {unknown} */
function jsonOrText(s) {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** @param {Tool} tool @param {HTMLFormElement} form */
function bodyOf(tool, form) {
  /** @type {Record<string, unknown>} */
  const body = {};
  for (const f of tool.fields) {
    const c = form.elements.namedItem(f.name);
    if (!(c instanceof HTMLInputElement || c instanceof HTMLTextAreaElement || c instanceof HTMLSelectElement)) continue;
    const raw = c.value;
    const v = raw.trim();
    if (f.kind === 'headers') {
      const h = parseHeaders(raw);
      if (Object.keys(h).length) body['headers'] = h;
    } else if (f.kind === 'textarea') {
      if (v) {
        const j = jsonOrText(v);
        body[f.name] = j !== null && typeof j === 'object' ? j : raw;
      }
    } else if (f.kind === 'number') {
      if (v !== '') body[f.name] = Number(v);
    } else if (v !== '') {
      body[f.name] = f.name === 'payload' || f.name === 'expected_content' ? raw : v;
    }
  }
  if (tool.assertions) {
    const list = [...form.querySelectorAll('[data-assertion]')].map((r) => {
      const get = (/** @type {string} */ name) => {
        const c = r.querySelector(`[name="${name}"]`);
        return c instanceof HTMLInputElement || c instanceof HTMLSelectElement ? c.value.trim() : '';
      };
      /** @type {{ path: string, operator: string, value?: unknown }} */
      const a = { path: get('assert_path'), operator: get('assert_operator') };
      const value = get('assert_value');
      if (a.operator !== 'exists' && value !== '') a.value = jsonOrText(value);
      return a;
    }).filter((a) => a.path);
    if (list.length) body['assertions'] = list;
  }
  return body;
}

// ---------- results ----------
/** @typedef {[string, unknown] | null | false | undefined} Pair */
/** @param {Pair[]} pairs */
const kv = (pairs) => el('dl', { class: 'kv' }, pairs.flatMap((p) => (p && p[1] !== undefined ? [
  el('dt', { text: t(p[0]) }),
  el('dd', null, p[1] === null || p[1] === '' ? '—' : p[1] instanceof Node ? p[1] : String(p[1])),
] : [])));
/** @param {boolean | undefined} ok @param {string} okKey @param {string} badKey @param {string | null} [cls] */
const badge = (ok, okKey, badKey, cls) => el('span', { class: `badge ${cls || (ok ? 'ok' : 'bad')}`, text: t(ok ? okKey : badKey) });
const ms = formatMs;
const code = (/** @type {unknown} */ v) => el('code', { text: String(v) });

/** @param {ToolResult} r @param {Node} badgeNode @param {string | null | undefined} headline */
function head(r, badgeNode, headline) {
  return el('div', { class: 'result-head' }, badgeNode,
    headline ? el('span', { class: 'headline', text: headline }) : null,
    typeof r.response_time === 'number' ? el('span', { class: 'subtle', text: `${t('tools.response_time')} ${ms(r.response_time)}` }) : null,
    r.checked_at ? el('time', { class: 'subtle', datetime: r.checked_at, text: formatDateTime(r.checked_at) }) : null);
}

/** @param {ToolResult} r */
function errorLine(r) {
  if (!r.error_message) return null;
  return el('p', { class: 'form-error', role: 'alert' },
    r.error_kind ? el('strong', { text: `${t('error_kind.' + r.error_kind, undefined, r.error_kind)}: ` }) : null,
    r.error_message);
}

/** @param {string[]} headers @param {unknown[][]} rowsData */
function table(headers, rowsData) {
  return el('div', { class: 'table-wrap' }, el('table', null,
    el('thead', null, el('tr', null, headers.map((h) => el('th', { scope: 'col', text: t(h) })))),
    el('tbody', null, rowsData.map((cells) => el('tr', null, cells.map((c) => el('td', null, c === null || c === undefined ? '—' : c instanceof Node ? c : String(c))))))));
}

/** @param {ToolResult['timings']} tm */
function timings(tm) {
  if (!tm) return null;
  const parts = /** @type {const} */ (['dns', 'connect', 'tls', 'ttfb', 'transfer']);
  const total = tm.total || parts.reduce((s, p) => s + (tm[p] ?? 0), 0) || 1;
  const bar = el('div', { class: 'timing-bar', role: 'img', 'aria-label': parts.map((p) => `${p} ${ms(tm[p])}`).join(', ') },
    parts.map((p) => el('span', { class: `t-${p}`, styles: { width: `${Math.max(0, ((tm[p] ?? 0) / total) * 100).toFixed(2)}%` } })));
  return el('div', null,
    el('h3', { text: `${t('tools.timings')} (${ms(tm.total)})` }),
    bar,
    el('div', { class: 'timing-legend' }, parts.map((p) => el('span', null, el('i', { class: `t-${p}`, 'aria-hidden': 'true' }), `${t('timing.' + p)} ${ms(tm[p])}`))));
}

/** @param {ToolResult['headers']} headers @returns {[string, SecurityHeader][]} */
function securityHeaders(headers) {
  return Object.entries(headers ?? {}).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? [[k, v]] : []));
}

/** @type {Record<string, (r: ToolResult) => Children[]>} */
const renderers = {
  http(r) {
    const tls = r.tls;
    const cipher = tls?.cipher && typeof tls.cipher === 'object' ? tls.cipher.name : tls?.cipher;
    return [
      head(r, badge(r.is_available, 'state.up', 'state.down'), r.status_code ? `HTTP ${r.status_code}` : null),
      errorLine(r),
      kv([['tools.final_url', r.final_url], ['tools.resolved_ip', r.resolved_ip], ['tools.redirects', r.redirect_count],
        ['tools.content_type', r.content_type], ['tools.body_size', formatBytes(r.body_size)], ['tools.attempts', r.attempts],
        tls ? ['tools.tls', [tls.protocol ?? tls.version, cipher].filter(Boolean).join(' · ') || JSON.stringify(tls)] : null]),
      r.redirects?.length ? table(['tools.status', 'tools.url'], r.redirects.map((x) => [x.status_code ?? x.status, x.url ?? x.location])) : null,
      timings(r.timings),
      r.headers && Object.keys(r.headers).length ? el('details', null, el('summary', { text: t('tools.response_headers') }),
        table(['tools.header', 'tools.value'], Object.entries(r.headers).map(([k, v]) => [code(k), Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : JSON.stringify(v)]))) : null,
    ];
  },
  tcp(r) {
    const state = t(`port.${r.state}`, undefined, r.state);
    return [head(r, el('span', { class: `badge ${r.is_open ? 'ok' : 'bad'}`, text: state }), `${r.host}:${r.port}`),
      errorLine(r), kv([['tools.resolved_ip', r.resolved_ip], ['tools.state', state]])];
  },
  udp(r) {
    const cls = r.is_open ? 'ok' : r.is_filtered ? 'warn' : 'bad';
    return [head(r, el('span', { class: `badge ${cls}`, text: t(`port.${r.state}`, undefined, r.state) }), `${r.host}:${r.port}`),
      errorLine(r),
      kv([['tools.resolved_ip', r.resolved_ip], ['tools.state', r.state], ['tools.filtered', t(r.is_filtered ? 'common.yes' : 'common.no')],
        ['tools.response_size', r.response_size === null || r.response_size === undefined ? null : formatBytes(r.response_size)]]),
      r.state === 'open|filtered' ? el('p', { class: 'subtle', text: t('tools.udp_note') }) : null];
  },
  dns(r) {
    return [head(r, badge(r.resolved, 'tools.resolved', 'tools.not_resolved'), `${r.domain} ${r.record_type}`),
      errorLine(r),
      kv([['tools.rcode', r.rcode], ['tools.server', r.server], ['tools.ttl', r.ttl === null || r.ttl === undefined ? null : `${r.ttl} s`]]),
      r.records?.length ? table(['tools.type', 'tools.name', 'tools.ttl', 'tools.value'], r.records.map((x) => [x.type, x.name, x.ttl, code(x.value)])) : null];
  },
  content(r) {
    return [head(r, badge(r.content_found, 'tools.found', 'tools.not_found'), r.status_code ? `HTTP ${r.status_code}` : null),
      errorLine(r),
      kv([['tool.field.expected_content', r.expected_content], ['tools.final_url', r.final_url], ['tools.body_size', formatBytes(r.body_size)]])];
  },
  'security-headers'(r) {
    const score = typeof r.score === 'number' ? r.score : null;
    const cls = score === null ? 'poor' : score >= 80 ? 'good' : score >= 50 ? 'mid' : 'poor';
    const headers = securityHeaders(r.headers);
    return [
      el('div', { class: 'result-head' },
        score === null ? null : el('span', { class: `score ${cls}`, role: 'img', 'aria-label': t('tools.score_label', { score, grade: r.grade ?? '—' }), text: String(score) }),
        el('div', null, el('div', { class: 'headline', text: `${t('tools.security_score')}: ${score ?? '—'}/100 · ${t('tools.grade')} ${r.grade ?? '—'}` }),
          el('div', { class: 'subtle', text: [r.status_code ? `HTTP ${r.status_code}` : '', r.final_url || r.url, ms(r.response_time)].filter(Boolean).join(' · ') }))),
      errorLine(r),
      headers.length ? table(['tools.header', 'tools.present', 'tools.value', 'tools.points'], headers.map(([name, h]) => [
        code(name), badge(h.present, 'tools.present_yes', 'tools.present_no'), h.value === null ? '—' : code(h.value), `${h.score}/${h.max_score}`,
      ])) : null,
      r.findings?.length ? el('div', null, el('h3', { text: t('tools.findings') }),
        el('ul', { class: 'alert-list' }, r.findings.map((f) => el('li', { class: 'alert-item' },
          el('div', { class: 'title' }, el('span', { class: `badge plain ${f.severity}`, text: t(`severity.${f.severity}`, undefined, f.severity) }), ' ', code(f.header)),
          el('div', { class: 'message', text: f.message }))))) : el('p', { class: 'form-ok', text: t('tools.no_findings') }),
    ];
  },
  api(r) {
    const assertions = r.assertions ?? [];
    return [
      head(r, badge(r.is_valid, 'tools.valid', 'tools.invalid'), r.status_code ? `HTTP ${r.status_code}` : null),
      errorLine(r),
      kv([['tools.status_check', r.expected_status === null || r.expected_status === undefined ? t('tools.status_any') : el('span', null, badge(r.status_ok, 'tools.pass', 'tools.fail'), ` ${t('tools.expected')} ${r.expected_status}`)],
        ['tools.final_url', r.final_url], ['tools.content_type', r.content_type]]),
      assertions.length ? el('div', null, el('h3', { text: t('tools.assertions') }),
        table(['tools.result', 'tool.field.assert_path', 'tool.field.assert_operator', 'tools.expected', 'tools.actual', 'tools.message'],
          assertions.map((a) => [badge(a.passed, 'tools.pass', 'tools.fail'), code(a.path), t(`op.${a.operator}`, undefined, a.operator),
            a.expected === undefined || a.operator === 'exists' ? '—' : code(JSON.stringify(a.expected)),
            a.actual === undefined ? '—' : code(JSON.stringify(a.actual)), a.message || '']))) : null,
      r.response_body ? el('div', null, el('h3', { text: t('tools.response_body') + (r.response_truncated ? ` (${t('tools.truncated')})` : '') }),
        el('pre', { class: 'body', text: r.response_body })) : null,
    ];
  },
  ssl(r) {
    const days = r.days_remaining;
    return [head(r, badge(r.is_valid, 'tools.valid', 'tools.invalid', r.is_valid && r.warning ? 'warn' : null), `${r.host}:${r.port}`),
      errorLine(r),
      r.warning_message ? el('p', { class: 'form-error', text: r.warning_message }) : null,
      kv([['tools.issuer', r.issuer], ['tools.subject', r.subject], ['tools.san', r.san?.length ? r.san.join(', ') : null],
        ['tools.valid_from', r.valid_from ? formatDateTime(r.valid_from) : null], ['tools.expires_at', r.expires_at ? formatDateTime(r.expires_at) : null],
        ['tools.days_remaining', days === null || days === undefined ? null : t('tools.days', { n: days })], ['tools.tls_version', r.tls_version],
        ['tools.invalid_reason', r.invalid_reason || r.authorization_error], ['tools.fingerprint', r.fingerprint256 ? code(r.fingerprint256) : null]])];
  },
  domain(r) {
    const ok = r.expires_at !== null && r.expires_at !== undefined && !r.error_message;
    return [head(r, badge(ok, r.warning ? 'tools.expiring' : 'tools.registered', 'tools.unknown', ok && r.warning ? 'warn' : null), r.domain),
      errorLine(r),
      kv([['tools.expires_at', r.expires_at ? formatDateTime(r.expires_at) : null], ['tools.days_remaining', r.days_remaining === null || r.days_remaining === undefined ? null : t('tools.days', { n: r.days_remaining })],
        ['tools.registrar', r.registrar], ['tools.registered_at', r.registered_at ? formatDateTime(r.registered_at) : null],
        ['tools.source', r.source ? `${String(r.source).toUpperCase()}${r.server ? ` (${r.server})` : ''}` : null], ['tools.cached', t(r.cached ? 'common.yes' : 'common.no')]])];
  },
};

// ---------- tabs ----------
/** @param {Tool} tool @param {HTMLElement} tabs @param {HTMLElement} panels */
function buildTool(tool, tabs, panels) {
  const tabId = `tab-${tool.name}`;
  const panelId = `panel-${tool.name}`;
  const tab = el('button', { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'aria-selected': 'false', tabindex: '-1', text: t(`tool.${tool.name}`) });
  const result = el('div', { class: 'result', id: `result-${tool.name}`, 'aria-live': 'polite' });
  const assertBox = tool.assertions ? el('div', { id: 'assertions' }) : null;
  const submit = el('button', { type: 'submit', class: 'btn primary', text: t('tools.run') });
  const form = el('form', { novalidate: true, 'data-tool': tool.name },
    el('div', { class: 'form-error', 'data-form-error': true, role: 'alert', tabindex: '-1' }),
    el('div', { class: 'fields-2' }, tool.fields.filter((f) => f.kind !== 'headers' && f.kind !== 'textarea').map((f) => fieldNode(tool, f))),
    tool.fields.filter((f) => f.kind === 'headers' || f.kind === 'textarea').map((f) => fieldNode(tool, f)),
    assertBox ? el('fieldset', null, el('legend', { text: t('tools.assertions') }), assertBox,
      el('button', { type: 'button', class: 'btn small', id: 'add-assertion', text: t('tools.add_assertion'), on: { click: () => assertionRow(assertBox) } })) : null,
    el('div', { class: 'btn-row' }, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(submit, async () => {
      clearErrors(form);
      result.replaceChildren(el('p', { class: 'subtle', text: t('tools.running') }));
      try {
        const r = /** @type {ToolResult} */ (await request(`/tools/${tool.name}`, { method: 'POST', body: bodyOf(tool, form) }));
        result.replaceChildren(el('div', { class: 'card', 'data-result': tool.name }, ...(renderers[tool.name] ?? (() => []))(r)));
      } catch (err) {
        result.replaceChildren();
        showErrors(form, err);
      }
    });
  });
  const panel = el('section', { class: 'card', role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, hidden: true },
    el('h2', { text: t(`tool.${tool.name}`) }),
    el('p', { class: 'subtle', text: t(`tool.${tool.name}.about`) }),
    form, result);
  tabs.append(tab);
  panels.append(panel);
  return { tab, panel };
}

// The forms are built in the user's language, so the settings come first.
await startPage({ active: 'tools.html' });
const tabs = byId('tool-tabs');
const built = TOOLS.map((tool) => buildTool(tool, tabs, byId('tool-panels')));

/** @param {number} i @param {boolean} focus */
function select(i, focus) {
  built.forEach((b, j) => {
    const on = i === j;
    b.tab.setAttribute('aria-selected', String(on));
    b.tab.tabIndex = on ? 0 : -1;
    b.panel.hidden = !on;
  });
  if (focus) built[i]?.tab.focus();
  history.replaceState(null, '', `#${TOOLS[i]?.name ?? ''}`);
}

built.forEach((b, i) => {
  b.tab.addEventListener('click', () => select(i, false));
  b.tab.addEventListener('keydown', (e) => {
    const n = built.length;
    const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    select(to, true);
  });
});
const fromHash = () => Math.max(0, TOOLS.findIndex((x) => x.name === location.hash.slice(1)));
window.addEventListener('hashchange', () => select(fromHash(), false));
select(fromHash(), false);
pageReady();
