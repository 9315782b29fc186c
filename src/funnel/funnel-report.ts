import { CsvCell, toCsv } from '../common/csv/csv';
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
    bp: (f[denominator] as number) === 0 ? null : Math.floor(((f[numerator] as number) * 10000) / (f[denominator] as number)),
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

/** A horizontal bar chart of the stages, as inline SVG (no script, no external assets). */
export function funnelSvg(f: FunnelFiguresView, labels: Record<string, string>): string {
  const stages: (keyof FunnelFiguresView)[] = ['listed', 'sent', 'delivered', 'openedHuman', 'openedMachine', 'clickedHuman', 'registered', 'activeReferrers', 'suppliers', 'converted'];
  const max = Math.max(1, ...stages.map((s) => f[s]));
  const row = 28;
  const labelWidth = 190;
  const barMax = 420;
  const bars = stages
    .map((s, i) => {
      const w = Math.max(f[s] > 0 ? 2 : 0, Math.round((f[s] / max) * barMax));
      const y = i * row;
      const fill = s === 'openedMachine' ? '#c8cdd8' : '#1f6feb';
      return `<g data-stage="${s}"><text x="0" y="${y + 18}" font-size="13">${esc(labels[s] ?? s)}</text><rect x="${labelWidth}" y="${y + 5}" width="${w}" height="18" rx="3" fill="${fill}"/><text x="${labelWidth + w + 6}" y="${y + 18}" font-size="13">${f[s]}</text></g>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="funnel" width="100%" viewBox="0 0 ${labelWidth + barMax + 80} ${stages.length * row}" data-test="funnel-chart">${bars}</svg>`;
}
