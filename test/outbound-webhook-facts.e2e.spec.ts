import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { CommissionService } from '../src/commissions/commission.service';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { bankReferrer, RU_ACCOUNT, RU_BIC, seedAvailable } from './support/fake-stripe-connect';
import { member } from './exchange-fixtures';
import { formPost } from './support/browser-form';
import { registerReferrer, staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const DAY = 86_400_000;

/** The money facts reach the outbox with their amounts in minor units and the currency. */
describe('outbound webhook events of commissions', () => {
  let t: TestApp;
  let fake: FakeStripe;
  let billing: FakeStripeBilling;

  beforeAll(async () => {
    fake = await new FakeStripe().start();
    billing = new FakeStripeBilling(fake);
    t = await startTestApp('webhook_facts', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });

  const send = async (...events: ReturnType<typeof stripeEvent>[]) => {
    for (const e of events) await deliver(t.url, e).expect(200);
    await t.app.get(StripeInboxService).whenIdle();
  };
  const events = async (type: string) => (await t.db.query(`SELECT data FROM webhook_events WHERE type = $1 ORDER BY seq`, [type])).map((r: { data: any }) => r.data);

  it('earned, available and clawed back, with the supplier conversion', async () => {
    const admin = await staffToken(t, Role.Admin);
    const types = ['supplier.attributed', 'supplier.converted', 'commission.earned', 'commission.available', 'commission.clawed_back'];
    // Unreachable on purpose: this test reads the outbox, nothing is sent (jobs are off).
    await request(t.url).post('/api/webhook-endpoints').set('authorization', `Bearer ${admin}`).send({ url: 'https://erp.example.invalid/hooks', eventTypes: types }).expect(201);
    const r = await registerReferrer(t);
    await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1000 }).expect(200);
    const s = await signUpSupplier(t.url, { promoCode: r.code });
    assert.deepEqual(await events('supplier.attributed'), [{ supplierId: s.id, referrerId: r.id }]);
    const paid = billing.paidInvoice(s.customerId!, { total: 10_000, paidAt: Math.floor(Date.now() / 1000) - 3600 });
    await send(stripeEvent('invoice.paid', paid.invoice));
    await send(stripeEvent('invoice.paid', paid.invoice)); // repeated: announced once
    assert.deepEqual(await events('supplier.converted'), [{ supplierId: s.id, referrerId: r.id }]);
    const [c] = await t.db.query(`SELECT id FROM commissions WHERE invoice_id = $1`, [paid.invoice.id]);
    const base = { commissionId: c.id, invoiceId: paid.invoice.id, referrerId: r.id, supplierId: s.id, currency: 'RUB' };
    assert.deepEqual(await events('commission.earned'), [{ ...base, amount: '1000', cause: 'invoice_paid' }]);
    await t.app.get(CommissionService).releaseDue(new Date(Date.now() + 31 * DAY));
    assert.deepEqual(await events('commission.available'), [{ ...base, amount: '1000', cause: 'hold_ended' }]);
    const refund = billing.refund(paid, 3_000);
    await send(stripeEvent('refund.created', refund.refund), stripeEvent('charge.refunded', refund.charge));
    assert.deepEqual(await events('commission.clawed_back'), [{ ...base, amount: '300', cause: 'refund' }]);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM webhook_deliveries`);
    assert.equal(n, 5, 'one delivery per event for the one endpoint');
  });

  it('payout paid and failed, with the batch and the method', async () => {
    const admin = await staffToken(t, Role.Admin);
    await request(t.url).post('/api/webhook-endpoints').set('authorization', `Bearer ${admin}`).send({ url: 'https://erp.example.invalid/payouts', eventTypes: ['payout.paid', 'payout.failed'] }).expect(201);
    const alice = await staffToken(t, Role.Finance);
    const bob = await staffToken(t, Role.Finance);
    const paidOne = await bankReferrer(t, 'Ivan Sidorov');
    const failedOne = await bankReferrer(t, 'Olga Smirnova');
    await seedAvailable(t, paidOne.id, 500_000n);
    await seedAvailable(t, failedOne.id, 250_000n);
    const batch = (await request(t.url).post('/api/payouts/batches').set('authorization', `Bearer ${alice}`).send({}).expect(201)).body;
    await request(t.url).post(`/api/payouts/batches/${batch.id}/approve`).set('authorization', `Bearer ${bob}`).expect(200);
    const items: { id: string; referrer_id: string }[] = await t.db.query(`SELECT id, referrer_id FROM payout_items WHERE batch_id = $1`, [batch.id]);
    const itemOf = (id: string) => items.find((i) => i.referrer_id === id)!.id;
    await request(t.url).post(`/api/payouts/items/${itemOf(paidOne.id)}/mark-paid`).set('authorization', `Bearer ${alice}`).send({}).expect(200);
    await request(t.url).post(`/api/payouts/items/${itemOf(failedOne.id)}/mark-failed`).set('authorization', `Bearer ${alice}`).send({ reason: 'account closed' }).expect(200);
    const base = { batchId: batch.id, currency: 'RUB', method: 'bank', transferId: null };
    const payee = (id: string) => ({ payeeKind: 'referrer', payeeId: id, referrerId: id });
    assert.deepEqual(await events('payout.paid'), [{ ...base, payoutItemId: itemOf(paidOne.id), ...payee(paidOne.id), amount: '500000', failureReason: null }]);
    assert.deepEqual(await events('payout.failed'), [{ ...base, payoutItemId: itemOf(failedOne.id), ...payee(failedOne.id), amount: '250000', failureReason: 'account closed' }]);
  });

  it('an exchange member paid its referral fees: payeeKind exchange_member, payeeId (and referrerId, the same id, for old integrations)', async () => {
    const admin = await staffToken(t, Role.Admin);
    const alice = await staffToken(t, Role.Finance);
    const bob = await staffToken(t, Role.Finance);
    const partner = await member(t, admin, { company: 'Fee Earner LLC' });
    await formPost(t, '/exchange/payout-details/bank', `hs_session=${partner.token}`).send({ accountHolder: 'Fee Earner LLC', bankIdentifier: RU_BIC, accountNumber: RU_ACCOUNT }).expect(303);
    await seedAvailable(t, partner.id, 300_000n);
    const batch = (await request(t.url).post('/api/payouts/batches').set('authorization', `Bearer ${alice}`).send({}).expect(201)).body;
    await request(t.url).post(`/api/payouts/batches/${batch.id}/approve`).set('authorization', `Bearer ${bob}`).expect(200);
    const [item] = await t.db.query(`SELECT id FROM payout_items WHERE batch_id = $1 AND referrer_id = $2`, [batch.id, partner.id]);
    await request(t.url).post(`/api/payouts/items/${item.id}/mark-failed`).set('authorization', `Bearer ${alice}`).send({ reason: 'wrong account' }).expect(200);
    const failed = (await events('payout.failed')).filter((d: { payoutItemId: string }) => d.payoutItemId === item.id);
    assert.deepEqual(failed, [
      { payoutItemId: item.id, batchId: batch.id, payeeKind: 'exchange_member', payeeId: partner.id, referrerId: partner.id, amount: '300000', currency: 'RUB', method: 'bank', transferId: null, failureReason: 'wrong account' },
    ]);
    // The OpenAPI webhooks section documents both fields.
    const doc = (await request(t.url).get('/docs-json').expect(200)).body;
    for (const type of ['payout_paid', 'payout_failed']) {
      const data = doc.components.schemas[`WebhookEvent_${type}`].properties.data;
      assert.deepEqual(data.properties.payeeKind.enum, ['referrer', 'exchange_member']);
      assert.equal(data.properties.payeeId.format, 'uuid');
      assert.ok(data.required.includes('payeeKind') && data.required.includes('payeeId') && data.required.includes('referrerId'));
    }
    assert.ok(doc.webhooks['payout.paid']);
  });
});
