import assert from 'node:assert/strict';
import request from 'supertest';
import { formatMoney } from '../src/money/money-format';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { formPost } from './support/browser-form';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const text = (html: string, test: string) => new RegExp(`data-test="${test}"[^>]*>([\\s\\S]*?)</dd>`).exec(html)?.[1].replace(/<[^>]+>/g, '').trim();

describe('the supplier page with Stripe', () => {
  let t: TestApp;
  let fake: FakeStripe;
  let billing: FakeStripeBilling;
  beforeAll(async () => {
    fake = await new FakeStripe().start();
    billing = new FakeStripeBilling(fake);
    t = await startTestApp('supplier_home', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });

  it('shows the price, the discount in money and percent, invoices with tax and refunds, and opens the Stripe customer portal', async () => {
    const r = await registerReferrer(t);
    await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1250 }).expect(200);
    const s = await signUpSupplier(t.url, { promoCode: r.code });
    const cookie = `hs_session=${s.token}`;
    // A paid invoice with tax, then a partial refund of it.
    const paid = billing.paidInvoice(s.customerId!, { total: 105_000, tax: 17_500 });
    await deliver(t.url, stripeEvent('invoice.paid', paid.invoice)).expect(200);
    const refund = billing.refund(paid, 30_000);
    await deliver(t.url, stripeEvent('refund.created', refund.refund)).expect(200);
    await t.app.get(StripeInboxService).whenIdle();

    for (const lang of ['en', 'ru'] as const) {
      const html = (await request(t.url).get(`/supplier?lang=${lang}`).set('cookie', cookie).expect(200)).text;
      const money = (v: number) => formatMoney(lang, v, 'RUB');
      assert.equal(text(html, 'list-price'), `${money(100_000)} ${lang === 'en' ? 'a month' : 'в месяц'}`);
      assert.equal(text(html, 'discount-money'), `−${money(12_500)}`); // 12.5% of 1 000,00
      assert.match(html, lang === 'en' ? /Your discount \(12\.5%\)/ : /Ваша скидка \(12,5\u00a0%\)/);
      assert.equal(text(html, 'you-pay'), `${money(87_500)} ${lang === 'en' ? 'a month' : 'в месяц'}`);
      const row = new RegExp(`data-id="${paid.invoice.id}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
      const cell = (name: string) => new RegExp(`data-test="${name}"[^>]*>([^<]*)<`).exec(row)?.[1];
      assert.equal(cell('invoice-total'), money(105_000));
      assert.equal(cell('invoice-tax'), money(17_500));
      assert.equal(cell('invoice-paid'), money(105_000));
      assert.equal(cell('invoice-refunded'), money(30_000));
      // The open first invoice of the subscription: nothing refunded.
      assert.match(html, lang === 'en' ? /data-test="invoice-refunded">none</ : /data-test="invoice-refunded">нет</);
      assert.match(html, /data-test="manage-billing-button"/);
      assert.doesNotMatch(html, /data-test="no-stripe"/);
    }

    // Manage billing: a portal session for this supplier's customer, returning to /supplier; then off to Stripe.
    const res = await formPost(t, '/supplier/billing-portal', cookie).expect(303);
    const [sent] = fake.requestsTo('POST', /^\/v1\/billing_portal\/sessions$/);
    assert.equal(sent.body.customer, s.customerId);
    assert.equal(sent.body.return_url, `${t.config.publicBaseUrl}/supplier`);
    assert.match(res.headers.location, /^https:\/\/billing\.stripe\.test\/p\/session\//);
    // Without the CSRF token (a cross-site form), nothing is created.
    await request(t.url).post('/supplier/billing-portal').set('cookie', cookie).set('origin', 'https://evil.example').expect(403);
    assert.equal(fake.requestsTo('POST', /^\/v1\/billing_portal\/sessions$/).length, 1);
  });

  it('a Stripe refusal shows the reason on the page instead of failing', async () => {
    const s = await signUpSupplier(t.url, {});
    fake.objects.delete(s.customerId!);
    const res = await formPost(t, '/supplier/billing-portal?lang=en', `hs_session=${s.token}`).expect(502);
    assert.match(res.text, /data-code="BILLING_STRIPE_FAILED"/);
    assert.match(res.text, /The payment provider did not answer/);
  });
});

describe('the supplier page without Stripe', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('supplier_home_nostripe', { env: { JOBS_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('says in a sentence that billing cannot be managed online, shows no button, and the POST is refused with a reason', async () => {
    const r = await registerReferrer(t);
    const s = await signUpSupplier(t.url, { promoCode: r.code });
    const cookie = `hs_session=${s.token}`;
    const en = (await request(t.url).get('/supplier?lang=en').set('cookie', cookie).expect(200)).text;
    assert.match(en, /data-test="no-stripe">Online billing management is not available yet/);
    assert.doesNotMatch(en, /manage-billing-button|action="\/supplier\/billing-portal"/);
    assert.match(en, /data-test="no-price"/);
    assert.match(en, /data-test="supplier-discount"/);
    const ru = (await request(t.url).get('/supplier?lang=ru').set('cookie', cookie).expect(200)).text;
    assert.match(ru, /data-test="no-stripe">Управление оплатой онлайн пока недоступно/);
    const res = await formPost(t, '/supplier/billing-portal?lang=en', cookie).expect(409);
    assert.match(res.text, /data-code="BILLING_NO_CUSTOMER"/);
  });
});
