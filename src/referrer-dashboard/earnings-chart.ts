/** One bar of the earnings chart: its label under it and the figure written above (or below, when negative). */
export interface EarningsBar {
  key: string;
  label: string;
  value: bigint;
  text: string;
}

const W = 480;
/** Right-hand gutter for the axis figures (the largest month, zero). */
const GUTTER = 104;
const TOP = 10;
const PLOT_H = 150;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Earnings by month as a server-rendered SVG bar chart (no script, no canvas). Bars below the zero
 * line are months where refunds took back more than was earned. The figures are also in the table
 * under the chart (for screen readers and for people who would rather read).
 */
export function earningsBarsSvg(bars: EarningsBar[], title: string, zeroText: string): string {
  const max = bars.reduce((m, b) => (b.value > m ? b.value : m), 0n);
  const min = bars.reduce((m, b) => (b.value < m ? b.value : m), 0n);
  const span = Number(max - min) || 1;
  const zeroY = TOP + (Number(max) / span) * PLOT_H;
  const slot = (W - GUTTER) / Math.max(bars.length, 1);
  const barW = Math.max(4, slot * 0.6);
  const parts = bars.map((b, i) => {
    const h = (Math.abs(Number(b.value)) / span) * PLOT_H;
    const x = i * slot + (slot - barW) / 2;
    const y = b.value >= 0n ? zeroY - h : zeroY;
    const cx = (i * slot + slot / 2).toFixed(1);
    const bar = b.value === 0n ? '' : `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(h, 1).toFixed(1)}" class="${b.value < 0n ? 'bar-negative' : 'bar'}" data-month="${esc(b.key)}"><title>${esc(b.label)}: ${esc(b.text)}</title></rect>`;
    return `${bar}<text x="${cx}" y="${TOP + PLOT_H + 16}" font-size="10" text-anchor="middle" fill="#4b5563">${esc(b.label)}</text>`;
  });
  const plotEnd = W - GUTTER;
  const top = max > 0n ? `<line x1="0" y1="${TOP}" x2="${plotEnd}" y2="${TOP}" stroke="#e5e7eb"/><text x="${plotEnd + 4}" y="${TOP + 4}" font-size="11" fill="#4b5563">${esc(bars.find((b) => b.value === max)?.text ?? '')}</text>` : '';
  const zero = `<line x1="0" y1="${zeroY.toFixed(1)}" x2="${plotEnd}" y2="${zeroY.toFixed(1)}" stroke="#9ca3af"/><text x="${plotEnd + 4}" y="${(zeroY + 4).toFixed(1)}" font-size="11" fill="#4b5563">${esc(zeroText)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" class="chart chart-earnings" viewBox="0 0 ${W} ${TOP + PLOT_H + 24}" data-test="earnings-svg">${top}${zero}${parts.join('')}</svg>`;
}
