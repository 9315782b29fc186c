import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { LedgerService } from '../src/ledger/ledger.service';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { auth, FakeStripeConnect, staffUser } from './support/fake-stripe-connect';
import { registerReferrer, RegisteredReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Holes found by independent acceptance tests (issue 9): the commission must follow the refunds
 * that stand and the payments that are known, whatever order Stripe delivers them in.
 */

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
const DAY = 86_400;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  new FakeStripeConnect(fake); // its invoice list filters by status and created, as reconciliation asks
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('commissions-order', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});
afterEach(async () => {
  const report = await t.app.get(LedgerService).verify();
  assert.equal(report.ok, true, report.firstDiscrepancy);
});

async function send(...events: ReturnType<typeof stripeEvent>[]): Promise<void> {
  for (const e of events) await deliver(t.url, e).expect(200);
  await t.app.get(StripeInboxService).whenIdle();
  const failed = await t.db.query(`SELECT id, last_error FROM stripe_webhook_events WHERE status = 'failed'`);
  assert.deepEqual(failed, []);
}

const balances = (r: RegisteredReferrer) => t.app.get(LedgerService).balances(r.id, 'RUB');

/** A referrer at 10% commission (discount 10% of the 20% budget) and one supplier of theirs. */
async function referredSupplier(): Promise<{ r: RegisteredReferrer; customer: string }> {
  const r = await registerReferrer(t);
  await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1000 }).expect(200);
  const s = await signUpSupplier(t.url, { promoCode: r.code });
  return { r, customer: s.customerId! };
}

const statement = async (r: RegisteredReferrer) =>
  (await request(t.url).get('/api/referrers/me/statement').set('authorization', `Bearer ${r.token}`).expect(200)).body.map(
    (l: { cause: string; amount: string; account: string }) => `${l.cause} ${l.account} ${l.amount}`,
  );

describe('hole 1: a failed refund gives the commission back', () => {
  it('restores the commission when refund.failed follows refund.created (pending) and charge.refunded', async () => {
    const { r, customer } = await referredSupplier();
    const paid = billing.paidInvoice(customer, { total: 1_000_000 });
    await send(stripeEvent('invoice.paid', paid.invoice));
    assert.equal((await balances(r)).pending, 100_000n);
    const { refund, charge } = billing.refund(paid, 500_000, 'pending');
    assert.equal(charge.amount_refunded, 500_000);
    await send(stripeEvent('refund.created', refund), stripeEvent('charge.refunded', charge));
    assert.equal((await balances(r)).pending, 50_000n);
    await send(stripeEvent('refund.failed', { ...refund, status: 'failed', failure_reason: 'expired_or_canceled_card' }));
    assert.equal((await balances(r)).pending, 100_000n);
    assert.deepEqual(await statement(r), ['refund referrer_pending 50000', 'refund referrer_pending -50000', 'invoice referrer_pending 100000']);
  });

  it('ends on the refunds that stand in any delivery order (charge.refunded first, failed before created)', async () => {
    const { r, customer } = await referredSupplier();
    const paid = billing.paidInvoice(customer, { total: 1_000_000 });
    const kept = billing.refund(paid, 200_000, 'succeeded');
    const failing = billing.refund(paid, 500_000, 'pending');
    const failed = { ...failing.refund, status: 'failed' };
    // charge.refunded (amount_refunded 700,000) before anything else; the failure before its creation.
    await send(stripeEvent('charge.refunded', failing.charge), stripeEvent('invoice.paid', paid.invoice));
    assert.equal((await balances(r)).pending, 30_000n);
    await send(stripeEvent('refund.failed', failed), stripeEvent('refund.created', failing.refund), stripeEvent('charge.refunded', kept.charge));
    assert.equal((await balances(r)).pending, 80_000n);
    await send(stripeEvent('refund.created', kept.refund), stripeEvent('refund.updated', failing.refund));
    assert.equal((await balances(r)).pending, 80_000n); // 10% of 1,000,000 − 200,000 (the refund that stands)
  });

  it('takes the per-refund state from a charge that carries its refunds list', async () => {
    const { r, customer } = await referredSupplier();
    const paid = billing.paidInvoice(customer, { total: 1_000_000 });
    await send(stripeEvent('invoice.paid', paid.invoice));
    const pending = billing.refund(paid, 500_000, 'pending');
    await send(stripeEvent('charge.refunded', { ...pending.charge, refunds: { object: 'list', data: [pending.refund], has_more: false } }));
    assert.equal((await balances(r)).pending, 50_000n);
    const failedCharge = { ...pending.charge, amount_refunded: 0, refunded: false, refunds: { object: 'list', data: [{ ...pending.refund, status: 'failed' }], has_more: false } };
    await send(stripeEvent('charge.refund.updated', { ...pending.refund, status: 'failed' }), stripeEvent('charge.refunded', failedCharge));
    assert.equal((await balances(r)).pending, 100_000n);
  });
});

