// @ts-check
// The 90-day uptime bar of the status page (issue 12): one cell per day, oldest first. Each cell's title
// and aria-label carry the date and the availability ("2026-10-16: 95.83%"); hovering, focusing or
// tapping a cell shows that day's downtime and incidents below the bar. Arrow keys move between days.
import { el } from '../lib/dom.js';
import { formatPercent } from '../lib/format.js';
import { t } from '../lib/i18n.js';

/**
 * One day of `GET /api/v1/status/{id}` history.
 * @typedef {{ date: string, availability: number | null, downtime_minutes?: number, incident_count?: number }} DayFigure
 */
/**
 * @typedef {{ title?: string | null, started_at: string, ended_at?: string | null, error_message?: string | null }} DayIncident
 */

/** @param {number | null} availability */
export function levelOf(availability) {
  if (availability === null) return 'nodata';
  if (availability >= 99.9) return 'up';
  if (availability >= 99) return 'minor';
  if (availability >= 95) return 'partial';
  return 'major';
}

/** "2026-10-16: 95.83%", or the no-data text. @param {DayFigure} day */
export function dayLabel(day) {
  return `${day.date}: ${day.availability === null ? t('uptime.no_data') : formatPercent(day.availability)}`;
}

/**
 * @param {DayFigure[]} days oldest first
 * @param {{ label: string, incidents?: Record<string, DayIncident[]>, formatTime?: (iso: string) => string }} opts
 */
export function createUptimeBar(days, { label, incidents = {}, formatTime = (iso) => iso }) {
  const detail = el('div', { class: 'uptime-detail', 'aria-live': 'polite' });
  const cells = days.map((day, i) =>
    el('li', {
      class: `uptime-cell ${levelOf(day.availability)}`,
      title: dayLabel(day),
      'aria-label': dayLabel(day),
      tabindex: i === days.length - 1 ? '0' : '-1',
      dataset: { date: day.date },
    }),
  );
  const list = el('ol', { class: 'uptime-cells', 'aria-label': label }, cells);

  /** @param {number} i */
  function show(i) {
    const day = days[i];
    if (!day) return;
    cells.forEach((c, j) => c.classList.toggle('selected', i === j));
    const parts = [dayLabel(day)];
    if (day.downtime_minutes) parts.push(t('uptime.downtime', { n: day.downtime_minutes }));
    if (day.incident_count) parts.push(t('uptime.incidents', { n: day.incident_count }));
    const items = incidents[day.date] ?? [];
    detail.replaceChildren(parts.join(' · '));
    if (items.length) {
      detail.append(el('ul', { class: 'uptime-incidents' }, items.map((x) => el('li', null,
            el('time', { datetime: x.started_at, text: formatTime(x.started_at) }),
            x.ended_at ? ` – ${formatTime(x.ended_at)}` : ` – ${t('uptime.ongoing')}`,
            x.title || x.error_message ? ` · ${x.title ?? x.error_message}` : null))));
    }
  }

  /** @param {number} i */
  function focusCell(i) {
    const next = cells[Math.max(0, Math.min(cells.length - 1, i))];
    if (!next) return;
    for (const c of cells) c.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }

  cells.forEach((cell, i) => {
    cell.addEventListener('mouseenter', () => show(i));
    cell.addEventListener('focus', () => show(i));
    cell.addEventListener('click', () => show(i));
    cell.addEventListener('keydown', (e) => {
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: cells.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      focusCell(to);
    });
  });

  return el('div', { class: 'uptime-bar' }, list,
    el('div', { class: 'uptime-legend', 'aria-hidden': 'true' },
      el('span', { text: t('uptime.days_ago', { n: days.length }) }), el('span', { text: t('uptime.today') })),
    detail);
}
