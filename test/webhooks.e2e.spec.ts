import assert from 'node:assert/strict';
import Stripe from 'stripe';
import request from 'supertest';
import { Role } from '../src/access/role';
import { LedgerService } from '../src/ledger/ledger.service';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIRST_BACKOFF_SECONDS, MAX_ATTEMPTS, MAX_BACKOFF_SECONDS, StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
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

  it('refuses a signed event with a NUL in it (VALIDATION_FAILED) and signed non-JSON (MALFORMED_JSON), storing nothing; the body is checked raw', async () => {
    const before = await events();
    const nul = await deliver(t.url, stripeEvent('customer.tax_id.created', { id: 'txi_nul', value: 'a\u0000b' })).expect(400);
    assert.equal(nul.body.error.code, 'VALIDATION_FAILED');
    const bad = await request(t.url).post('/api/stripe/webhooks').set('content-type', 'application/json').set('stripe-signature', Stripe.webhooks.generateTestHeaderString({ payload: '{"id": ', secret: 'whsec_x' })).send('{"id": ').expect(400);
    assert.equal(bad.body.error.code, 'MALFORMED_JSON');
    assert.equal(await events(), before);
  });

  it('stores and acknowledges an unknown event type without processing it', async () => {
    const event = stripeEvent('customer.tax_id.created', { id: 'txi_1' });
    const res = await deliver(t.url, event).expect(200);
    assert.deepEqual(res.body, { received: true, duplicate: false });
    const again = await deliver(t.url, event).expect(200);
    assert.equal(again.body.duplicate, true);
    // Express routes the path with a trailing slash there too: the same delivery.
    const { payload, header } = signEvent(event);
    const slash = await request(t.url).post('/api/stripe/webhooks/').set('content-type', 'application/json').set('stripe-signature', header).send(payload).expect(200);
    assert.deepEqual(slash.body, { received: true, duplicate: true });
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
    assert.deepEqual(outcome, { claimed: 5, failed: 1, deadLettered: 0 });
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

describe('notifications of a group', () => {
  it('queues one "supplier converted" per supplier for a group of first payments (set-based), none for a later payment', async () => {
    const inbox = t.app.get(StripeInboxService);
    const [r1, r2] = [await registerReferrer(t), await registerReferrer(t)];
    const suppliers = [await signUpSupplier(t.url, { promoCode: r1.code }), await signUpSupplier(t.url, { promoCode: r1.code }), await signUpSupplier(t.url, { promoCode: r2.code })];
    const first = suppliers.map((s) => stripeEvent('invoice.paid', billing.paidInvoice(s.customerId!, { total: 10_000 }).invoice));
    const repeat = stripeEvent('invoice.paid', first[0].data.object as unknown as Record<string, any>);
    const store = async (list: typeof first) => {
      for (const [i, e] of list.entries()) {
        await t.db.query(`INSERT INTO stripe_webhook_events (id, type, payload, status, received_at) VALUES ($1, $2, $3::jsonb, 'received', now() - make_interval(secs => $4))`, [e.id, e.type, JSON.stringify(e), 10 - i]);
      }
    };
    await store([...first, repeat]);
    assert.deepEqual(await inbox.processGroup(), { claimed: 4, failed: 0, deadLettered: 0 });
    const converted = async () =>
      (
        await t.db.query(
          `SELECT r.id AS referrer_id, n.payload->>'supplierId' AS supplier_id, n.dedupe_key FROM notifications n JOIN referrers r ON r.user_id = n.user_id
            WHERE n.kind = 'referrer.supplier_converted' AND r.id = ANY($1) ORDER BY n.id`,
          [[r1.id, r2.id]],
        )
      ).map((x: { referrer_id: string; supplier_id: string; dedupe_key: string }) => [x.referrer_id, x.supplier_id, x.dedupe_key.startsWith(`supplier-converted:${x.supplier_id}:`)]);
    const expected = [
      [r1.id, suppliers[0].id, true],
      [r1.id, suppliers[1].id, true],
      [r2.id, suppliers[2].id, true],
    ];
    assert.deepEqual(await converted(), expected);
    await store([stripeEvent('invoice.paid', billing.paidInvoice(suppliers[2].customerId!, { total: 20_000 }).invoice)]);
    assert.deepEqual(await inbox.processGroup(), { claimed: 1, failed: 0, deadLettered: 0 });
    assert.deepEqual(await converted(), expected);
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

describe('dead letters', () => {
  const state = async (id: string) =>
    (
      await t.db.query(
        `SELECT status, attempts, last_error, extract(epoch FROM next_attempt_at - now())::float8 AS wait, dead_lettered_at FROM stripe_webhook_events WHERE id = $1`,
        [id],
      )
    )[0];

  it('retries a malformed event with exponential backoff, dead-letters it after MAX_ATTEMPTS with its reason, and the job leaves it alone', async () => {
    assert.ok(MAX_ATTEMPTS >= 3 && MAX_ATTEMPTS <= 20, `a bounded number of attempts, not ${MAX_ATTEMPTS}`);
    const inbox = t.app.get(StripeInboxService);
    const event = stripeEvent('invoice.paid', { id: 'in_dead_letter', object: 'invoice' });
    await deliver(t.url, event).expect(200);
    await idle();
    let s = await state(event.id);
    assert.deepEqual([s.status, s.attempts], ['failed', 1]);
    await inbox.retryDue(); // not due yet: untouched
    assert.equal((await state(event.id)).attempts, 1);
    const waits: number[] = [s.wait];
    for (let n = 2; n <= MAX_ATTEMPTS; n++) {
      await t.db.query(`UPDATE stripe_webhook_events SET next_attempt_at = now() - interval '1 second' WHERE id = $1`, [event.id]);
      await inbox.retryDue();
      s = await state(event.id);
      assert.equal(s.attempts, n);
      if (n < MAX_ATTEMPTS) {
        assert.equal(s.status, 'failed');
        waits.push(s.wait);
      }
    }
    waits.forEach((w, i) => {
      const expected = Math.min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** i);
      assert.ok(Math.abs(w - expected) < 5, `wait after attempt ${i + 1}: ${w} s, expected ${expected} s`);
    });
    assert.equal(s.status, 'dead_letter');
    assert.equal(s.wait, null);
    assert.ok(s.dead_lettered_at instanceof Date);
    assert.match(s.last_error, /invoice\.paid lacks/);

    // Neither the job nor a retry of every failed event touches a dead letter.
    await inbox.retryDue(1000, true);
    assert.equal((await state(event.id)).attempts, MAX_ATTEMPTS);

    const admin = await staffToken(t, Role.Admin);
    const finance = await staffToken(t, Role.Finance);
    const list = await request(t.url).get('/api/stripe/webhooks/events?status=dead_letter').set('authorization', `Bearer ${finance}`).expect(200);
    const seen = list.body.find((e: { id: string }) => e.id === event.id);
    assert.deepEqual({ status: seen.status, attempts: seen.attempts, next: seen.nextAttemptAt }, { status: 'dead_letter', attempts: MAX_ATTEMPTS, next: null });
    assert.match(seen.lastError, /lacks/);
    assert.ok(seen.deadLetteredAt);
    assert.ok(list.body.every((e: { status: string }) => e.status === 'dead_letter'));
    await request(t.url).post(`/api/stripe/webhooks/events/${event.id}/retry`).set('authorization', `Bearer ${finance}`).expect(403);
    await request(t.url).post('/api/stripe/webhooks/dead-letters/retry').set('authorization', `Bearer ${finance}`).expect(403);
    // Retried by hand while still broken: one more attempt, still a dead letter.
    const again = await request(t.url).post(`/api/stripe/webhooks/events/${event.id}/retry`).set('authorization', `Bearer ${admin}`).expect(200);
    assert.deepEqual([again.body.status, again.body.attempts, again.body.nextAttemptAt], ['dead_letter', MAX_ATTEMPTS + 1, null]);
  });

  it('an admin retries dead letters by hand once their cause is fixed: one, or all at once', async () => {
    const inbox = t.app.get(StripeInboxService);
    const paid1 = billing.paidInvoice('cus_dead_letter_1', { total: 20_000 });
    const paid2 = billing.paidInvoice('cus_dead_letter_2', { total: 30_000 });
    const first = stripeEvent('invoice.paid', paid1.invoice);
    const second = stripeEvent('invoice.paid', paid2.invoice);
    for (const e of [first, second]) await deliver(t.url, e).expect(200);
    await idle();
    // Attempts used up but one, and due: the next automatic attempt dead-letters both.
    await t.db.query(`UPDATE stripe_webhook_events SET attempts = $2::int - 1, next_attempt_at = now() - interval '1 second' WHERE id = ANY($1)`, [[first.id, second.id], MAX_ATTEMPTS]);
    const job = await inbox.retryDue();
    assert.deepEqual({ tried: job.tried, deadLettered: job.deadLettered, processed: job.processed, failed: job.failed }, { tried: 2, deadLettered: 2, processed: 0, failed: 0 });
    assert.equal((await state(first.id)).status, 'dead_letter');
    assert.match((await state(second.id)).last_error, /not a known supplier/);

    const admin = await staffToken(t, Role.Admin);
    const s1 = await signUpSupplier(t.url);
    await t.db.query('UPDATE billing_accounts SET stripe_customer_id = $2 WHERE supplier_id = $1', [s1.id, 'cus_dead_letter_1']);
    const one = await request(t.url).post(`/api/stripe/webhooks/events/${first.id}/retry`).set('authorization', `Bearer ${admin}`).expect(200);
    assert.equal(one.body.status, 'processed');
    const [inv1] = await t.db.query('SELECT status, amount_paid FROM billing_invoices WHERE stripe_invoice_id = $1', [paid1.invoice.id]);
    assert.deepEqual(inv1, { status: 'paid', amount_paid: 20_000n });

    const s2 = await signUpSupplier(t.url);
    await t.db.query('UPDATE billing_accounts SET stripe_customer_id = $2 WHERE supplier_id = $1', [s2.id, 'cus_dead_letter_2']);
    const [{ n: waiting }] = await t.db.query(`SELECT count(*)::int AS n FROM stripe_webhook_events WHERE status = 'dead_letter'`);
    const all = await request(t.url).post('/api/stripe/webhooks/dead-letters/retry').set('authorization', `Bearer ${admin}`).expect(200);
    assert.deepEqual(all.body, { tried: waiting, processed: 1, failed: 0, deadLettered: waiting - 1, deadLettersWaiting: waiting - 1 });
    assert.equal((await state(second.id)).status, 'processed');
    const [inv2] = await t.db.query('SELECT status FROM billing_invoices WHERE stripe_invoice_id = $1', [paid2.invoice.id]);
    assert.equal(inv2.status, 'paid');
  });

  it('webhooks:retry --all reports retried, succeeded, still failing and dead-lettered, and exits 0 though some keep failing', async () => {
    const broken = stripeEvent('invoice.paid', { id: 'in_cli_broken', object: 'invoice' });
    await deliver(t.url, broken).expect(200);
    await idle();
    const rows: { attempts: number }[] = await t.db.query(`SELECT attempts FROM stripe_webhook_events WHERE status = 'failed'`);
    assert.ok(rows.length >= 1);
    const willDie = rows.filter((r) => r.attempts + 1 >= MAX_ATTEMPTS).length;
    const [{ n: waiting }] = await t.db.query(`SELECT count(*)::int AS n FROM stripe_webhook_events WHERE status = 'dead_letter'`);
    const run = spawnSync(process.execPath, [join(__dirname, '..', 'src', 'cli.js'), 'webhooks:retry', '--all'], {
      env: { PATH: process.env.PATH, ...billingEnv(fake, { JOBS_ENABLED: 'false' }), DATABASE_URL: t.databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`stripe events: retried=${rows.length} succeeded=0 still_failing=${rows.length - willDie} dead_lettered=${willDie} dead_letters_waiting=${waiting + willDie}`),
    );
    assert.equal((await state(broken.id)).attempts, 2);
  });
});
