// tools.html: one form per tools endpoint (POST /api/v1/tools/{name}) and a readable rendering of its result.
(function () {
  'use strict';
  const { el } = PM;
  const t = (k, v) => PM.i18n.t(k, v);
  const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SOA'];
  const OPERATORS = ['equals', 'not_equals', 'contains', 'greater_than', 'less_than', 'exists'];

  // Field kinds: text, url, number, select, textarea, headers (textarea "Name: value" per line).
  const TOOLS = [
    { name: 'http', fields: [
      { name: 'url', kind: 'url', required: true, placeholder: 'https://example.com/' },
      { name: 'method', kind: 'select', options: METHODS, value: 'GET' },
      { name: 'timeout', kind: 'number', min: 1, max: 60, value: 10, hint: 'hint.seconds_1_60' },
      { name: 'headers', kind: 'headers' },
    ] },
    { name: 'tcp', fields: [
      { name: 'host', kind: 'text', required: true, placeholder: 'example.com' },
      { name: 'port', kind: 'number', min: 1, max: 65535, required: true, placeholder: '443' },
      { name: 'timeout', kind: 'number', min: 1, max: 30, value: 5, hint: 'hint.seconds_1_30' },
    ] },
    { name: 'udp', fields: [
      { name: 'host', kind: 'text', required: true, placeholder: 'example.com' },
      { name: 'port', kind: 'number', min: 1, max: 65535, required: true, placeholder: '53' },
      { name: 'timeout', kind: 'number', min: 1, max: 30, value: 3, hint: 'hint.seconds_1_30' },
      { name: 'payload', kind: 'text', hint: 'hint.udp_payload' },
    ] },
    { name: 'dns', fields: [
      { name: 'domain', kind: 'text', required: true, placeholder: 'example.com' },
      { name: 'record_type', kind: 'select', options: RECORD_TYPES, value: 'A' },
    ] },
    { name: 'content', fields: [
      { name: 'url', kind: 'url', required: true, placeholder: 'https://example.com/' },
      { name: 'expected_content', kind: 'text', required: true },
      { name: 'timeout', kind: 'number', min: 1, max: 60, value: 10, hint: 'hint.seconds_1_60' },
    ] },
    { name: 'security-headers', fields: [{ name: 'url', kind: 'url', required: true, placeholder: 'https://example.com/' }] },
    { name: 'api', fields: [
      { name: 'url', kind: 'url', required: true, placeholder: 'https://api.example.com/health' },
      { name: 'method', kind: 'select', options: METHODS, value: 'GET' },
      { name: 'expected_status', kind: 'number', min: 100, max: 599, placeholder: '200' },
      { name: 'timeout', kind: 'number', min: 1, max: 60, value: 10, hint: 'hint.seconds_1_60' },
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
  function fieldNode(tool, f) {
    const id = `${tool.name}-${f.name}`;
    const hintId = f.hint || f.kind === 'headers' ? `${id}-hint` : null;
    const common = { id, name: f.name, required: f.required || null, 'aria-describedby': hintId };
    let input;
    if (f.kind === 'select') {
      input = el('select', common, f.options.map((o) => el('option', { value: o, selected: o === f.value || null, text: o })));
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

  function assertionRow(container) {
    const n = container.children.length;
    const idp = `assert-${Date.now()}-${n}`;
    const remove = el('button', { type: 'button', class: 'btn small', text: t('tools.remove_assertion') });
    const row = el('div', { class: 'assert-row', 'data-assertion': true },
      el('div', { class: 'field' }, el('label', { for: `${idp}-path`, text: t('tool.field.assert_path') }),
        el('input', { id: `${idp}-path`, type: 'text', name: 'assert_path', placeholder: 'data.status', maxlength: 200 })),
      el('div', { class: 'field' }, el('label', { for: `${idp}-op`, text: t('tool.field.assert_operator') }),
        el('select', { id: `${idp}-op`, name: 'assert_operator' }, OPERATORS.map((o) => el('option', { value: o, text: t(`op.${o}`) })))),
      el('div', { class: 'field' }, el('label', { for: `${idp}-value`, text: t('tool.field.assert_value') }),
        el('input', { id: `${idp}-value`, type: 'text', name: 'assert_value', placeholder: '"ok"' })),
      remove);
    remove.addEventListener('click', () => row.remove());
    const op = row.querySelector('select');
    const value = row.querySelector('[name="assert_value"]');
    op.addEventListener('change', () => { value.disabled = op.value === 'exists'; });
    container.append(row);
    row.querySelector('input').focus();
  }

  function parseHeaders(textValue) {
    const out = {};
    for (const line of textValue.split('\n')) {
      const s = line.trim();
      if (!s) continue;
      const i = s.indexOf(':');
      if (i <= 0) throw new PM.ApiError(400, { detail: t('error.header_line', { line: s }), errors: [{ field: 'headers', message: t('error.header_line', { line: s }) }] });
      out[s.slice(0, i).trim().toLowerCase()] = s.slice(i + 1).trim();
    }
    return out;
  }

  /** JSON when it parses (numbers, booleans, objects), the raw text otherwise. */
  function jsonOrText(s) {
    try { return JSON.parse(s); } catch { return s; }
  }

  function bodyOf(tool, form) {
    const body = {};
    for (const f of tool.fields) {
      const raw = form.elements[f.name].value;
      const v = raw.trim();
      if (f.kind === 'headers') {
        const h = parseHeaders(raw);
        if (Object.keys(h).length) body.headers = h;
      } else if (f.kind === 'textarea') {
        if (v) { const j = jsonOrText(v); body[f.name] = j !== null && typeof j === 'object' ? j : raw; }
      } else if (f.kind === 'number') {
        if (v !== '') body[f.name] = Number(v);
      } else if (v !== '') {
        body[f.name] = f.name === 'payload' || f.name === 'expected_content' ? raw : v;
      }
    }
    if (tool.assertions) {
      const rows = [...form.querySelectorAll('[data-assertion]')];
      const list = rows.map((r) => {
        const a = { path: r.querySelector('[name="assert_path"]').value.trim(), operator: r.querySelector('[name="assert_operator"]').value };
        const value = r.querySelector('[name="assert_value"]').value.trim();
        if (a.operator !== 'exists' && value !== '') a.value = jsonOrText(value);
        return a;
      }).filter((a) => a.path);
      if (list.length) body.assertions = list;
    }
    return body;
  }

  // ---------- results ----------
  const kv = (pairs) => el('dl', { class: 'kv' }, pairs.filter((p) => p && p[1] !== undefined).flatMap(([k, v]) => [
    el('dt', { text: t(k) }),
    el('dd', null, v === null || v === '' ? '—' : v instanceof Node ? v : String(v)),
  ]));
  const badge = (ok, okKey, badKey, cls) => el('span', { class: `badge ${cls || (ok ? 'ok' : 'bad')}`, text: t(ok ? okKey : badKey) });
  const ms = (v) => PM.fmtMs(v);

  function head(r, badgeNode, headline) {
    return el('div', { class: 'result-head' }, badgeNode,
      headline ? el('span', { class: 'headline', text: headline }) : null,
      typeof r.response_time === 'number' ? el('span', { class: 'subtle', text: `${t('tools.response_time')} ${ms(r.response_time)}` }) : null,
      r.checked_at ? el('time', { class: 'subtle', datetime: r.checked_at, text: PM.fmtDate(r.checked_at) }) : null);
  }

  function errorLine(r) {
    if (!r.error_message) return null;
    return el('p', { class: 'form-error', role: 'alert' },
      r.error_kind ? el('strong', { text: `${t('error_kind.' + r.error_kind, undefined, r.error_kind)}: ` }) : null,
      r.error_message);
  }

  function table(headers, rowsData) {
    return el('div', { class: 'table-wrap' }, el('table', null,
      el('thead', null, el('tr', null, headers.map((h) => el('th', { scope: 'col', text: t(h) })))),
      el('tbody', null, rowsData.map((cells) => el('tr', null, cells.map((c) => el('td', null, c === null || c === undefined ? '—' : c instanceof Node ? c : String(c))))))));
  }

  function timings(tm) {
    if (!tm) return null;
    const parts = ['dns', 'connect', 'tls', 'ttfb', 'transfer'];
    const total = tm.total || parts.reduce((s, p) => s + (tm[p] || 0), 0) || 1;
    const bar = el('div', { class: 'timing-bar', role: 'img', 'aria-label': parts.map((p) => `${p} ${ms(tm[p])}`).join(', ') },
      parts.map((p) => el('span', { class: `t-${p}`, style: `width:${Math.max(0, ((tm[p] || 0) / total) * 100).toFixed(2)}%` })));
    return el('div', null,
      el('h3', { text: `${t('tools.timings')} (${ms(tm.total)})` }),
      bar,
      el('div', { class: 'timing-legend' }, parts.map((p) => el('span', null, el('i', { class: `t-${p}`, 'aria-hidden': 'true' }), `${t('timing.' + p)} ${ms(tm[p])}`))));
  }

  const renderers = {
    http(r) {
      return [
        head(r, badge(r.is_available, 'state.up', 'state.down'), r.status_code ? `HTTP ${r.status_code}` : null),
        errorLine(r),
        kv([['tools.final_url', r.final_url], ['tools.resolved_ip', r.resolved_ip], ['tools.redirects', r.redirect_count],
          ['tools.content_type', r.content_type], ['tools.body_size', PM.fmtBytes(r.body_size)], ['tools.attempts', r.attempts],
          r.tls ? ['tools.tls', [r.tls.protocol || r.tls.version, r.tls.cipher && (r.tls.cipher.name || r.tls.cipher)].filter(Boolean).join(' · ') || JSON.stringify(r.tls)] : null]),
        r.redirects && r.redirects.length ? table(['tools.status', 'tools.url'], r.redirects.map((x) => [x.status_code ?? x.status, x.url ?? x.location])) : null,
        timings(r.timings),
        r.headers && Object.keys(r.headers).length ? el('details', null, el('summary', { text: t('tools.response_headers') }),
          table(['tools.header', 'tools.value'], Object.entries(r.headers).map(([k, v]) => [el('code', { text: k }), Array.isArray(v) ? v.join(', ') : v]))) : null,
      ];
    },
    tcp(r) {
      return [head(r, el('span', { class: `badge ${r.is_open ? 'ok' : 'bad'}`, text: t(`port.${r.state}`, undefined, r.state) }), `${r.host}:${r.port}`),
        errorLine(r), kv([['tools.resolved_ip', r.resolved_ip], ['tools.state', t(`port.${r.state}`, undefined, r.state)]])];
    },
    udp(r) {
      const cls = r.is_open ? 'ok' : r.is_filtered ? 'warn' : 'bad';
      return [head(r, el('span', { class: `badge ${cls}`, text: t(`port.${r.state}`, undefined, r.state) }), `${r.host}:${r.port}`),
        errorLine(r),
        kv([['tools.resolved_ip', r.resolved_ip], ['tools.state', r.state], ['tools.filtered', t(r.is_filtered ? 'common.yes' : 'common.no')],
          ['tools.response_size', r.response_size === null ? null : PM.fmtBytes(r.response_size)]]),
        r.state === 'open|filtered' ? el('p', { class: 'subtle', text: t('tools.udp_note') }) : null];
    },
    dns(r) {
      return [head(r, badge(r.resolved, 'tools.resolved', 'tools.not_resolved'), `${r.domain} ${r.record_type}`),
        errorLine(r),
        kv([['tools.rcode', r.rcode], ['tools.server', r.server], ['tools.ttl', r.ttl === null ? null : `${r.ttl} s`]]),
        r.records && r.records.length
          ? table(['tools.type', 'tools.name', 'tools.ttl', 'tools.value'], r.records.map((x) => [x.type, x.name, x.ttl, el('code', { text: x.value })]))
          : null];
    },
    content(r) {
      return [head(r, badge(r.content_found, 'tools.found', 'tools.not_found'), r.status_code ? `HTTP ${r.status_code}` : null),
        errorLine(r),
        kv([['tool.field.expected_content', r.expected_content], ['tools.final_url', r.final_url], ['tools.body_size', PM.fmtBytes(r.body_size)]])];
    },
    'security-headers'(r) {
      const score = typeof r.score === 'number' ? r.score : null;
      const cls = score === null ? 'poor' : score >= 80 ? 'good' : score >= 50 ? 'mid' : 'poor';
      const headers = Object.entries(r.headers || {});
      return [
        el('div', { class: 'result-head' },
          score === null ? null : el('span', { class: `score ${cls}`, role: 'img', 'aria-label': t('tools.score_label', { score, grade: r.grade }), text: String(score) }),
          el('div', null, el('div', { class: 'headline', text: `${t('tools.security_score')}: ${score ?? '—'}/100 · ${t('tools.grade')} ${r.grade ?? '—'}` }),
            el('div', { class: 'subtle', text: [r.status_code ? `HTTP ${r.status_code}` : '', r.final_url || r.url, ms(r.response_time)].filter(Boolean).join(' · ') }))),
        errorLine(r),
        headers.length ? table(['tools.header', 'tools.present', 'tools.value', 'tools.points'], headers.map(([name, h]) => [
          el('code', { text: name }),
          badge(h.present, 'tools.present_yes', 'tools.present_no'),
          h.value === null ? '—' : el('code', { text: h.value }),
          `${h.score}/${h.max_score}`,
        ])) : null,
        r.findings && r.findings.length ? el('div', null, el('h3', { text: t('tools.findings') }),
          el('ul', { class: 'alert-list' }, r.findings.map((f) => el('li', { class: 'alert-item' },
            el('div', { class: 'title' }, el('span', { class: `badge plain ${f.severity}`, text: t(`severity.${f.severity}`, undefined, f.severity) }), ' ', el('code', { text: f.header })),
            el('div', { class: 'message', text: f.message }))))) : el('p', { class: 'form-ok', text: t('tools.no_findings') }),
      ];
    },
    api(r) {
      const assertions = r.assertions || [];
      return [
        head(r, badge(r.is_valid, 'tools.valid', 'tools.invalid'), r.status_code ? `HTTP ${r.status_code}` : null),
        errorLine(r),
        kv([['tools.status_check', r.expected_status == null ? t('tools.status_any') : el('span', null, badge(r.status_ok, 'tools.pass', 'tools.fail'), ` ${t('tools.expected')} ${r.expected_status}`)],
          ['tools.final_url', r.final_url], ['tools.content_type', r.content_type]]),
        assertions.length ? el('div', null, el('h3', { text: t('tools.assertions') }),
          table(['tools.result', 'tool.field.assert_path', 'tool.field.assert_operator', 'tools.expected', 'tools.actual', 'tools.message'],
            assertions.map((a) => [badge(a.passed, 'tools.pass', 'tools.fail'), el('code', { text: a.path }), t(`op.${a.operator}`, undefined, a.operator),
              a.expected === undefined || a.operator === 'exists' ? '—' : el('code', { text: JSON.stringify(a.expected) }),
              a.actual === undefined ? '—' : el('code', { text: JSON.stringify(a.actual) }), a.message || '']))) : null,
        r.response_body ? el('div', null, el('h3', { text: t('tools.response_body') + (r.response_truncated ? ` (${t('tools.truncated')})` : '') }),
          el('pre', { class: 'body', text: r.response_body })) : null,
      ];
    },
    ssl(r) {
      const days = r.days_remaining;
      return [head(r, badge(r.is_valid, 'tools.valid', 'tools.invalid', r.is_valid && r.warning ? 'warn' : null), `${r.host}:${r.port}`),
        errorLine(r),
        r.warning_message ? el('p', { class: 'form-error', text: r.warning_message }) : null,
        kv([['tools.issuer', r.issuer], ['tools.subject', r.subject], ['tools.san', r.san && r.san.length ? r.san.join(', ') : null],
          ['tools.valid_from', r.valid_from ? PM.fmtDate(r.valid_from) : null], ['tools.expires_at', r.expires_at ? PM.fmtDate(r.expires_at) : null],
          ['tools.days_remaining', days === null ? null : t('tools.days', { n: days })], ['tools.tls_version', r.tls_version],
          ['tools.invalid_reason', r.invalid_reason || r.authorization_error], ['tools.fingerprint', r.fingerprint256 ? el('code', { text: r.fingerprint256 }) : null]])];
    },
    domain(r) {
      const ok = r.expires_at !== null && !r.error_message;
      return [head(r, badge(ok, r.warning ? 'tools.expiring' : 'tools.registered', 'tools.unknown', ok && r.warning ? 'warn' : null), r.domain),
        errorLine(r),
        kv([['tools.expires_at', r.expires_at ? PM.fmtDate(r.expires_at) : null], ['tools.days_remaining', r.days_remaining === null ? null : t('tools.days', { n: r.days_remaining })],
          ['tools.registrar', r.registrar], ['tools.registered_at', r.registered_at ? PM.fmtDate(r.registered_at) : null],
          ['tools.source', r.source ? `${String(r.source).toUpperCase()}${r.server ? ` (${r.server})` : ''}` : null], ['tools.cached', t(r.cached ? 'common.yes' : 'common.no')]])];
    },
  };

  // ---------- tabs ----------
  function buildTool(tool, tabs, panels) {
    const tabId = `tab-${tool.name}`;
    const panelId = `panel-${tool.name}`;
    const tab = el('button', { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'aria-selected': 'false', tabindex: '-1', text: t(`tool.${tool.name}`) });
    const result = el('div', { class: 'result', id: `result-${tool.name}`, 'aria-live': 'polite' });
    const assertBox = tool.assertions ? el('div', { id: 'assertions' }) : null;
    const addAssertion = tool.assertions ? el('button', { type: 'button', class: 'btn small', id: 'add-assertion', text: t('tools.add_assertion') }) : null;
    const submit = el('button', { type: 'submit', class: 'btn primary', text: t('tools.run') });
    const form = el('form', { novalidate: true, 'data-tool': tool.name },
      el('div', { class: 'form-error', 'data-form-error': true, role: 'alert', tabindex: '-1' }),
      el('div', { class: 'fields-2' }, tool.fields.filter((f) => f.kind !== 'headers' && f.kind !== 'textarea').map((f) => fieldNode(tool, f))),
      tool.fields.filter((f) => f.kind === 'headers' || f.kind === 'textarea').map((f) => fieldNode(tool, f)),
      tool.assertions ? el('fieldset', null, el('legend', { text: t('tools.assertions') }), assertBox, addAssertion) : null,
      el('div', { class: 'btn-row' }, submit));
    if (addAssertion) addAssertion.addEventListener('click', () => assertionRow(assertBox));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      PM.busy(submit, async () => {
        PM.clearErrors(form);
        result.replaceChildren(el('p', { class: 'subtle', text: t('tools.running') }));
        try {
          const body = bodyOf(tool, form);
          const r = await PM.request(`/tools/${tool.name}`, { method: 'POST', body });
          result.replaceChildren(el('div', { class: 'card', 'data-result': tool.name }, renderers[tool.name](r)));
        } catch (err) {
          result.replaceChildren();
          PM.showErrors(form, err);
        }
      });
    });
    const panel = el('section', { class: 'card', role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, hidden: true },
      el('h2', { text: t(`tool.${tool.name}`) }),
      el('p', { class: 'subtle', text: t(`tool.${tool.name}.about`) }),
      form, result);
    tabs.append(tab);
    panels.append(panel);
    return { tab, panel, form };
  }

  async function start() {
    if (!PM.requireAuth()) return;
    PM.i18n.apply();
    PM.renderHeader('tools.html');
    // The forms are built in the user's language, so the settings come first.
    try {
      await PM.me();
      await PM.loadSettings();
    } catch (err) {
      if (err.status === 401) return;
    }
    PM.i18n.apply();
    PM.renderHeader('tools.html');
    const tabs = document.getElementById('tool-tabs');
    const panels = document.getElementById('tool-panels');
    const built = TOOLS.map((tool) => buildTool(tool, tabs, panels));
    function select(i, focus) {
      built.forEach((b, j) => {
        const on = i === j;
        b.tab.setAttribute('aria-selected', String(on));
        b.tab.tabIndex = on ? 0 : -1;
        b.panel.hidden = !on;
      });
      if (focus) built[i].tab.focus();
      history.replaceState(null, '', `#${TOOLS[i].name}`);
    }
    built.forEach((b, i) => {
      b.tab.addEventListener('click', () => select(i, false));
      b.tab.addEventListener('keydown', (e) => {
        const n = built.length;
        if (e.key === 'ArrowRight') select((i + 1) % n, true);
        else if (e.key === 'ArrowLeft') select((i - 1 + n) % n, true);
        else if (e.key === 'Home') select(0, true);
        else if (e.key === 'End') select(n - 1, true);
        else return;
        e.preventDefault();
      });
    });
    const fromHash = () => Math.max(0, TOOLS.findIndex((x) => x.name === location.hash.slice(1)));
    window.addEventListener('hashchange', () => select(fromHash(), false));
    select(fromHash(), false);
  }

  start();
})();
