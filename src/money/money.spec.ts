import assert from 'node:assert/strict';
import { applyBasisPoints, formatBasisPoints, formatMoney, isKnownCurrency } from './money';

describe('applyBasisPoints (the one rounding function)', () => {
  it('takes 12% of 1000.00 exactly', () => assert.equal(applyBasisPoints(100000n, 1200), 12000n));
  it('rounds half up: 15% of 0.03 = 0.0045 -> 0.00; 15% of 0.10 = 0.015 -> 0.02', () => {
    assert.equal(applyBasisPoints(3n, 1500), 0n);
    assert.equal(applyBasisPoints(10n, 1500), 2n);
  });
  it('rounds 0.5 up and 0.4999 down', () => {
    assert.equal(applyBasisPoints(1n, 5000), 1n); // 0.5 -> 1
    assert.equal(applyBasisPoints(9999n, 1), 1n); // 0.9999 -> 1
    assert.equal(applyBasisPoints(4999n, 1), 0n); // 0.4999 -> 0
  });
  it('is symmetric for negatives (a reversal mirrors its posting)', () => assert.equal(applyBasisPoints(-10n, 1500), -2n));
  it('stays exact beyond 2^53', () => assert.equal(applyBasisPoints(2n ** 60n, 10000), 2n ** 60n));
  it('refuses fractional basis points', () => assert.throws(() => applyBasisPoints(100n, 12.5)));
});

describe('formatting', () => {
  it('formats basis points', () => {
    assert.equal(formatBasisPoints(1250), '12.5%');
    assert.equal(formatBasisPoints(2000), '20%');
    assert.equal(formatBasisPoints(1), '0.01%');
  });
  it('formats minor units', () => {
    assert.equal(formatMoney(123456n, 'RUB'), '1234.56 RUB');
    assert.equal(formatMoney(-5n, 'USD'), '-0.05 USD');
    assert.equal(formatMoney(500n, 'JPY'), '500 JPY');
  });
  it('knows ISO 4217 codes', () => {
    assert.ok(isKnownCurrency('RUB'));
    assert.ok(!isKnownCurrency('RUR1'));
    assert.ok(!isKnownCurrency('XYZ'));
  });
});
