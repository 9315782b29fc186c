import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { deliver, FakeStripeBilling, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { assertLedgerOk, auth, connectEnv, FakeStripeConnect, seedAvailable, StaffUser, staffUser } from './support/fake-stripe-connect';
import { registerReferrer, RegisteredReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Issue 9 hole 3: reconciliation judges each paid invoice by the webhooks' own rules (attribution,
 * months from the first payment, stop date, locked rate × net paid, tax excluded): no false
 * differences for invoices beyond the commission months, and the real ones found.
 */

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
let alice: StaffUser;
const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  fake = await new FakeStripe().start();
  new FakeStripeConnect(fake); // its invoice list filters by status and created, as reconciliation asks
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('reconciliation-rules', { env: connectEnv(fake, { STRIPE_PRICE_ID: 'price_monthly', PROMO_CHECK_LIMIT_PER_MINUTE: '10000' }) });
  alice = await staffUser(t, Role.Finance);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});
afterEach(() => assertLedgerOk(t));

async function send(...events: ReturnType<typeof stripeEvent>[]): Promise<void> {
  for (const e of events) await deliver(t.url, e).expect(200);
  await t.app.get(StripeInboxService).whenIdle();
  assert.deepEqual(await t.db.query(`SELECT id, last_error FROM stripe_webhook_events WHERE status = 'failed'`), []);
}

async function referredSupplier(): Promise<{ r: RegisteredReferrer; customer: string; supplierId: string }> {
  const r = await registerReferrer(t);
  await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1000 }).expect(200);
  const s = await signUpSupplier(t.url, { promoCode: r.code });
  return { r, customer: s.customerId!, supplierId: s.id };
}

const reconcile = async (fromDaysAgo = 450) =>
  (await request(t.url).get(`/api/reconciliation?from=${new Date((now() - fromDaysAgo * DAY) * 1000).toISOString()}&to=${new Date((now() + 3600) * 1000).toISOString()}`).set(auth(alice.token)).expect(200)).body;

describe('reconciliation uses the commission rules', () => {
  it('finds no difference after webhooks: invoices beyond the commission months, partial refunds, a failed refund', async () => {
    const { customer } = await referredSupplier();
    const first = billing.paidInvoice(customer, { total: 10_000, paidAt: now() - 400 * DAY });
    const refunded = billing.paidInvoice(customer, { total: 12_000, tax: 2_000, paidAt: now() - 100 * DAY });
    const beyond = billing.paidInvoice(customer, { total: 30_000, paidAt: now() - 10 * DAY }); // 12 months ended: no commission due
    const part = billing.refund(refunded, 5_001);
    const pending = billing.refund(first, 4_000, 'pending');
    const failed = billing.failRefund(first, pending.refund);
    // The beyond-the-months invoice first: it earns until the first payment becomes known.
    await send(stripeEvent('invoice.paid', beyond.invoice), stripeEvent('invoice.paid', refunded.invoice), stripeEvent('invoice.paid', first.invoice));
    await send(stripeEvent('refund.created', part.refund), stripeEvent('charge.refunded', part.charge));
    await send(stripeEvent('refund.created', pending.refund), stripeEvent('charge.refunded', pending.charge), stripeEvent('refund.failed', failed.refund));

    const rec = await reconcile();
    assert.deepEqual(rec.differences, []);
    assert.equal(rec.stripePaidInvoices, 3);
    assert.equal(rec.referredPaidInvoices, 2); // the third is beyond the months
  });

  it('flags a commission on an invoice beyond the months (the overpayment of out-of-order delivery) and a wrong amount', async () => {
    const { r, customer, supplierId } = await referredSupplier();
    const first = billing.paidInvoice(customer, { total: 10_000, paidAt: now() - 400 * DAY });
    const wrong = billing.paidInvoice(customer, { total: 20_000, paidAt: now() - 300 * DAY });
    const beyond = billing.paidInvoice(customer, { total: 30_000, paidAt: now() - 10 * DAY });
    await t.db.query(`UPDATE supplier_attributions SET first_paid_at = $2 WHERE supplier_id = $1`, [supplierId, new Date(first.invoice.status_transitions.paid_at * 1000)]);
    // The ledger as a wrong rule would leave it: the first right, the second short, the third earned though beyond the months.
    await seedAvailable(t, r.id, 1_000n, 'RUB', first.invoice.id);
    await seedAvailable(t, r.id, 1_999n, 'RUB', wrong.invoice.id);
    await seedAvailable(t, r.id, 3_000n, 'RUB', beyond.invoice.id);

    const rec = await reconcile();
    const found = rec.differences.map((d: { kind: string; ref: string; stripeAmount: string; recordedAmount: string }) => `${d.kind}:${d.ref}:${d.stripeAmount}:${d.recordedAmount}`).sort();
    assert.deepEqual(found, [`commission_mismatch:${beyond.invoice.id}:0:3000`, `commission_mismatch:${wrong.invoice.id}:2000:1999`].sort());
  });

  it('still flags a paid invoice of a referred supplier within the months that has no commission', async () => {
    const { customer } = await referredSupplier();
    const missed = billing.paidInvoice(customer, { total: 50_000, paidAt: now() - 5 * DAY });
    const rec = await reconcile(30);
    const found = rec.differences.map((d: { kind: string; ref: string }) => `${d.kind}:${d.ref}`);
    assert.ok(found.includes(`paid_invoice_without_commission:${missed.invoice.id}`), JSON.stringify(rec.differences));
  });
});
