import { notFound } from '../errors.ts';
import { findProject } from '../repositories/projects.ts';
import { findUserById } from '../repositories/users.ts';
import { pdfResultSchema } from './browser-messages.ts';
import type { Actor, ServiceContext } from './context.ts';
import { slaReport, type PeriodQuery } from './reports.ts';
import { maskUrlPassword } from '../model/secrets.ts';

// The printable SLA report (spec 8.4): one self-contained HTML page from the same figures as the
// JSON report, in the reader's language and time zone, charts drawn here as inline SVG. No script,
// no font, no image from elsewhere; the page's own CSP forbids every fetch. Chromium prints it to PDF.

export type SlaReport = Awaited<ReturnType<typeof slaReport>>;
type Language = 'ko' | 'en';

const words = {
  en: {
    title: 'SLA report',
    period: 'Period',
    generated: 'Generated',
    timeZone: 'Time zone',
    availability: 'Availability',
    target: 'Target',
    met: 'SLA met',
    missed: 'SLA missed',
    noData: 'No data',
    downtime: 'Downtime',
    allowed: 'Allowed downtime',
    maintenance: 'Maintenance',
    noDataTime: 'No data',
    incidents: 'Incidents',
    responseTime: 'Response time',
    avg: 'Average',
    min: 'Min',
    max: 'Max',
    p95: 'P95',
    source: 'Source',
    sources: { raw: 'raw results', rollup: 'rollups' },
    dailyAvailability: 'Daily availability',
    dailyResponse: 'Daily average response time',
    daily: 'Days',
    date: 'Date',
    checks: 'Checks',
    started: 'Started',
    ended: 'Ended',
    duration: 'Duration',
    error: 'Error',
    ongoing: 'ongoing',
    noIncidents: 'No incidents in this period.',
    minutes: 'min',
    definition: 'Availability is measured in time: each result covers the time until the next one (at most one check interval); maintenance and gaps without data are left out.',
  },
  ko: {
    title: 'SLA 리포트',
    period: '기간',
    generated: '생성 시각',
    timeZone: '시간대',
    availability: '가용률',
    target: '목표',
    met: 'SLA 충족',
    missed: 'SLA 미달',
    noData: '데이터 없음',
    downtime: '다운타임',
    allowed: '허용 다운타임',
    maintenance: '점검 시간',
    noDataTime: '데이터 없음',
    incidents: '인시던트',
    responseTime: '응답 시간',
    avg: '평균',
    min: '최소',
    max: '최대',
    p95: 'P95',
    source: '출처',
    sources: { raw: '원본 결과', rollup: '롤업' },
    dailyAvailability: '일별 가용률',
    dailyResponse: '일별 평균 응답 시간',
    daily: '일별 분석',
    date: '날짜',
    checks: '점검 수',
    started: '시작',
    ended: '종료',
    duration: '지속 시간',
    error: '오류',
    ongoing: '진행 중',
    noIncidents: '이 기간에는 인시던트가 없습니다.',
    minutes: '분',
    definition: '가용률은 시간 기준입니다. 각 결과는 다음 결과까지의 시간(최대 점검 주기 하나)을 대표하며, 점검 시간과 데이터가 없는 구간은 제외합니다.',
  },
} as const;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface SlaPageMeta {
  title: string;
  url: string;
  language: Language;
  timeZone: string;
  generatedAt: Date;
}

function formatters(language: Language, timeZone: string) {
  const locale = language === 'ko' ? 'ko-KR' : 'en-GB';
  const dateTime = new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const number = (digits: number) => new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const pct = number(3);
  const ms = number(0);
  const min = number(1);
  return {
    dateTime: (d: Date | string) => dateTime.format(new Date(d)),
    pct: (v: number | null) => (v === null ? '–' : `${pct.format(v)}%`),
    ms: (v: number | null) => (v === null ? '–' : `${ms.format(v)} ms`),
    min: (v: number) => min.format(v),
  };
}

