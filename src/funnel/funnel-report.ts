import { CsvCell, toCsv } from '../common/csv/csv';
import { ratioBasisPoints } from '../money/money-format';
import { CounterTotals } from './funnel-counters';
import { FunnelFiguresView, FunnelRateView } from './funnel.dto';

export function figuresFrom(listed: number, k: CounterTotals): FunnelFiguresView {
  return {
    listed,
    sent: k.sent,
    bounced: k.bounced,
    delivered: k.sent - k.bounced,
    openedHuman: k.opened_human,
    openedMachine: k.opened_machine,
    clickedHuman: k.clicked_human,
    clickedMachine: k.clicked_machine,
    registered: k.registered,
    activeReferrers: k.active_referrers,
    suppliers: k.suppliers,
    converted: k.converted,
  };
}

/** The rates of PRODUCT.md ("The funnel, defined"), plus bounce and click rates. */
const RATES: [string, keyof FunnelFiguresView, keyof FunnelFiguresView][] = [
  ['bounce', 'bounced', 'sent'],
  ['open', 'openedHuman', 'delivered'],
  ['click', 'clickedHuman', 'delivered'],
  ['registration', 'registered', 'openedHuman'],
  ['activation', 'activeReferrers', 'registered'],
  ['suppliersPerActive', 'suppliers', 'activeReferrers'],
  ['conversionOfOpened', 'converted', 'openedHuman'],
  ['conversionOfRegistered', 'converted', 'registered'],
];

export function ratesFrom(f: FunnelFiguresView): FunnelRateView[] {
  return RATES.map(([name, numerator, denominator]) => ({
    name,
    numerator,
    numeratorValue: f[numerator] as number,
    denominator,
    denominatorValue: f[denominator] as number,
    bp: ratioBasisPoints(f[numerator] as number, f[denominator] as number),
  }));
}

export function funnelCsv(f: FunnelFiguresView, rates: FunnelRateView[]): string {
  const rows: CsvCell[][] = [];
  for (const [name, value] of Object.entries(f)) rows.push(['figure', name, value as number, '', '']);
  for (const r of rates) rows.push(['rate_bp', r.name, r.bp, `${r.numerator}=${r.numeratorValue}`, `${r.denominator}=${r.denominatorValue}`]);
  return toCsv(['section', 'name', 'value', 'numerator', 'denominator'], rows);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export type StageTone = 'people' | 'machine' | 'bounced' | 'total';

/** The stages drawn, in order, and how each is drawn (machines grey and named so; bounced apart). */
export const CHART_STAGES: [keyof FunnelFiguresView, StageTone][] = [
  ['listed', 'total'],
  ['sent', 'total'],
  ['bounced', 'bounced'],
  ['delivered', 'total'],
  ['openedHuman', 'people'],
  ['openedMachine', 'machine'],
  ['clickedHuman', 'people'],
  ['clickedMachine', 'machine'],
  ['registered', 'people'],
  ['activeReferrers', 'people'],
  ['suppliers', 'people'],
  ['converted', 'people'],
];

const TONE_FILL: Record<StageTone, string> = { total: '#5b6b85', people: '#1f6feb', machine: 'url(#machine-hatch)', bounced: '#c2410c' };
const CHART_WIDTH = 360;

/**
 * The funnel as inline SVG bars (no script, no external assets), drawn narrow (360 units) so that
 * on a 390 px phone its text is at its written size: each stage's name and figure on a line, the
 * bar under it. Machine bars are hatched grey and their names say "machines"; bounced is its own
 * stage in orange. A legend names the tones. `figures` gives the localized number text.
 */
export function funnelSvg(f: FunnelFiguresView, labels: Record<string, string>, legend?: { people: string; machine: string; bounced: string; title?: string }, figures: (n: number) => string = String): string {
  const max = Math.max(1, ...CHART_STAGES.map(([s]) => f[s]));
  const row = 40;
  const top = legend ? 30 : 0;
  const bars = CHART_STAGES.map(([s, tone], i) => {
    const w = Math.max(f[s] > 0 ? 3 : 0, Math.round((f[s] / max) * CHART_WIDTH));
    const y = top + i * row;
    const machine = tone === 'machine' ? ' stroke="#6b7280" stroke-width="1"' : '';
    return `<g data-stage="${s}" data-tone="${tone}"><text x="0" y="${y + 14}" font-size="13" fill="#1f2937">${esc(labels[s] ?? s)}</text><text x="${CHART_WIDTH}" y="${y + 14}" font-size="13" font-weight="600" text-anchor="end" fill="#1f2937">${esc(figures(f[s]))}</text><rect x="0" y="${y + 19}" width="${CHART_WIDTH}" height="14" rx="3" fill="#eef1f6"/><rect x="0" y="${y + 19}" width="${w}" height="14" rx="3" fill="${TONE_FILL[tone]}"${machine}/></g>`;
  }).join('');
  const key = legend
    ? `<g data-test="funnel-legend">${[['people', legend.people], ['machine', legend.machine], ['bounced', legend.bounced]]
        .map(([tone, text], i) => `<rect x="${i * 120}" y="4" width="14" height="14" rx="2" fill="${TONE_FILL[tone as StageTone]}"${tone === 'machine' ? ' stroke="#6b7280" stroke-width="1"' : ''}/><text x="${i * 120 + 19}" y="16" font-size="12" fill="#1f2937">${esc(text)}</text>`)
        .join('')}</g>`
    : '';
  const defs = `<defs><pattern id="machine-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#c8cdd8"/><line x1="0" y1="0" x2="0" y2="6" stroke="#8a93a6" stroke-width="2"/></pattern></defs>`;
  const height = top + CHART_STAGES.length * row;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(legend?.title ?? 'funnel')}" class="chart chart-funnel" viewBox="0 0 ${CHART_WIDTH} ${height}" data-test="funnel-chart">${defs}${key}${bars}</svg>`;
}

