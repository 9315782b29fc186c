import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/auth/role';
import { LedgerService } from '../src/ledger/ledger.service';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signEvent, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { registerReferrer, staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let t2: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
const events = async () => Number((await t.db.query('SELECT count(*) AS n FROM stripe_webhook_events'))[0].n);
const idle = async () => {
  await t.app.get(StripeInboxService).whenIdle();
  await t2?.app.get(StripeInboxService).whenIdle();
};

beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  // One JWT secret for both: passport strategies are process-wide, so the second instance's win.
  const env = billingEnv(fake, { JOBS_ENABLED: 'false', JWT_SECRET: 'webhooks-test-secret-0123456789abcdef' });
  t = await startTestApp('webhooks', { env });
  t2 = await startTestApp('webhooks-2', { databaseUrl: t.databaseUrl, env });
});
afterAll(async () => {
  await t2.close();
  await t.close();
  await fake.stop();
});

describe('signature and storage', () => {
  it('refuses a bad signature, a wrong secret, a missing header and an old timestamp with 400, storing nothing', async () => {
    const event = stripeEvent('invoice.paid', { id: 'in_x' });
    const before = await events();
    const { payload, header } = signEvent(event);
    const tampered = await request(t.url).post('/api/stripe/webhooks').set('content-type', 'application/json').set('stripe-signature', header).send(payload.replace('in_x', 'in_y')).expect(400);
    assert.equal(tampered.body.error.code, 'WEBHOOK_SIGNATURE_INVALID');
    await deliver(t.url, event, { secret: 'whsec_other' }).expect(400);
    await request(t.url).post('/api/stripe/webhooks').set('content-type', 'application/json').send(payload).expect(400);
    const old = await deliver(t.url, event, { timestamp: Math.floor(Date.now() / 1000) - 3600 }).expect(400);
    assert.match(old.body.error.message, /tolerance/i);
    assert.equal(await events(), before);
  });

  it('stores and acknowledges an unknown event type without processing it', async () => {
    const event = stripeEvent('customer.tax_id.created', { id: 'txi_1' });
    const res = await deliver(t.url, event).expect(200);
    assert.deepEqual(res.body, { received: true, duplicate: false });
    const again = await deliver(t.url, event).expect(200);
    assert.equal(again.body.duplicate, true);
    const [row] = await t.db.query('SELECT status, type FROM stripe_webhook_events WHERE id = $1', [event.id]);
    assert.deepEqual(row, { status: 'ignored', type: 'customer.tax_id.created' });
  });
});

describe('failures are stored, retried and visible to admins', () => {
  it('marks a payload lacking fields failed with the reason; the retry job tries again; admins see it', async () => {
    const event = stripeEvent('invoice.paid', { id: 'in_broken', object: 'invoice' });
    await deliver(t.url, event).expect(200);
    await idle();
    const [row] = await t.db.query('SELECT status, attempts, last_error FROM stripe_webhook_events WHERE id = $1', [event.id]);
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error, /invoice\.paid lacks/);
    await t.app.get(StripeInboxService).retryDue(100, true);
    const [after] = await t.db.query('SELECT status, attempts FROM stripe_webhook_events WHERE id = $1', [event.id]);
    assert.deepEqual(after, { status: 'failed', attempts: 2 });

    const admin = await staffToken(t, Role.Admin);
    const list = await request(t.url).get('/api/stripe/webhooks/events?status=failed').set('authorization', `Bearer ${admin}`).expect(200);
    const seen = list.body.find((e: { id: string }) => e.id === event.id);
    assert.equal(seen.type, 'invoice.paid');
    assert.match(seen.lastError, /lacks/);
    const referrer = await registerReferrer(t);
    await request(t.url).get('/api/stripe/webhooks/events').set('authorization', `Bearer ${referrer.token}`).expect(403);
  });

  it('processes on retry once what it lacked exists (an invoice of a customer not known yet)', async () => {
    const paid = billing.paidInvoice('cus_not_yet_known', { total: 10_000 });
    const event = stripeEvent('invoice.paid', paid.invoice);
    await deliver(t.url, event).expect(200);
    await idle();
    const [failed] = await t.db.query('SELECT status, last_error FROM stripe_webhook_events WHERE id = $1', [event.id]);
    assert.equal(failed.status, 'failed');
    assert.match(failed.last_error, /not a known supplier/);
    const s = await signUpSupplier(t.url);
    await t.db.query('UPDATE billing_accounts SET stripe_customer_id = $2 WHERE supplier_id = $1', [s.id, 'cus_not_yet_known']);
    const admin = await staffToken(t, Role.Admin);
    const retried = await request(t.url).post(`/api/stripe/webhooks/events/${event.id}/retry`).set('authorization', `Bearer ${admin}`).expect(200);
    assert.equal(retried.body.status, 'processed');
    const [inv] = await t.db.query('SELECT status, amount_paid FROM billing_invoices WHERE stripe_invoice_id = $1', [paid.invoice.id]);
    assert.deepEqual(inv, { status: 'paid', amount_paid: 10_000n });
  });
});