const W = 720;
const H = 200;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/** Daily availability as bars against the target line; days without data are left empty. */
function availabilityChart(daily: SlaReport['daily'], target: number, label: string, f: ReturnType<typeof formatters>): string {
  const values = daily.map((d) => d.availability).filter((v): v is number => v !== null);
  const low = Math.min(target, ...values);
  const yMin = Math.max(0, Math.floor(low - Math.max(0.1, (100 - low) * 0.5)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + plotH * (1 - (v - yMin) / (100 - yMin));
  const step = plotW / Math.max(daily.length, 1);
  const bars = daily
    .map((d, i) => {
      if (d.availability === null) return '';
      const top = y(Math.max(d.availability, yMin));
      const cls = d.availability >= target ? 'ok' : 'bad';
      return `<rect class="${cls}" x="${(PAD.left + i * step + step * 0.15).toFixed(1)}" y="${top.toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${(PAD.top + plotH - top).toFixed(1)}"><title>${escapeHtml(d.date)}: ${f.pct(d.availability)}</title></rect>`;
    })
    .join('');
  const first = daily[0]?.date ?? '';
  const last = daily[daily.length - 1]?.date ?? '';
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(label)}">
<line class="axis" x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}"/>
<text class="tick" x="${PAD.left - 6}" y="${y(100) + 4}" text-anchor="end">100%</text>
<text class="tick" x="${PAD.left - 6}" y="${y(yMin) + 4}" text-anchor="end">${yMin}%</text>
${bars}
<line class="target" x1="${PAD.left}" y1="${y(target).toFixed(1)}" x2="${W - PAD.right}" y2="${y(target).toFixed(1)}"/>
<text class="tick" x="${W - PAD.right}" y="${(y(target) - 4).toFixed(1)}" text-anchor="end">${f.pct(target)}</text>
<text class="tick" x="${PAD.left}" y="${H - 8}">${escapeHtml(first)}</text>
<text class="tick" x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${escapeHtml(last)}</text>
</svg>`;
}

/** Daily average response time as a line (broken over days without data). */
function responseChart(daily: SlaReport['daily'], label: string, f: ReturnType<typeof formatters>): string {
  const values = daily.map((d) => d.avg_response_time).filter((v): v is number => v !== null);
  const top = Math.max(1, ...values) * 1.1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(daily.length, 1);
  const x = (i: number) => PAD.left + i * step + step / 2;
  const y = (v: number) => PAD.top + plotH * (1 - v / top);
  const runs: string[] = [];
  let run: string[] = [];
  daily.forEach((d, i) => {
    if (d.avg_response_time === null) {
      if (run.length) runs.push(run.join(' '));
      run = [];
    } else run.push(`${x(i).toFixed(1)},${y(d.avg_response_time).toFixed(1)}`);
  });
  if (run.length) runs.push(run.join(' '));
  const lines = runs.map((points) => `<polyline class="line" points="${points}"/>`).join('');
  const dots = daily
    .map((d, i) => (d.avg_response_time === null ? '' : `<circle class="dot" cx="${x(i).toFixed(1)}" cy="${y(d.avg_response_time).toFixed(1)}" r="2"><title>${escapeHtml(d.date)}: ${f.ms(d.avg_response_time)}</title></circle>`))
    .join('');
  const first = daily[0]?.date ?? '';
  const last = daily[daily.length - 1]?.date ?? '';
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(label)}">
<line class="axis" x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}"/>
<text class="tick" x="${PAD.left - 6}" y="${y(top) + 4}" text-anchor="end">${f.ms(top)}</text>
<text class="tick" x="${PAD.left - 6}" y="${y(0) + 4}" text-anchor="end">0</text>
${lines}${dots}
<text class="tick" x="${PAD.left}" y="${H - 8}">${escapeHtml(first)}</text>
<text class="tick" x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${escapeHtml(last)}</text>
</svg>`;
}

const STYLE = `
@page { size: A4; margin: 14mm; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans KR", "Malgun Gothic", sans-serif; color: #1a1a1a; margin: 24px; font-size: 13px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 22px 0 8px; border-bottom: 1px solid #ccc; padding-bottom: 4px; }
.meta { color: #555; margin: 2px 0; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin-top: 14px; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 10px; }
.card .label { color: #666; font-size: 11px; }
.card .value { font-size: 18px; font-weight: 600; margin-top: 2px; }
.verdict.met { color: #1b7f3b; } .verdict.missed { color: #b3261e; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eee; vertical-align: top; }
th { color: #555; font-weight: 600; font-size: 11px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
svg { width: 100%; height: auto; display: block; }
svg .axis { stroke: #999; stroke-width: 1; }
svg .target { stroke: #b3261e; stroke-width: 1; stroke-dasharray: 4 3; }
svg .ok { fill: #3a9d5d; } svg .bad { fill: #d9534f; }
svg .line { fill: none; stroke: #2f6fb3; stroke-width: 1.5; } svg .dot { fill: #2f6fb3; }
svg .tick { font-size: 10px; fill: #555; }
.note { color: #666; font-size: 11px; margin-top: 18px; }
section, tr, .card, svg { break-inside: avoid; }
@media print { body { margin: 0; } h2 { break-after: avoid; } }
`;

