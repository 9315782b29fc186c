import assert from 'node:assert/strict';
import { bonusEarned, bonusReplacesPercentage, bonusTarget, commissionOn, eligiblePayment, eligibleRate, refundedInFull, InvoiceFacts, mergeDisputeState, mergeRefundStatus, refundedAmount, targetSplit, withinCommissionMonths } from './commission-rules';

const base: InvoiceFacts = { paid: true, commissionBp: 1250, amountPaid: 10_000n, total: 10_000n, totalExcludingTax: 10_000n, refunded: 0n, disputedOpen: 0n, disputedLost: 0n, released: false };

describe('commission rules: amount', () => {
  it('takes c bp of the amount paid, half-up, pending until released', () => {
    assert.deepEqual(targetSplit(base), { pending: 1250n, available: 0n, disputed: 0n });
    assert.deepEqual(targetSplit({ ...base, amountPaid: 1004n, total: 1004n, totalExcludingTax: 1004n }), { pending: 126n, available: 0n, disputed: 0n }); // 125.5 → 126
    assert.deepEqual(targetSplit({ ...base, released: true }), { pending: 0n, available: 1250n, disputed: 0n });
  });

  it('excludes tax in proportion to the invoice totals', () => {
    assert.equal(commissionOn(12_000n, 12_000n, 10_000n, 1250), 1250n);
    assert.equal(commissionOn(6_000n, 12_000n, 10_000n, 1250), 625n);
  });

  it('rounds once: 50,001 paid of a 120,000 invoice with 20,000 tax at 12.5% is 5,208 (5,208.4375), not 5,209', () => {
    // Rounding the tax-excluded base first (41,667.5 → 41,668) and the commission again (5,208.5 → 5,209) gave 5,209.
    assert.equal(commissionOn(50_001n, 120_000n, 100_000n, 1250), 5208n);
    assert.equal(targetSplit({ ...base, amountPaid: 120_000n, total: 120_000n, totalExcludingTax: 100_000n, refunded: 69_999n }).pending, 5208n);
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
});

describe('commission rules: refunds that stand', () => {
  const pending = { chargeId: 'ch_1', amount: 500n, status: 'pending' };
  it('counts succeeded and pending refunds, not failed or canceled ones', () => {
    assert.equal(refundedAmount([pending, { chargeId: 'ch_1', amount: 200n, status: 'succeeded' }, { chargeId: 'ch_1', amount: 50n, status: 'failed' }], []), 700n);
  });
  it("counts a charge's amount_refunded only for refunds not known one by one", () => {
    assert.equal(refundedAmount([], [{ chargeId: 'ch_1', amountRefunded: 500n }]), 500n);
    assert.equal(refundedAmount([pending], [{ chargeId: 'ch_1', amountRefunded: 500n }]), 500n);
    assert.equal(refundedAmount([{ ...pending, status: 'failed' }], [{ chargeId: 'ch_1', amountRefunded: 500n }]), 0n);
    assert.equal(refundedAmount([{ ...pending, status: 'failed' }], [{ chargeId: 'ch_1', amountRefunded: 700n }]), 200n);
  });
  it('keeps final failures final and succeeded over pending, in any order', () => {
    assert.equal(mergeRefundStatus('failed', 'pending'), 'failed');
    assert.equal(mergeRefundStatus('pending', 'failed'), 'failed');
    assert.equal(mergeRefundStatus('succeeded', 'pending'), 'succeeded');
    assert.equal(mergeRefundStatus('pending', 'succeeded'), 'succeeded');
    assert.equal(mergeDisputeState('won', 'open'), 'won');
    assert.equal(mergeDisputeState('open', 'lost'), 'lost');
  });
});

describe('commission rules: eligibility', () => {
  const first = new Date('2026-01-31T10:00:00Z');
  const terms = { commissionBp: 1000, commissionMonths: 12, firstPaidAt: first, stoppedAt: null };
  it('counts commission months from the first paid invoice', () => {
    assert.equal(withinCommissionMonths(new Date('2026-12-30T10:00:00Z'), first, 12), true);
    assert.equal(withinCommissionMonths(new Date('2027-01-31T10:00:00Z'), first, 12), false);
    assert.equal(withinCommissionMonths(new Date('2040-01-01T00:00:00Z'), first, null), true);
  });
  it('earns the locked rate inside the window, nothing outside it, after the stop date or without attribution', () => {
    assert.equal(eligibleRate(terms, new Date('2026-06-01T00:00:00Z')), 1000);
    assert.equal(eligibleRate(terms, new Date('2027-02-01T00:00:00Z')), null);
    assert.equal(eligibleRate({ ...terms, stoppedAt: new Date('2026-03-01T00:00:00Z') }, new Date('2026-03-02T00:00:00Z')), null);
    assert.equal(eligibleRate(null, first), null);
    assert.equal(eligibleRate({ ...terms, firstPaidAt: null }, first), 1000);
  });
});

describe('commission rules: the one-off bonus', () => {
  const at = (d: string) => new Date(`${d}T00:00:00Z`);
  const terms = { commissionBp: 1000, commissionMonths: 12, firstPaidAt: at('2026-01-10'), stoppedAt: null, bonusAmount: 500_000n, bonusMode: 'in_addition' as const };

  it('in_addition keeps the percentage; instead replaces it (only with an amount above 0)', () => {
    assert.equal(eligibleRate(terms, at('2026-02-10')), 1000);
    assert.equal(eligibleRate({ ...terms, bonusMode: 'instead' }, at('2026-02-10')), null);
    assert.equal(eligibleRate({ ...terms, bonusMode: 'instead', bonusAmount: 0n }, at('2026-02-10')), 1000);
    assert.equal(bonusReplacesPercentage({ bonusMode: 'instead', bonusAmount: 1n }), true);
  });

  it('the first payment earns the locked amount by the same eligibility rule (none after the stop date, none without an amount)', () => {
    assert.equal(bonusEarned(terms, at('2026-01-10')), 500_000n);
    assert.equal(bonusEarned({ ...terms, bonusMode: 'instead' }, at('2026-01-10')), 500_000n);
    assert.equal(bonusEarned({ ...terms, bonusAmount: 0n }, at('2026-01-10')), 0n);
    assert.equal(bonusEarned({ ...terms, stoppedAt: at('2026-01-01') }, at('2026-01-10')), 0n);
    assert.equal(bonusEarned(null, at('2026-01-10')), 0n);
    assert.equal(eligiblePayment({ ...terms, stoppedAt: at('2026-01-01') }, at('2026-01-10')), false);
    assert.equal(eligiblePayment(terms, at('2027-01-10')), false); // 12 months from 2026-01-10 end before
  });

  it('targets: pending until released, available after, nothing once the payment is refunded in full (a partial refund keeps it)', () => {
    const f = { earned: 500_000n, paid: true, amountPaid: 10_000n, refunded: 0n, released: false };
    assert.deepEqual(bonusTarget(f), { pending: 500_000n, available: 0n, disputed: 0n });
    assert.deepEqual(bonusTarget({ ...f, released: true }), { pending: 0n, available: 500_000n, disputed: 0n });
    assert.deepEqual(bonusTarget({ ...f, refunded: 9_999n }), { pending: 500_000n, available: 0n, disputed: 0n });
    assert.deepEqual(bonusTarget({ ...f, refunded: 10_000n, released: true }), { pending: 0n, available: 0n, disputed: 0n });
    assert.deepEqual(bonusTarget({ ...f, paid: false }), { pending: 0n, available: 0n, disputed: 0n });
    assert.deepEqual(bonusTarget({ ...f, earned: 0n }), { pending: 0n, available: 0n, disputed: 0n });
    assert.equal(refundedInFull({ amountPaid: 0n, refunded: 0n }), false);
  });
});
