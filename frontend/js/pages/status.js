// @ts-check
// status.html: the public status page (spec 9). Needs no sign-in, and anonymous visitors get no
// signed-in navigation. Its API (issue 12) is not built yet: the page says so without asking for it,
// so nothing fails in the console; the page is wired to /api/v1/status/ when that lands.
import { byId, el, svg } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { pageReady, startPage } from '../lib/shell.js';

await startPage({ active: 'status.html', auth: 'optional' });

const icon = svg('svg', { class: 'icon', width: 48, height: 48, viewBox: '0 0 48 48', 'aria-hidden': 'true' },
  svg('circle', { cx: 24, cy: 24, r: 20, fill: 'none', stroke: 'currentColor', 'stroke-width': 3 }),
  svg('path', { d: 'M24 12v13l8 5', fill: 'none', stroke: 'currentColor', 'stroke-width': 3, 'stroke-linecap': 'round' }));
byId('status-root').replaceChildren(el('div', { class: 'card status-hero', 'data-state': 'unavailable' },
  icon,
  el('h2', { text: t('status.unavailable') }),
  el('p', { class: 'subtle', text: t('status.unavailable_hint') })));
pageReady();