describe('group processing', () => {
  it('processes a claimed group in one go; a bad event in it fails alone while the rest are posted', async () => {
    const inbox = t.app.get(StripeInboxService);
    const r = await registerReferrer(t);
    const s = await signUpSupplier(t.url, { promoCode: r.code });
    const good = [10_000, 20_000, 30_000].map((total) => stripeEvent('invoice.paid', billing.paidInvoice(s.customerId!, { total }).invoice));
    const repeat = stripeEvent('invoice.paid', good[1].data.object as unknown as Record<string, any>); // same invoice, new event id
    const broken = stripeEvent('invoice.paid', { id: 'in_broken_in_group', object: 'invoice' });
    const all = [good[0], broken, good[1], repeat, good[2]];
    // Stored straight into the inbox (no wake-up), so one processGroup call claims them all together.
    for (const [i, e] of all.entries()) {
      await t.db.query(`INSERT INTO stripe_webhook_events (id, type, payload, status, received_at) VALUES ($1, $2, $3::jsonb, 'received', now() - make_interval(secs => $4))`, [
        e.id,
        e.type,
        JSON.stringify(e),
        10 - i,
      ]);
    }
    const outcome = await inbox.processGroup();
    assert.deepEqual(outcome, { claimed: 5, failed: 1 });
    const rows = await t.db.query(`SELECT id, status, attempts, last_error FROM stripe_webhook_events WHERE id = ANY($1) ORDER BY received_at`, [all.map((e) => e.id)]);
    assert.deepEqual(
      rows.map((x: { status: string; attempts: number }) => [x.status, x.attempts]),
      [['processed', 1], ['failed', 1], ['processed', 1], ['processed', 1], ['processed', 1]],
    );
    assert.match(rows[1].last_error, /invoice\.paid lacks/);
    const b = await t.app.get(LedgerService).balances(r.id, 'RUB');
    assert.equal(b.pending, 12_000n); // 20% of 60 000; the repeated invoice earns once
    assert.equal((await t.app.get(LedgerService).verify()).ok, true);
  });
});

describe('exactly once', () => {
  it('posts once when the same invoice.paid arrives 20 times in parallel at two app instances', async () => {
    const r = await registerReferrer(t);
    const s = await signUpSupplier(t.url, { promoCode: r.code });
    const paid = billing.paidInvoice(s.customerId!, { total: 50_000 });
    const event = stripeEvent('invoice.paid', paid.invoice);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => deliver(i % 2 === 0 ? t.url : t2.url, event)));
    assert.ok(results.every((x) => x.status === 200));
    assert.equal(results.filter((x) => x.body.duplicate === false).length, 1);
    // The same fact under another event id (invoice.payment_succeeded, or a second invoice.paid) is a no-op too.
    await Promise.all([deliver(t.url, stripeEvent('invoice.paid', paid.invoice)), deliver(t2.url, stripeEvent('invoice.payment_succeeded', paid.invoice))]);
    await idle();
    await t.app.get(StripeInboxService).retryDue(100, true);
    const postings = await t.db.query(`SELECT idempotency_key FROM ledger_postings WHERE idempotency_key LIKE $1`, [`commission:${paid.invoice.id}%`]);
    assert.deepEqual(postings.map((p: { idempotency_key: string }) => p.idempotency_key), [`commission:${paid.invoice.id}`]);
    const b = await t.app.get(LedgerService).balances(r.id, 'RUB');
    assert.equal(b.pending, 10_000n); // 20% of 50 000
    assert.equal((await t.app.get(LedgerService).verify()).ok, true);
  });
});
