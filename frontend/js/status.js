// status.html: the public status page (spec 9). Needs no sign-in. /api/v1/status/ is not built yet,
// so a 404 shows a plain "not available yet" state instead of an error.
(function () {
  'use strict';
  const { el } = PM;
  const t = (k, v) => PM.i18n.t(k, v);
  const root = document.getElementById('status-root');

  function overallClass(s) {
    return s === 'operational' ? 'ok' : s === 'degraded' ? 'warn' : s === 'major_outage' ? 'bad' : 'neutral';
  }

  function render(data) {
    const overall = data && typeof data.status === 'string' ? data.status : data && data.overall_status;
    const projects = (data && (data.projects || data.items)) || [];
    root.replaceChildren(
      el('div', { class: 'card status-hero' },
        el('span', { class: `badge ${overallClass(overall)}`, text: t(`status.overall.${overall}`, undefined, overall || '—') })),
      projects.length
        ? el('ul', { class: 'alert-list card' }, projects.map((p) => el('li', { class: 'alert-item' },
            el('div', { class: 'title', text: p.title || p.name || `#${p.id}` }),
            el('span', { class: `badge ${p.is_available === false || p.status === 'down' ? 'bad' : 'ok'}`, text: p.status || (p.is_available === false ? t('state.down') : t('state.up')) }))))
        : el('p', { class: 'empty', text: t('status.no_projects') }));
  }

  async function start() {
    PM.i18n.apply();
    PM.renderHeader('status.html');
    try {
      render(await PM.request('/status/', { auth: false }));
    } catch (err) {
      if (err.status === 404) {
        root.replaceChildren(el('div', { class: 'card status-hero', 'data-state': 'unavailable' },
          el('div', { class: 'icon', 'aria-hidden': 'true', text: '🛠' }),
          el('h2', { text: t('status.unavailable') }),
          el('p', { class: 'subtle', text: t('status.unavailable_hint') })));
      } else {
        root.replaceChildren(el('p', { class: 'form-error', role: 'alert', text: err.message || String(err) }));
      }
    }
  }

  start();
})();