export interface TimelineSeries {
  key: string;
  label: string;
  /** Cumulative value at each point of the timeline. */
  values: number[];
  tone: 'people' | 'machine';
  kind: 'open' | 'click';
}

const SERIES_STYLE: Record<string, { stroke: string; dash: string; width: number }> = {
  'open-people': { stroke: '#1f6feb', dash: '', width: 3 },
  'click-people': { stroke: '#0f766e', dash: '', width: 3 },
  'open-machine': { stroke: '#6b7280', dash: '6 4', width: 2 },
  'click-machine': { stroke: '#9ca3af', dash: '2 3', width: 2 },
};

/**
 * Opens and clicks over time as an inline SVG line chart: cumulative first opens / first clicks of
 * recipients, people solid and coloured, machines dashed grey, a legend above (each line named),
 * the first and last time under the axis. Narrow (360 units) so it reads on a phone.
 */
export function timelineSvg(series: TimelineSeries[], axis: { from: string; to: string; title: string }, figures: (n: number) => string = String): string {
  const legendRows = Math.ceil(series.length / 2);
  const top = legendRows * 20 + 8;
  const left = 34;
  const plotW = CHART_WIDTH - left - 4;
  const plotH = 170;
  const points = Math.max(1, ...series.map((s) => s.values.length));
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number) => left + (points === 1 ? plotW : (i / (points - 1)) * plotW);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const legend = series
    .map((s, i) => {
      const st = SERIES_STYLE[`${s.kind}-${s.tone}`];
      const lx = (i % 2) * 180;
      const ly = Math.floor(i / 2) * 20 + 12;
      return `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${st.stroke}" stroke-width="${st.width}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/><text x="${lx + 27}" y="${ly + 4}" font-size="12" fill="#1f2937">${esc(s.label)}: ${esc(figures(s.values[s.values.length - 1] ?? 0))}</text>`;
    })
    .join('');
  const lines = series
    .map((s) => {
      const st = SERIES_STYLE[`${s.kind}-${s.tone}`];
      const pts = (s.values.length ? s.values : [0]).map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      return `<polyline data-series="${s.key}" points="${pts}" fill="none" stroke="${st.stroke}" stroke-width="${st.width}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''} stroke-linejoin="round"/>`;
    })
    .join('');
  const grid = [0, 0.5, 1]
    .map((p) => {
      const v = Math.round(max * p);
      return `<line x1="${left}" y1="${y(v)}" x2="${left + plotW}" y2="${y(v)}" stroke="#e5e7eb"/><text x="${left - 4}" y="${y(v) + 4}" font-size="11" text-anchor="end" fill="#4b5563">${esc(figures(v))}</text>`;
    })
    .join('');
  const base = top + plotH;
  const labels = `<text x="${left}" y="${base + 18}" font-size="11" fill="#4b5563">${esc(axis.from)}</text><text x="${left + plotW}" y="${base + 18}" font-size="11" text-anchor="end" fill="#4b5563">${esc(axis.to)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(axis.title)}" class="chart chart-timeline" viewBox="0 0 ${CHART_WIDTH} ${base + 26}" data-test="timeline-chart">${legend}${grid}${lines}${labels}</svg>`;
}
