import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { auth, connectEnv, FakeStripeConnect, RU_ACCOUNT, RU_BIC, staffUser } from './support/fake-stripe-connect';
import { registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let connect: FakeStripeConnect;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  connect = new FakeStripeConnect(fake);
  t = await startTestApp('payout_details', { env: connectEnv(fake) });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe('bank details', () => {
  it('stores bank details encrypted and shows them masked', async () => {
    const r = await registerReferrer(t);
    const res = await request(t.url)
      .put('/api/payout-details/me/bank')
      .set(auth(r.token))
      .send({ accountHolder: ' Anna  Petrova ', bankIdentifier: RU_BIC, accountNumber: RU_ACCOUNT.replace(/(\d{4})/g, '$1 ') })
      .expect(200);
    assert.deepEqual(res.body.bank, { accountHolder: 'Anna Petrova', bankIdentifier: RU_BIC, accountNumberLast4: RU_ACCOUNT.slice(-4) });
    assert.equal(res.body.method, 'bank');
    assert.equal(res.body.usable, true);
    const [row] = await t.db.query(`SELECT bank_encrypted FROM payout_details WHERE referrer_id = $1`, [r.id]);
    assert.ok(!(row.bank_encrypted as Buffer).toString('latin1').includes(RU_ACCOUNT), 'the account number is not stored in clear');
    assert.ok(!(row.bank_encrypted as Buffer).toString('utf8').includes('Petrova'));
  });

  const bad: [string, Record<string, string>, number, string][] = [
    ['a wrong control key', { accountNumber: RU_ACCOUNT.slice(0, 8) + String((Number(RU_ACCOUNT[8]) + 1) % 10) + RU_ACCOUNT.slice(9) }, 400, 'BANK_DETAILS_MALFORMED'],
    ['a short account', { accountNumber: '40817810' }, 400, 'BANK_DETAILS_MALFORMED'],
    ['an unknown bank identifier', { bankIdentifier: '12345' }, 400, 'BANK_DETAILS_MALFORMED'],
    ['a SWIFT code with a broken IBAN', { bankIdentifier: 'COBADEFFXXX', accountNumber: 'DE89370400440532013001' }, 400, 'BANK_DETAILS_MALFORMED'],
    ['a holder of symbols', { accountHolder: '<script>' }, 400, 'BANK_DETAILS_MALFORMED'],
    ['an unknown field', { iban: 'x' }, 400, 'VALIDATION_FAILED'],
  ];
  for (const [name, change, status, code] of bad) {
    it(`refuses ${name} with ${code} and changes nothing`, async () => {
      const r = await registerReferrer(t);
      const res = await request(t.url)
        .put('/api/payout-details/me/bank')
        .set(auth(r.token))
        .send({ accountHolder: 'Anna Petrova', bankIdentifier: RU_BIC, accountNumber: RU_ACCOUNT, ...change })
        .expect(status);
      assert.equal(res.body.error.code, code);
      const rows = await t.db.query(`SELECT 1 FROM payout_details WHERE referrer_id = $1`, [r.id]);
      assert.equal(rows.length, 0);
    });
  }

  it('accepts a SWIFT code with a valid IBAN', async () => {
    const r = await registerReferrer(t);
    const res = await request(t.url).put('/api/payout-details/me/bank').set(auth(r.token)).send({ accountHolder: 'Max Muster', bankIdentifier: 'cobadeffxxx', accountNumber: 'DE89 3704 0044 0532 0130 00' }).expect(200);
    assert.equal(res.body.bank.bankIdentifier, 'COBADEFFXXX');
  });
});

describe('Stripe Connect onboarding', () => {
  it('creates one Express account, returns onboarding links, and becomes usable on account.updated', async () => {
    const r = await registerReferrer(t);
    const first = await request(t.url).post('/api/payout-details/me/stripe-connect').set(auth(r.token)).expect(201);
    assert.match(first.body.onboardingUrl, /^https:\/\/connect\.stripe\.test\/setup\//);
    const second = await request(t.url).post('/api/payout-details/me/stripe-connect').set(auth(r.token)).expect(201);
    assert.equal(second.body.stripeAccountId, first.body.stripeAccountId);
    const creates = fake.requestsTo('POST', /^\/v1\/accounts$/).filter((q) => q.body.metadata?.referrer_id === r.id);
    assert.equal(creates.length, 1);
    assert.equal(creates[0].body.type, 'express');
    assert.equal(creates[0].body.capabilities.transfers.requested, 'true');
    const links = fake.requestsTo('POST', /^\/v1\/account_links$/).filter((q) => q.body.account === first.body.stripeAccountId);
    assert.equal(links.length, 2);
    assert.equal(links[0].body.return_url, `${t.config.publicBaseUrl}/cabinet/payout-details/connect/return`);

    let me = await request(t.url).get('/api/payout-details/me').set(auth(r.token)).expect(200);
    assert.deepEqual({ method: me.body.method, usable: me.body.usable }, { method: 'stripe_connect', usable: false });

    const now = Math.floor(Date.now() / 1000);
    connect.activate(first.body.stripeAccountId);
    await connect.sendAccountUpdated(t.url, first.body.stripeAccountId, 'whsec_x', now);
    await t.app.get(StripeInboxService).whenIdle();
    me = await request(t.url).get('/api/payout-details/me').set(auth(r.token)).expect(200);
    assert.equal(me.body.usable, true);
    assert.equal(me.body.stripeDetailsSubmitted, true);

    // An older event delivered late does not undo the newer state.
    connect.activate(first.body.stripeAccountId, false);
    await connect.sendAccountUpdated(t.url, first.body.stripeAccountId, 'whsec_x', now - 60);
    await t.app.get(StripeInboxService).whenIdle();
    me = await request(t.url).get('/api/payout-details/me').set(auth(r.token)).expect(200);
    assert.equal(me.body.stripeTransfersActive, true);
  });

  it('the cabinet page shows the details and the bank form', async () => {
    const r = await registerReferrer(t);
    const page = await request(t.url).get('/cabinet/payout-details').set('cookie', `hs_session=${r.token}`).expect(200);
    assert.match(page.text, /data-test="bank-form"/);
  });
});

describe('access', () => {
  it('staff read a referrer\'s details; a referrer cannot read another\'s or use finance routes', async () => {
    const r = await registerReferrer(t);
    const finance = await staffUser(t, Role.Finance);
    await request(t.url).get(`/api/payout-details/${r.id}`).set(auth(finance.token)).expect(200);
    await request(t.url).get(`/api/payout-details/${r.id}`).set(auth(r.token)).expect(403);
    for (const [method, path] of [
      ['get', '/api/payouts/preview'],
      ['post', '/api/payouts/batches'],
      ['get', '/api/finance/audit'],
      ['post', '/api/adjustments'],
      ['get', '/api/reconciliation?from=2026-01-01&to=2026-02-01'],
    ] as const) {
      const res = await request(t.url)[method](path).set(auth(r.token)).send({});
      assert.equal(res.status, 403, `${method} ${path}`);
    }
  });
});
