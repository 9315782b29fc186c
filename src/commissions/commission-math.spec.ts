import assert from 'node:assert/strict';
import { excludingTax, InvoiceFacts, targetSplit, withinCommissionMonths } from './commission-math';

const base: InvoiceFacts = { paid: true, commissionBp: 1250, amountPaid: 10_000n, total: 10_000n, totalExcludingTax: 10_000n, refunded: 0n, disputedOpen: 0n, disputedLost: 0n, released: false };

describe('commission math', () => {
  it('takes c bp of the amount paid, half-up, pending until released', () => {
    assert.deepEqual(targetSplit(base), { pending: 1250n, available: 0n, disputed: 0n });
    assert.deepEqual(targetSplit({ ...base, amountPaid: 1004n, total: 1004n, totalExcludingTax: 1004n }), { pending: 126n, available: 0n, disputed: 0n }); // 125.5 → 126
    assert.deepEqual(targetSplit({ ...base, released: true }), { pending: 0n, available: 1250n, disputed: 0n });
  });

  it('excludes tax in proportion to the invoice totals', () => {
    assert.equal(excludingTax(12_000n, 12_000n, 10_000n), 10_000n);
    assert.equal(excludingTax(6_000n, 12_000n, 10_000n), 5_000n);
    assert.deepEqual(targetSplit({ ...base, amountPaid: 12_000n, total: 12_000n }), { pending: 1250n, available: 0n, disputed: 0n });
  });

  it('recomputes from cumulative net paid after refunds and lost disputes', () => {
    assert.equal(targetSplit({ ...base, refunded: 4_000n }).pending, 750n);
    assert.equal(targetSplit({ ...base, refunded: 10_000n }).pending, 0n);
    assert.equal(targetSplit({ ...base, disputedLost: 10_000n }).pending, 0n);
    assert.equal(targetSplit({ ...base, refunded: 20_000n }).pending, 0n);
  });

  it('holds the disputed share apart while the dispute is open', () => {
    assert.deepEqual(targetSplit({ ...base, disputedOpen: 10_000n, released: true }), { pending: 0n, available: 0n, disputed: 1250n });
    assert.deepEqual(targetSplit({ ...base, disputedOpen: 4_000n }), { pending: 750n, available: 0n, disputed: 500n });
  });

  it('earns nothing before the payment or without a rate', () => {
    assert.deepEqual(targetSplit({ ...base, paid: false }), { pending: 0n, available: 0n, disputed: 0n });
    assert.deepEqual(targetSplit({ ...base, commissionBp: null }), { pending: 0n, available: 0n, disputed: 0n });
  });

  it('counts commission months from the first paid invoice', () => {
    const first = new Date('2026-01-31T10:00:00Z');
    assert.equal(withinCommissionMonths(new Date('2026-12-30T10:00:00Z'), first, 12), true);
    assert.equal(withinCommissionMonths(new Date('2027-01-31T10:00:00Z'), first, 12), false);
    assert.equal(withinCommissionMonths(new Date('2040-01-01T00:00:00Z'), first, null), true);
  });
});
