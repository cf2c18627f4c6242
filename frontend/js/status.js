// status.html: the public status page (spec 9). Needs no sign-in. /api/v1/status/ is not built yet,
// so a 404 shows a plain "not available yet" state instead of an error.
(function () {
  'use strict';
  const { el } = PM;
  const t = (k, v) => PM.i18n.t(k, v);
  const root = document.getElementById('status-root');

  function clockIcon() {
    const icon = PM.svg('svg', { class: 'icon', width: 48, height: 48, viewBox: '0 0 48 48', 'aria-hidden': 'true' });
    icon.append(PM.svg('circle', { cx: 24, cy: 24, r: 20, fill: 'none', stroke: 'currentColor', 'stroke-width': 3 }),
      PM.svg('path', { d: 'M24 12v13l8 5', fill: 'none', stroke: 'currentColor', 'stroke-width': 3, 'stroke-linecap': 'round' }));
    return icon;
  }

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
          clockIcon(),
          el('h2', { text: t('status.unavailable') }),
          el('p', { class: 'subtle', text: t('status.unavailable_hint') })));
      } else {
        root.replaceChildren(el('p', { class: 'form-error', role: 'alert', text: err.message || String(err) }));
      }
    }
  }

  start();
})();
