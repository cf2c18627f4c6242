// @ts-check
// A small inline SVG of recent response times, oldest left; failed checks are red dots on the baseline.
import { svg } from '../lib/dom.js';

/** @typedef {{ value: number | null, ok: boolean }} SparkPoint */

/**
 * @param {SparkPoint[]} points oldest first
 * @param {{ label: string, width?: number, height?: number }} opts
 * @returns {SVGSVGElement}
 */
export function createSparkline(points, { label, width = 120, height = 32 }) {
  const P = 2;
  const root = svg('svg', { class: 'sparkline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  const values = points.flatMap((p) => (p.ok && typeof p.value === 'number' ? [p.value] : []));
  const max = Math.max(...values, 1);
  const floor = Math.min(values.length ? Math.min(...values) : 0, max * 0.5);
  const x = (/** @type {number} */ i) => (points.length > 1 ? P + (i * (width - 2 * P)) / (points.length - 1) : width / 2);
  const y = (/** @type {number} */ v) => height - P - ((v - floor) / Math.max(max - floor, 1)) * (height - 2 * P);
  /** @type {[number, number][]} */
  const coords = [];
  points.forEach((p, i) => {
    if (p.ok && typeof p.value === 'number') coords.push([x(i), y(p.value)]);
  });
  const first = coords[0];
  const last = coords[coords.length - 1];
  if (coords.length > 1 && first && last) {
    const d = coords.map(([cx, cy]) => `${cx.toFixed(1)},${cy.toFixed(1)}`).join(' ');
    root.append(
      svg('polygon', { class: 'area', points: `${first[0].toFixed(1)},${height - P} ${d} ${last[0].toFixed(1)},${height - P}` }),
      svg('polyline', { class: 'line', points: d }),
    );
  } else if (first) {
    root.append(svg('circle', { class: 'line', cx: first[0], cy: first[1], r: 2 }));
  }
  points.forEach((p, i) => {
    if (!p.ok) root.append(svg('circle', { class: 'fail', cx: x(i), cy: height - P - 1, r: 2.2 }));
  });
  return root;
}
