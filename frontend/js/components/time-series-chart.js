// @ts-check
// Time-series charts over uPlot (served from frontend/vendor/uplot, copied from the npm package):
// response time as the average with a band up to the p95, and availability per bucket. Data come in
// the shapes of the chart endpoints of issue 19 (one point per bucket); the axis shows the user's
// time zone, the colours follow the theme, and the chart follows its container's width.
import uPlot from '../../vendor/uplot/uPlot.esm.min.js';
import { el } from '../lib/dom.js';
import { formatMs, formatPercent, localeTag, userTimeZone } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { cssColor } from '../lib/theme.js';

/**
 * A bucket of `GET /projects/{id}/charts/response-time` (ms); `time` is the bucket's start, ISO 8601
 * or epoch milliseconds.
 * @typedef {{ time: string | number, avg: number | null, p95: number | null, min?: number | null, max?: number | null }} ResponseTimePoint
 */
/**
 * A bucket of `GET /projects/{id}/charts/availability` or of the dashboard chart (percent).
 * @typedef {{ time: string | number, availability: number | null }} AvailabilityPoint
 */
/**
 * @typedef {{ kind: 'response-time', points: ResponseTimePoint[] } | { kind: 'availability', points: AvailabilityPoint[] }} ChartInput
 */

/** uPlot's own stylesheet, linked once (a file, so a CSP without inline styles allows it). */
function ensureStylesheet() {
  const href = new URL('../../vendor/uplot/uPlot.min.css', import.meta.url).href;
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => l instanceof HTMLLinkElement && l.href === href)) return;
  document.head.append(el('link', { rel: 'stylesheet', href }));
}

/** @param {string | number} time @returns {number} epoch seconds */
function toSeconds(time) {
  return (typeof time === 'number' ? time : Date.parse(time)) / 1000;
}

/** @param {string} color @param {number} alpha */
function withAlpha(color, alpha) {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m || !m[1]) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/**
 * uPlot's columns: times, then one array per series (null = no data, drawn as a gap).
 * @param {ChartInput} input
 * @returns {uPlot.AlignedData}
 */
export function toAlignedData(input) {
  const n = input.points.length;
  const times = new Float64Array(n);
  if (input.kind === 'response-time') {
    /** @type {(number | null)[]} */
    const avg = new Array(n);
    /** @type {(number | null)[]} */
    const p95 = new Array(n);
    input.points.forEach((p, i) => {
      times[i] = toSeconds(p.time);
      avg[i] = p.avg;
      p95[i] = p.p95;
    });
    return [times, avg, p95];
  }
  /** @type {(number | null)[]} */
  const availability = new Array(n);
  input.points.forEach((p, i) => {
    times[i] = toSeconds(p.time);
    availability[i] = p.availability;
  });
  return [times, availability];
}

/** @param {string | number} time */
const dateText = (time) => new Date(toSeconds(time) * 1000).toLocaleString(localeTag());

/** A sentence for screen readers: what the chart shows. One pass, no spreading: 43,200 points is fine. @param {ChartInput} input */
export function describeChart(input) {
  const pts = input.points;
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (!first || !last) return t('chart.no_data');
  const range = `${dateText(first.time)} – ${dateText(last.time)}`;
  if (input.kind === 'response-time') {
    let sum = 0;
    let count = 0;
    let top = -Infinity;
    for (const p of input.points) {
      if (p.avg !== null) {
        sum += p.avg;
        count++;
      }
      if (p.p95 !== null && p.p95 > top) top = p.p95;
    }
    return t('chart.response_summary', { n: pts.length, range, avg: formatMs(count ? sum / count : null), p95: formatMs(top === -Infinity ? null : top) });
  }
  let low = Infinity;
  for (const p of input.points) if (p.availability !== null && p.availability < low) low = p.availability;
  return t('chart.availability_summary', { n: pts.length, range, min: formatPercent(low === Infinity ? null : low) });
}

/**
 * Tick labels in the user's time zone: hours for a span up to two days, dates beyond.
 * @param {string | undefined} timeZone
 * @returns {(splits: number[]) => string[]}
 */
