import assert from 'node:assert/strict';
import request from 'supertest';
import { CommissionRepository } from '../src/commissions/commission.repository';
import { metricsRegistry } from '../src/observability/metrics';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signEvent, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('stripe-delivery-route', { env: billingEnv(fake) });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

/** http_requests_total for the delivery route by status, from the app's registry (the test app runs in this process). */
async function deliveriesCounted(): Promise<Record<string, number>> {
  const metric = await metricsRegistry.getSingleMetric('http_requests_total')!.get();
  const out: Record<string, number> = {};
  for (const v of metric.values) if (v.labels.route === '/api/stripe/webhooks' && v.labels.method === 'POST') out[String(v.labels.status)] = v.value;
  return out;
}

describe('Stripe deliveries answered ahead of the app pipeline', () => {
  it('acknowledges a verified event as JSON with a correlation id, counts it under the route, and says duplicate for a repeat', async () => {
    const r = await registerReferrer(t);
    const s = await signUpSupplier(t.url, { promoCode: r.code });
    const event = stripeEvent('invoice.paid', billing.paidInvoice(s.customerId!, { total: 50_000 }).invoice);
    const before = await deliveriesCounted();
    const first = await deliver(t.url, event).expect(200);
    assert.deepEqual(first.body, { received: true, duplicate: false });
    assert.match(first.headers['content-type'], /^application\/json/);
    assert.match(first.headers['x-correlation-id'], /^[A-Za-z0-9._:-]{8,128}$/);
    const again = await deliver(t.url, event).expect(200);
    assert.deepEqual(again.body, { received: true, duplicate: true });
    const after = await deliveriesCounted();
    assert.equal((after['200'] ?? 0) - (before['200'] ?? 0), 2);

    await t.app.get(StripeInboxService).whenIdle();
    const [row] = await t.db.query(`SELECT status, payload->'data'->'object'->>'id' AS invoice FROM stripe_webhook_events WHERE id = $1`, [event.id]);
    assert.deepEqual(row, { status: 'processed', invoice: (event.data.object as { id: string }).id });
    const [commission] = await t.db.query(`SELECT referrer_id, posted_pending::text AS pending FROM commissions WHERE invoice_id = $1`, [(event.data.object as { id: string }).id]);
    assert.equal(commission.referrer_id, r.id);
    assert.notEqual(commission.pending, '0');
  });

  it('hands a refused delivery to the controller: the usual error body and security headers, counted as 400, nothing stored', async () => {
    const event = stripeEvent('invoice.paid', { id: 'in_refused_fast_path' });
    const { payload, header } = signEvent(event, { secret: 'whsec_not_ours' });
    const before = await deliveriesCounted();
    const stored = async () => Number((await t.db.query(`SELECT count(*) AS n FROM stripe_webhook_events WHERE id = $1`, [event.id]))[0].n);
    const en = await request(t.url).post('/api/stripe/webhooks').set('content-type', 'application/json').set('stripe-signature', header).send(payload).expect(400);
    assert.equal(en.body.error.code, 'WEBHOOK_SIGNATURE_INVALID');
    assert.equal(en.headers['x-content-type-options'], 'nosniff');
    const future = Math.floor(Date.now() / 1000) + 3600;
    const late = await deliver(t.url, event, { timestamp: future }).expect(400);
    assert.match(late.body.error.message, /future/);
    const noHeader = await request(t.url).post('/api/stripe/webhooks').set('content-type', 'application/json').send(payload).expect(400);
    assert.equal(noHeader.body.error.code, 'WEBHOOK_SIGNATURE_INVALID');
    assert.equal(await stored(), 0);
    const after = await deliveriesCounted();
    assert.equal((after['400'] ?? 0) - (before['400'] ?? 0), 3);
    assert.equal(after['200'] ?? 0, before['200'] ?? 0);
  });
});

describe('commission rows are written once', () => {
  it('a new invoice gets its row in one insert; two transactions that both create it cannot both commit', async () => {
    const repo = t.app.get(CommissionRepository);
    const invoiceId = `in_race_${Date.now()}`;
    const q1 = t.db.createQueryRunner();
    const q2 = t.db.createQueryRunner();
    await q1.startTransaction();
    await q2.startTransaction();
    try {
      const a = (await repo.lockCommissions(q1.manager, [invoiceId])).get(invoiceId)!;
      const b = (await repo.lockCommissions(q2.manager, [invoiceId])).get(invoiceId)!;
      // Neither exists in the database yet: both would create it.
      assert.equal(Number((await t.db.query(`SELECT count(*) AS n FROM commissions WHERE invoice_id = $1`, [invoiceId]))[0].n), 0);
      a.adjustments = 1;
      await repo.saveCommissions(q1.manager, [a]);
      const second = repo.saveCommissions(q2.manager, [b]); // waits on the first's unique key
      await q1.commitTransaction();
      await assert.rejects(second, (err: { driverError?: { code?: string } }) => err.driverError?.code === '23505');
      await q2.rollbackTransaction();
      const rows = await t.db.query(`SELECT id, adjustments FROM commissions WHERE invoice_id = $1`, [invoiceId]);
      assert.deepEqual(rows, [{ id: a.id, adjustments: 1 }]);

      // The row now exists: the next lock finds it (no new row in memory) and a save updates it.
      await q1.startTransaction();
      const again = (await repo.lockCommissions(q1.manager, [invoiceId])).get(invoiceId)!;
      assert.equal(again.id, a.id);
      again.adjustments = 2;
      await repo.saveCommissions(q1.manager, [again]);
      await q1.commitTransaction();
      assert.deepEqual(await t.db.query(`SELECT adjustments FROM commissions WHERE invoice_id = $1`, [invoiceId]), [{ adjustments: 2 }]);
    } finally {
      if (q1.isTransactionActive) await q1.rollbackTransaction();
      if (q2.isTransactionActive) await q2.rollbackTransaction();
      await q1.release();
      await q2.release();
    }
  });
});
