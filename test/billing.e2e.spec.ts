import assert from 'node:assert/strict';
import request from 'supertest';
import { couponTerms } from '../src/billing/stripe-shapes';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('billing', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe('coupon terms', () => {
  it('follow the locked discount and commission months', () => {
    assert.deepEqual(couponTerms(1250, 12), { percent_off: 12.5, duration: 'repeating', duration_in_months: 12 });
    assert.deepEqual(couponTerms(1500, null), { percent_off: 15, duration: 'forever' });
    assert.equal(couponTerms(0, 12), null);
  });
});

describe('billing through Stripe', () => {
  it('survives Stripe being down at sign-up: the supplier exists and starts billing later, reusing the customer', async () => {
    const r = await registerReferrer(t);
    await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 500 }).expect(200);
    billing.failSubscriptions = 3; // the client retries twice, so the sign-up's attempt fails
    const s = await signUpSupplier(t.url, { promoCode: r.code });
    assert.equal(s.body.supplier.billing.subscriptionId, null);
    assert.equal(s.body.supplier.attribution.discountBp, 500);
    const customers = fake.requestsTo('POST', /^\/v1\/customers$/).filter((x) => x.body.metadata?.supplier_id === s.id);
    assert.equal(customers.length, 1);

    const again = await request(t.url).post('/api/suppliers/me/subscription').set('authorization', `Bearer ${s.token}`).expect(200);
    assert.match(again.body.billing.subscriptionId, /^sub_/);
    assert.equal(again.body.billing.customerId, s.customerId);
    assert.equal(fake.requestsTo('POST', /^\/v1\/customers$/).filter((x) => x.body.metadata?.supplier_id === s.id).length, 1);
    assert.equal(fake.requestsTo('POST', /^\/v1\/coupons$/).filter((x) => x.body.metadata?.supplier_id === s.id).length, 1);
    // A second call changes nothing.
    await request(t.url).post('/api/suppliers/me/subscription').set('authorization', `Bearer ${s.token}`).expect(200);
    assert.equal(fake.requestsTo('POST', /^\/v1\/subscriptions$/).filter((x) => x.body.metadata?.supplier_id === s.id).length, 4);
  });

  it('shows the subscription state and the invoices as Stripe reported them, newest event winning', async () => {
    const s = await signUpSupplier(t.url);
    const [{ stripe_subscription_id: subId }] = await t.db.query('SELECT stripe_subscription_id FROM billing_accounts WHERE supplier_id = $1', [s.id]);
    const now = Math.floor(Date.now() / 1000);
    const sub = { id: subId, object: 'subscription', customer: s.customerId, status: 'active' };
    await deliver(t.url, stripeEvent('customer.subscription.updated', sub, { created: now })).expect(200);
    await deliver(t.url, stripeEvent('customer.subscription.updated', { ...sub, status: 'incomplete' }, { created: now - 60 })).expect(200); // older, arrives late
    const paid = billing.paidInvoice(s.customerId!, { total: 100_000, tax: 16_667, subscription: subId });
    await deliver(t.url, stripeEvent('invoice.paid', paid.invoice)).expect(200);
    await t.app.get(StripeInboxService).whenIdle();
    const me = await request(t.url).get('/api/suppliers/me').set('authorization', `Bearer ${s.token}`).expect(200);
    assert.equal(me.body.billing.state, 'active');
    const inv = me.body.billing.invoices.find((i: { id: string }) => i.id === paid.invoice.id);
    assert.deepEqual({ status: inv.status, total: inv.total, excl: inv.totalExcludingTax, paid: inv.amountPaid, cur: inv.currency }, { status: 'paid', total: '100000', excl: '83333', paid: '100000', cur: 'RUB' });
    const page = await request(t.url).get('/supplier').set('authorization', `Bearer ${s.token}`).expect(200);
    assert.match(page.text, /RUB\u00a01,000\.00/);
    assert.match(page.text, /State: active/);
    assert.match(page.text, /You signed up without a promo code/);
  });
});