describe('one rounding', () => {
  it('rounds the tax-excluded commission once: 50,001 paid of 120,000 (20,000 tax) at 12.5% earns 5,208, not 5,209', async () => {
    const r = await registerReferrer(t);
    await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 750 }).expect(200);
    const s = await signUpSupplier(t.url, { promoCode: r.code });
    const paid = billing.paidInvoice(s.customerId!, { total: 120_000, tax: 20_000 });
    await send(stripeEvent('invoice.paid', paid.invoice));
    assert.equal((await balances(r)).pending, 12_500n);
    const refund = billing.refund(paid, 69_999);
    await send(stripeEvent('refund.created', refund.refund), stripeEvent('charge.refunded', refund.charge));
    // 50,001 × 100,000 / 120,000 × 12.5% = 5,208.4375; rounding the base first gave 41,668 × 12.5% = 5,208.5 → 5,209.
    assert.equal((await balances(r)).pending, 5_208n);
  });
});

describe('hole 2: the months count from the earliest known payment', () => {
  it('re-judges later invoices when an earlier first payment arrives late, clawing back what they earned too much', async () => {
    const { r, customer } = await referredSupplier();
    const now = Math.floor(Date.now() / 1000);
    const first = billing.paidInvoice(customer, { total: 10_000, paidAt: now - 400 * DAY });
    const second = billing.paidInvoice(customer, { total: 20_000, paidAt: now - 200 * DAY });
    const late = billing.paidInvoice(customer, { total: 30_000, paidAt: now - 10 * DAY });
    // The later payments are processed first (a backfill): counted from them, all would earn.
    await send(stripeEvent('invoice.paid', late.invoice), stripeEvent('invoice.paid', second.invoice));
    assert.equal((await balances(r)).pending, 5_000n);
    await send(stripeEvent('invoice.paid', first.invoice));
    // 12 months from the real first payment: the first and second earn, the late one does not.
    assert.equal((await balances(r)).pending, 3_000n);
    const [a] = await t.db.query(`SELECT first_paid_at FROM supplier_attributions a JOIN billing_accounts b ON b.supplier_id = a.supplier_id WHERE b.stripe_customer_id = $1`, [customer]);
    assert.equal(a.first_paid_at.getTime(), (now - 400 * DAY) * 1000);
    // Delivered again: nothing moves twice.
    await send(stripeEvent('invoice.paid', first.invoice), stripeEvent('invoice.paid', late.invoice));
    assert.equal((await balances(r)).pending, 3_000n);
    const lines = await statement(r);
    assert.equal(lines.length, 4);
    assert.equal(lines.filter((l: string) => l.endsWith('referrer_pending -3000')).length, 1);
  });

  it('re-judges invoices paid after the subscription ended when the end is learnt late', async () => {
    const { r, customer } = await referredSupplier();
    const [{ stripe_subscription_id: sub }] = await t.db.query('SELECT stripe_subscription_id FROM billing_accounts WHERE stripe_customer_id = $1', [customer]);
    const now = Math.floor(Date.now() / 1000);
    const endedAt = now - 5 * DAY;
    const before = billing.paidInvoice(customer, { total: 10_000, paidAt: endedAt - DAY });
    const after = billing.paidInvoice(customer, { total: 40_000, paidAt: endedAt + DAY });
    await send(stripeEvent('invoice.paid', before.invoice), stripeEvent('invoice.paid', after.invoice));
    assert.equal((await balances(r)).pending, 5_000n);
    await send(stripeEvent('customer.subscription.deleted', { id: sub, object: 'subscription', customer, status: 'canceled', ended_at: endedAt, canceled_at: endedAt }));
    assert.equal((await balances(r)).pending, 1_000n);
  });
});

describe('after these scenarios', () => {
  it('reconciliation agrees with the ledger on every invoice (the same rules)', async () => {
    const finance = await staffUser(t, Role.Finance);
    const from = new Date(Date.now() - 500 * DAY * 1000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const rec = await request(t.url).get(`/api/reconciliation?from=${from}&to=${to}`).set(auth(finance.token)).expect(200);
    assert.deepEqual(rec.body.differences, []);
    assert.equal(rec.body.stripePaidInvoices, 9);
  });
});
