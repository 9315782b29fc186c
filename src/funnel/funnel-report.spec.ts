import assert from 'node:assert/strict';
import { figuresFrom, funnelCsv, funnelSvg, ratesFrom } from './funnel-report';

describe('funnel report', () => {
  const zeroK = { sent: 0, bounced: 0, failed: 0, skipped: 0, opened_human: 0, opened_machine: 0, clicked_human: 0, clicked_machine: 0, registered: 0, active_referrers: 0, suppliers: 0, converted: 0 };
  const f = figuresFrom(2000, {
    sent: 2000, bounced: 100, failed: 0, skipped: 0, opened_human: 475, opened_machine: 300, clicked_human: 120, clicked_machine: 40,
    registered: 79, active_referrers: 26, suppliers: 39, converted: 5,
  });

  it('derives delivered and every rate with numerator and denominator', () => {
    assert.equal(f.delivered, 1900);
    const rates = Object.fromEntries(ratesFrom(f).map((r) => [r.name, r]));
    assert.deepEqual(rates.open, { name: 'open', numerator: 'openedHuman', numeratorValue: 475, denominator: 'delivered', denominatorValue: 1900, bp: 2500 });
    assert.equal(rates.registration.bp, 1663); // 79 / 475 = 16.631…% → half-up
    assert.equal(ratesFrom(figuresFrom(9, { ...zeroK, sent: 9, opened_human: 9, registered: 5 })).find((r) => r.name === "registration")!.bp, 5556); // 55.555…% rounds up, not down
    assert.equal(rates.suppliersPerActive.bp, 15000);
    assert.equal(rates.conversionOfRegistered.denominatorValue, 79);
    const empty = ratesFrom(figuresFrom(0, { sent: 0, bounced: 0, failed: 0, skipped: 0, opened_human: 0, opened_machine: 0, clicked_human: 0, clicked_machine: 0, registered: 0, active_referrers: 0, suppliers: 0, converted: 0 }));
    assert.ok(empty.every((r) => r.bp === null));
  });

  it('renders CSV and an SVG chart', () => {
    const csv = funnelCsv(f, ratesFrom(f));
    assert.match(csv, /^section,name,value,numerator,denominator\r\n/);
    assert.match(csv, /rate_bp,open,2500,openedHuman=475,delivered=1900/);
    const svg = funnelSvg(f, { listed: 'Listed <all>' });
    assert.match(svg, /^<svg /);
    assert.match(svg, /Listed &lt;all&gt;/);
  });
});
