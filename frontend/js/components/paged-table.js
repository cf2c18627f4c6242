// @ts-check
// A table that renders one page of its rows at a time, so a thousand projects cost a page of DOM.
// On narrow screens table.responsive turns rows into cards, labelled from each cell's data-label.
import { el } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/**
 * @template Row
 * @typedef {object} Column
 * @property {string} header
 * @property {boolean} [hiddenHeader] header read by screen readers only
 * @property {string} [className] on the header and each cell ('num' right-aligns)
 * @property {(row: Row) => import('../lib/dom.js').Children} cell
 */

/**
 * @template Row
 * @param {{
 *   caption: string,
 *   columns: Column<Row>[],
 *   rowKey: (row: Row) => string | number,
 *   pageSize?: number,
 *   bodyId?: string,
 *   empty: () => import('../lib/dom.js').Children,
 * }} opts
 */
export function createPagedTable(opts) {
  const pageSize = opts.pageSize ?? 50;
  /** @type {Row[]} */
  let rows = [];
  let page = 1;
  const body = el('tbody', { id: opts.bodyId ?? null });
  const table = el('table', { class: 'responsive' },
    el('caption', { class: 'visually-hidden', text: opts.caption }),
    el('thead', null, el('tr', null, opts.columns.map((c) =>
      el('th', { scope: 'col', class: c.className ?? null }, c.hiddenHeader ? el('span', { class: 'visually-hidden', text: c.header }) : c.header)))),
    body);
  const status = el('span', { class: 'pager-status', 'aria-live': 'polite' });
  const prev = el('button', { type: 'button', class: 'btn small', 'data-page': 'prev', text: t('pager.prev'), on: { click: () => goTo(page - 1) } });
  const next = el('button', { type: 'button', class: 'btn small', 'data-page': 'next', text: t('pager.next'), on: { click: () => goTo(page + 1) } });
  const pager = el('nav', { class: 'pager', 'aria-label': t('pager.label') }, prev, status, next);
  const element = el('div', { class: 'paged-table' }, el('div', { class: 'table-wrap' }, table), pager);

  const pages = () => Math.max(1, Math.ceil(rows.length / pageSize));

  /** @param {Row} row */
  function renderRow(row) {
    return el('tr', { 'data-key': String(opts.rowKey(row)) },
      opts.columns.map((c) => el('td', { class: c.className ?? null, 'data-label': c.header }, c.cell(row))));
  }

  function render() {
    if (rows.length === 0) {
      body.replaceChildren(el('tr', null, el('td', { colspan: opts.columns.length, class: 'empty' }, opts.empty())));
    } else {
      body.replaceChildren(...rows.slice((page - 1) * pageSize, page * pageSize).map(renderRow));
    }
    const from = rows.length === 0 ? 0 : (page - 1) * pageSize + 1;
    status.textContent = t('pager.status', { from, to: Math.min(page * pageSize, rows.length), total: rows.length, page, pages: pages() });
    prev.disabled = page <= 1;
    next.disabled = page >= pages();
    pager.hidden = rows.length <= pageSize;
  }

  /** @param {number} n */
  function goTo(n) {
    page = Math.max(1, Math.min(pages(), n));
    render();
  }

  return {
    element,
    table,
    body,
    /**
     * Replaces the rows; stays on the same page when it still exists.
     * @param {Row[]} next
     */
    setRows(next) {
      rows = next;
      page = Math.min(page, pages());
      render();
    },
    /** Re-renders one row if it is on the current page. @param {string | number} key */
    update(key) {
      const index = rows.findIndex((r) => String(opts.rowKey(r)) === String(key));
      if (index < 0 || Math.floor(index / pageSize) + 1 !== page) return;
      const old = body.querySelector(`tr[data-key="${CSS.escape(String(key))}"]`);
      const row = rows[index];
      if (old && row !== undefined) old.replaceWith(renderRow(row));
    },
    goTo,
    get page() {
      return page;
    },
    get pages() {
      return pages();
    },
  };
}
