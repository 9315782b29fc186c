import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { DomainEvents } from '../src/events/domain-events';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, FakeStripeBilling, signUpSupplier, uniqueTaxId } from './support/fake-stripe-billing';
import { PASSWORD, registerReferrer, staffToken } from './support/fixtures';
import { formPost } from './support/browser-form';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
const attributed: { supplierId: string; referrerId: string }[] = [];
const count = async (table: string) => Number((await t.db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
const counts = async () => ({ users: await count('users'), suppliers: await count('suppliers'), attributions: await count('supplier_attributions') });

beforeAll(async () => {
  fake = await new FakeStripe().start();
  new FakeStripeBilling(fake);
  t = await startTestApp('suppliers', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  t.app.get(DomainEvents).on('supplier.attributed', async (_m, p) => void attributed.push(p));
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe('supplier sign-up with a code', () => {
  it('locks the terms, creates the Stripe customer, coupon and subscription, and announces the attribution', async () => {
    const r = await registerReferrer(t, { companyTaxId: uniqueTaxId() });
    await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1250 }).expect(200);
    const s = await signUpSupplier(t.url, { promoCode: r.code.toLowerCase() });
    const a = s.body.supplier.attribution;
    assert.equal(a.code, r.code);
    assert.equal(a.discountBp, 1250);
    assert.equal(a.discountPercent, '12.5%');
    assert.equal(a.months, 12);
    assert.equal(a.via, 'code');
    assert.equal(a.referrerName, 'Anna Petrova');
    const [row] = await t.db.query('SELECT * FROM supplier_attributions WHERE supplier_id = $1', [s.id]);
    assert.deepEqual({ d: row.discount_bp, c: row.commission_bp, n: row.commission_months, cur: row.currency }, { d: 1250, c: 750, n: 12, cur: 'RUB' });
    assert.deepEqual(attributed.at(-1), { supplierId: s.id, referrerId: r.id });

    // What was sent to Stripe, with idempotency keys derived from the supplier.
    const coupon = fake.requestsTo('POST', /^\/v1\/coupons$/).find((x) => x.body.metadata?.supplier_id === s.id)!;
    assert.deepEqual({ p: coupon.body.percent_off, d: coupon.body.duration, n: coupon.body.duration_in_months }, { p: '12.5', d: 'repeating', n: '12' });
    assert.equal(coupon.idempotencyKey, `coupon:${s.id}`);
    const sub = fake.requestsTo('POST', /^\/v1\/subscriptions$/).find((x) => x.body.metadata?.supplier_id === s.id)!;
    assert.equal(sub.body.items[0].price, 'price_monthly');
    assert.equal(sub.body.discounts[0].coupon, s.body.supplier.billing.couponId);
    assert.equal(sub.body.customer, s.customerId);
    assert.equal(s.body.supplier.billing.state, 'incomplete');
    assert.match(s.body.supplier.billing.payUrl, /^https:\/\/invoice\.stripe\.test\//);

    // Later split changes do not touch the locked terms.
    await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 0 }).expect(200);
    const me = await request(t.url).get('/api/suppliers/me').set('authorization', `Bearer ${s.token}`).expect(200);
    assert.equal(me.body.attribution.discountBp, 1250);
    assert.equal(me.body.billing.invoices.length, 1);
  });

  it('signs up without a code: no attribution, no coupon', async () => {
    const s = await signUpSupplier(t.url);
    assert.equal(s.body.supplier.attribution, null);
    assert.equal(s.body.supplier.billing.couponId, null);
    const sub = fake.requestsTo('POST', /^\/v1\/subscriptions$/).find((x) => x.body.metadata?.supplier_id === s.id)!;
    assert.equal(sub.body.discounts, undefined);
  });
});

describe('sign-up refusals write nothing', () => {
  it('refuses unknown, paused and revoked codes', async () => {
    const paused = await registerReferrer(t);
    await request(t.url).post('/api/referrers/me/promo-code/pause').set('authorization', `Bearer ${paused.token}`).expect(200);
    const revoked = await registerReferrer(t);
    const admin = await staffToken(t, Role.Admin);
    await request(t.url).post(`/api/promo-codes/${revoked.code}/revoke`).set('authorization', `Bearer ${admin}`).expect(200);
    const cases: [string, number, string][] = [
      ['ZZZZZZZZZZ', 404, 'PROMO_CODE_NOT_FOUND'],
      [paused.code, 409, 'PROMO_CODE_PAUSED'],
      [revoked.code, 410, 'PROMO_CODE_REVOKED'],
      ['no', 400, 'PROMO_CODE_MALFORMED'],
    ];
    for (const [code, status, error] of cases) {
      const before = await counts();
      const s = await signUpSupplier(t.url, { promoCode: code }, status);
      assert.equal(s.body.error.code, error, code);
      assert.deepEqual(await counts(), before);
    }
  });

  it('refuses SELF_REFERRAL by the same tax id or the same corporate domain, not by free mail', async () => {
    const taxId = uniqueTaxId();
    const r = await registerReferrer(t, { companyTaxId: taxId, email: `anna-${Date.now()}@acme-retail.example` });
    const before = await counts();
    const byTax = await signUpSupplier(t.url, { promoCode: r.code, companyTaxId: `${taxId.slice(0, 3)}-${taxId.slice(3)}` }, 422);
    assert.equal(byTax.body.error.code, 'SELF_REFERRAL');
    const byDomain = await signUpSupplier(t.url, { promoCode: r.code, email: `boss-${Date.now()}@ACME-retail.example` }, 422);
    assert.equal(byDomain.body.error.code, 'SELF_REFERRAL');
    assert.deepEqual(await counts(), before);

    const gmailReferrer = await registerReferrer(t, { email: `anna-${Date.now()}@gmail.com` });
    await signUpSupplier(t.url, { promoCode: gmailReferrer.code, email: `boss-${Date.now()}@gmail.com` }, 201);
  });

  it('compares registrable domains (public suffix list): a subdomain is the same company, a sibling domain is not', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const cases: [string, string, number][] = [
      [`buyer-${tag}.ru`, `sales.buyer-${tag}.ru`, 422],
      [`sales.buyer-${tag}.ru`, `buyer-${tag}.ru`, 422],
      [`buyer-${tag}.co.uk`, `shop.buyer-${tag}.co.uk`, 422],
      [`eu.buyer-${tag}.co.uk`, `shop.buyer-${tag}.co.uk`, 422],
      [`a-${tag}.ru`, `b-${tag}.ru`, 201],
      [`buyer-${tag}.co.uk`, `buyer-${tag}.uk`, 201],
      // Free-mail providers beyond a short hand-kept list are no company either.
      ['web.de', 'web.de', 201],
      ['yandex.kz', 'yandex.kz', 201],
      ['gmail.com', 'gmail.com', 201],
    ];
    for (const [referrerDomain, supplierDomain, status] of cases) {
      const r = await registerReferrer(t, { email: `anna-${Math.random().toString(36).slice(2, 8)}@${referrerDomain}` });
      const before = await counts();
      const s = await signUpSupplier(t.url, { promoCode: r.code, email: `boss-${Math.random().toString(36).slice(2, 8)}@${supplierDomain}` }, status);
      if (status === 422) {
        assert.equal(s.body.error.code, 'SELF_REFERRAL', `${referrerDomain} vs ${supplierDomain}`);
        assert.deepEqual(await counts(), before);
      } else {
        assert.equal(s.body.supplier.attribution.code, r.code, `${referrerDomain} vs ${supplierDomain}`);
      }
    }
  });

  it('refuses a second sign-up with the same tax id, and a malformed tax id', async () => {
    const taxId = uniqueTaxId();
    await signUpSupplier(t.url, { companyTaxId: taxId });
    const before = await counts();
    const again = await signUpSupplier(t.url, { companyTaxId: ` ${taxId.slice(0, 4)} ${taxId.slice(4)} ` }, 409);
    assert.equal(again.body.error.code, 'SUPPLIER_TAX_ID_TAKEN');
    const bad = await signUpSupplier(t.url, { companyTaxId: '!!' }, 400);
    assert.equal(bad.body.error.code, 'SUPPLIER_TAX_ID_MALFORMED');
    assert.deepEqual(await counts(), before);
  });

  it('lets only one of two concurrent sign-ups with one tax id through', async () => {
    const taxId = uniqueTaxId();
    const results = await Promise.all([0, 1, 2].map(() => request(t.url).post('/api/suppliers').send({ email: `x${Math.random()}@w-${Math.random().toString(36).slice(2)}.example`, password: PASSWORD, companyName: 'Twin', companyTaxId: taxId })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409]);
  });
});

describe('referral link and pages', () => {
  it('/join?ref= keeps the code in a first-party cookie for 90 days and the sign-up page shows the discount', async () => {
    const r = await registerReferrer(t);
    await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1000 }).expect(200);
    const join = await request(t.url).get(`/join?ref=${r.code}`).expect(303);
    assert.equal(join.headers.location, '/suppliers/signup');
    const cookie = (join.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('hs_ref='))!;
    assert.match(cookie, new RegExp(`hs_ref=${r.code}`));
    assert.match(cookie, /Max-Age=7776000/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    const page = await request(t.url).get('/suppliers/signup').set('cookie', `hs_ref=${r.code}`).expect(200);
    assert.match(page.text, /This code gives you 10% off your subscription/);
    assert.match(page.text, new RegExp(`value="${r.code}"`));

    const email = `owner-${Date.now()}@link-wholesale.example`;
    const form = await formPost(t, '/suppliers/signup', `hs_ref=${r.code}`)
      .send({ promoCode: r.code, companyName: 'Link Foods', companyTaxId: uniqueTaxId(), email, password: PASSWORD })
      .expect(303);
    assert.equal(form.headers.location, '/supplier');
    const session = (form.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('hs_session='))!.split(';')[0];
    const home = await request(t.url).get('/supplier').set('cookie', session).expect(200);
    assert.match(home.text, /Your discount: 10%/);
    assert.match(home.text, /Recommended by Anna Petrova/);
    const [a] = await t.db.query(`SELECT a.via FROM supplier_attributions a JOIN suppliers s ON s.id = a.supplier_id JOIN users u ON u.id = s.user_id WHERE u.email = $1`, [email]);
    assert.equal(a.via, 'link');
  });

  it('shows why a code cannot be used and re-renders the form on a refusal', async () => {
    const page = await request(t.url).get('/suppliers/signup?code=ZZZZZZZZZZ').expect(200);
    assert.match(page.text, /data-code="PROMO_CODE_NOT_FOUND"[^>]*>There is no promo code ZZZZZZZZZZ\. Check the spelling\./);
    const res = await formPost(t, '/suppliers/signup')
      .send({ promoCode: 'ZZZZZZZZZZ', companyName: 'Nope', companyTaxId: uniqueTaxId(), email: `n-${Date.now()}@nope-co.example`, password: PASSWORD })
      .expect(404);
    assert.match(res.text, /data-code="PROMO_CODE_NOT_FOUND"/);
  });
});