function timeTicks(timeZone) {
  const zone = timeZone ? { timeZone } : {};
  const hours = new Intl.DateTimeFormat(localeTag(), { ...zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const days = new Intl.DateTimeFormat(localeTag(), { ...zone, month: 'numeric', day: 'numeric' });
  return (splits) => {
    const span = splits.length > 1 ? (splits[splits.length - 1] ?? 0) - (splits[0] ?? 0) : 0;
    const fmt = span <= 2 * 86400 ? hours : days;
    return splits.map((s) => fmt.format(new Date(s * 1000)));
  };
}

/**
 * @param {ChartInput} input
 * @param {number} width
 * @param {number} height
 * @returns {uPlot.Options}
 */
function optionsFor(input, width, height) {
  const accent = cssColor('--accent') || '#2457d6';
  const warn = cssColor('--warn') || '#8a5a00';
  const ok = cssColor('--ok') || '#137a3f';
  const muted = cssColor('--muted') || '#5b6478';
  const grid = cssColor('--border') || '#d9dee8';
  const timeZone = userTimeZone();
  const ticks = timeTicks(timeZone);
  const legendTime = new Intl.DateTimeFormat(localeTag(), { ...(timeZone ? { timeZone } : {}), dateStyle: 'medium', timeStyle: 'short' });
  /** @type {uPlot.Axis} */
  const xAxis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, values: (_u, splits) => ticks(splits) };
  /** @type {uPlot.Series} */
  const timeSeries = { label: t('chart.time'), value: (_u, v) => (v === null ? '—' : legendTime.format(new Date(v * 1000))) };
  const base = { width, height, cursor: { drag: { x: true, y: false } }, legend: { live: true } };
  if (input.kind === 'response-time') {
    return {
      ...base,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max ?? 0, 1) * 1.1] } },
      series: [
        timeSeries,
        { label: t('chart.avg'), stroke: accent, width: 2, value: (_u, v) => formatMs(v), spanGaps: false },
        { label: t('chart.p95'), stroke: warn, width: 1, dash: [4, 3], value: (_u, v) => formatMs(v), spanGaps: false },
      ],
      // The band between the average and the p95.
      bands: [{ series: [2, 1], fill: withAlpha(accent, 0.18) }],
      axes: [xAxis, { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, size: 60, values: (_u, splits) => splits.map((v) => formatMs(v)) }],
    };
  }
  return {
    ...base,
    scales: { x: { time: true }, y: { range: (_u, min) => [Math.max(0, Math.min(min ?? 100, 99) - 1), 100] } },
    series: [
      timeSeries,
      { label: t('chart.availability'), stroke: ok, width: 2, fill: withAlpha(ok, 0.12), value: (_u, v) => formatPercent(v), spanGaps: false },
    ],
    axes: [xAxis, { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, size: 60, values: (_u, splits) => splits.map((v) => formatPercent(v)) }],
  };
}

/**
 * Draws a chart into `host`.
 * @param {HTMLElement} host
 * @param {ChartInput} input
 * @param {{ height?: number, label: string }} opts
 */
export function createTimeSeriesChart(host, input, { height = 220, label }) {
  ensureStylesheet();
  let current = input;
  let data = toAlignedData(input);
  const summary = el('p', { class: 'visually-hidden' });
  let description = describeChart(input);
  const canvasHost = el('div', { class: 'chart-canvas' });
  const figure = el('figure', { class: 'chart', 'aria-label': label }, canvasHost, summary);
  host.replaceChildren(figure);
  const widthNow = () => Math.max(200, Math.floor(canvasHost.clientWidth || host.clientWidth || 600));

  /** @type {uPlot} */
  let plot = make();

  function make() {
    const p = new uPlot(optionsFor(current, widthNow(), height), data, canvasHost);
    p.ctx.canvas.setAttribute('role', 'img');
    p.ctx.canvas.setAttribute('aria-label', `${label}. ${description}`);
    summary.textContent = description;
    figure.dataset['points'] = String(current.points.length);
    return p;
  }

  function rebuild() {
    plot.destroy();
    plot = make();
  }

  const onTheme = () => rebuild();
  document.addEventListener('pm:themechange', onTheme);
  const resize = new ResizeObserver(() => {
    const w = widthNow();
    if (w !== plot.width) plot.setSize({ width: w, height });
  });
  resize.observe(canvasHost);

  return {
    get plot() {
      return plot;
    },
    element: figure,
    /** Replaces the data; a different kind of chart is rebuilt. @param {ChartInput} next */
    setData(next) {
      const rebuildNeeded = next.kind !== current.kind;
      current = next;
      data = toAlignedData(next);
      description = describeChart(next);
      if (rebuildNeeded) rebuild();
      else {
        plot.setData(data);
        plot.ctx.canvas.setAttribute('aria-label', `${label}. ${description}`);
        summary.textContent = description;
        figure.dataset['points'] = String(next.points.length);
      }
    },
    destroy() {
      resize.disconnect();
      document.removeEventListener('pm:themechange', onTheme);
      plot.destroy();
      figure.remove();
    },
  };
}