/** The report page: figures, two charts, the days and the incidents. */
export function renderSlaPage(report: SlaReport, meta: SlaPageMeta): string {
  const w = words[meta.language];
  const f = formatters(meta.language, meta.timeZone);
  const verdict = report.sla_met === null ? `<span class="verdict">${w.noData}</span>` : `<span class="verdict ${report.sla_met ? 'met' : 'missed'}">${report.sla_met ? w.met : w.missed}</span>`;
  const card = (label: string, value: string) => `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${value}</div></div>`;
  const rt = report.response_time;
  const days = report.daily
    .map((d) => `<tr><td>${escapeHtml(d.date)}</td><td class="num">${f.pct(d.availability)}</td><td class="num">${f.min(d.downtime_minutes)}</td><td class="num">${f.ms(d.avg_response_time)}</td><td class="num">${d.checks}</td></tr>`)
    .join('\n');
  const incidents = report.incidents.length
    ? `<table><thead><tr><th>${w.started}</th><th>${w.ended}</th><th class="num">${w.duration} (${w.minutes})</th><th>${w.error}</th></tr></thead><tbody>
${report.incidents.map((i) => `<tr><td>${f.dateTime(i.started_at)}</td><td>${i.ended_at ? f.dateTime(i.ended_at) : w.ongoing}</td><td class="num">${f.min(i.duration_minutes)}</td><td>${escapeHtml(i.error_message ?? '')}</td></tr>`).join('\n')}
</tbody></table>`
    : `<p>${w.noIncidents}</p>`;
  return `<!doctype html>
<html lang="${meta.language}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${w.title}: ${meta.title} (${w.availability} ${f.pct(report.availability)})`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(w.title)}: ${escapeHtml(meta.title)}</h1>
<p class="meta">${escapeHtml(meta.url)}</p>
<p class="meta">${w.period}: ${f.dateTime(report.period.from)} – ${f.dateTime(report.period.to)} (${w.timeZone}: ${escapeHtml(meta.timeZone)})</p>
<p class="meta">${w.generated}: ${f.dateTime(meta.generatedAt)}</p>
</header>
<section class="cards">
${card(w.availability, `${f.pct(report.availability)}`)}
${card(w.target, `${f.pct(report.target_availability)} ${verdict}`)}
${card(`${w.downtime} (${w.minutes})`, f.min(report.downtime_minutes))}
${card(`${w.allowed} (${w.minutes})`, f.min(report.allowed_downtime_minutes))}
${card(w.incidents, String(report.incident_count))}
${card(`${w.maintenance} (${w.minutes})`, f.min(report.maintenance_minutes))}
${card(`${w.noDataTime} (${w.minutes})`, f.min(report.no_data_minutes))}
${card(`${w.responseTime} ${w.avg}`, f.ms(rt.avg))}
</section>
<section>
<h2>${w.responseTime}</h2>
<table><thead><tr><th class="num">${w.avg}</th><th class="num">${w.min}</th><th class="num">${w.max}</th><th class="num">${w.p95}</th><th>${w.source}</th></tr></thead>
<tbody><tr><td class="num">${f.ms(rt.avg)}</td><td class="num">${f.ms(rt.min)}</td><td class="num">${f.ms(rt.max)}</td><td class="num">${f.ms(rt.p95)}</td><td>${w.sources[rt.source]}</td></tr></tbody></table>
</section>
<section>
<h2>${w.dailyAvailability}</h2>
${availabilityChart(report.daily, report.target_availability, w.dailyAvailability, f)}
</section>
<section>
<h2>${w.dailyResponse}</h2>
${responseChart(report.daily, w.dailyResponse, f)}
</section>
<section>
<h2>${w.incidents}</h2>
${incidents}
</section>
<section>
<h2>${w.daily}</h2>
<table><thead><tr><th>${w.date}</th><th class="num">${w.availability}</th><th class="num">${w.downtime} (${w.minutes})</th><th class="num">${w.responseTime} ${w.avg}</th><th class="num">${w.checks}</th></tr></thead>
<tbody>
${days}
</tbody></table>
</section>
<p class="note">${w.definition}</p>
</body>
</html>
`;
}

/** GET /projects/{id}/reports/sla.html: the page for the signed-in reader. */
export async function slaPage(ctx: ServiceContext, actor: Actor, projectId: number, q: PeriodQuery & { target?: number | undefined }): Promise<{ html: string; filename: string }> {
  const report = await slaReport(ctx, actor, projectId, q);
  const [project, reader] = await Promise.all([findProject(ctx.sql, projectId), findUserById(ctx.sql, actor.id)]);
  if (!project) throw notFound('project');
  const html = renderSlaPage(report, {
    title: project.title,
    // A printed report travels: never a password in the URL it shows.
    url: maskUrlPassword(project.url),
    language: reader?.language ?? 'ko',
    timeZone: report.time_zone,
    generatedAt: ctx.clock.now(),
  });
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return { html, filename: `sla-project-${projectId}-${day(report.period.from)}-${day(report.period.to)}` };
}

/** GET /projects/{id}/reports/sla.pdf: the same page printed by Chromium (locally, or the browser function on AWS). */
export async function slaPdf(ctx: ServiceContext, actor: Actor, projectId: number, q: PeriodQuery & { target?: number | undefined }): Promise<{ pdf: Uint8Array; filename: string }> {
  const page = await slaPage(ctx, actor, projectId, q);
  const result = pdfResultSchema.parse(await ctx.browser.run({ kind: 'pdf', html: page.html }));
  return { pdf: new Uint8Array(Buffer.from(result.pdf_base64, 'base64')), filename: page.filename };
}
