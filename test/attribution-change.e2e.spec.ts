import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { LedgerService } from '../src/ledger/ledger.service';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { AttributionService } from '../src/suppliers/attribution.service';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { registerReferrer, RegisteredReferrer, staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
let admin: string;
let finance: string;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('attribution-change', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  admin = await staffToken(t, Role.Admin);
  finance = await staffToken(t, Role.Finance);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const pending = async (r: RegisteredReferrer) => (await t.app.get(LedgerService).balances(r.id, 'RUB')).pending;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const count = async (table: string) => Number((await t.db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

/** Pays an invoice through a signed webhook (the group path) and waits for it to be processed. */
async function pay(customer: string, total: number, paidAt: number): Promise<string> {
  const paid = billing.paidInvoice(customer, { total, paidAt });
  await deliver(t.url, stripeEvent('invoice.paid', paid.invoice)).expect(200);
  await t.app.get(StripeInboxService).whenIdle();
  assert.deepEqual(await t.db.query(`SELECT id, last_error FROM stripe_webhook_events WHERE status = 'failed'`), []);
  return paid.invoice.id;
}

/** A referrer whose commission is `commissionBp` of the 20% budget. */
async function referrer(commissionBp: number, overrides: Record<string, unknown> = {}): Promise<RegisteredReferrer> {
  const r = await registerReferrer(t, overrides);
  await request(t.url).put('/api/referrers/me/split').set(auth(r.token)).send({ discountBp: 2000 - commissionBp }).expect(200);
  return r;
}

const move = (supplierId: string, body: Record<string, unknown>, token = admin) => request(t.url).post(`/api/admin/suppliers/${supplierId}/attribution`).set(auth(token)).send(body);

describe('an admin changes an attribution', () => {
  it('moves a paying supplier from A to B: later invoices earn for B on terms locked at the move, earlier ones stay with A; to no one: nothing', async () => {
    const a = await referrer(1000);
    const b = await referrer(1500);
    const s = await signUpSupplier(t.url, { promoCode: a.code });
    const inv1 = await pay(s.customerId!, 10_000, now() - 3600);
    assert.equal(await pending(a), 1_000n);

    const moved = await move(s.id, { referrerId: b.id, reason: 'The supplier was introduced by B; A agreed (ticket 42)' }).expect(200);
    assert.equal(moved.body.currentReferrerId, b.id);
    assert.equal(moved.body.hasPaid, true);
    assert.deepEqual(
      moved.body.history.map((h: Record<string, unknown>) => [h.referrerId, h.commissionBp, h.via, h.reason]),
      [
        [a.id, 1000, 'code', null],
        [b.id, 1500, 'admin', 'The supplier was introduced by B; A agreed (ticket 42)'],
      ],
    );
    const validFrom = new Date(moved.body.history[1].validFrom).getTime();
    // B's split changes after the move: the terms locked at the move stay.
    await request(t.url).put('/api/referrers/me/split').set(auth(b.token)).send({ discountBp: 0 }).expect(200);

    // Paid before the move but delivered after it: still A's.
    await pay(s.customerId!, 5_000, Math.floor(validFrom / 1000) - 60);
    assert.equal(await pending(a), 1_500n);
    // Paid after the move: B's, 15%.
    const inv2 = await pay(s.customerId!, 20_000, now() + 2);
    assert.equal(await pending(b), 3_000n);
    assert.equal(await pending(a), 1_500n);
    // The one-by-one path (a retried event) asks the same question.
    const paid2b = billing.paidInvoice(s.customerId!, { total: 10_000, paidAt: now() + 2 });
    const e2b = stripeEvent('invoice.paid', paid2b.invoice);
    await t.db.query(`INSERT INTO stripe_webhook_events (id, type, payload, status) VALUES ($1, $2, $3::jsonb, 'received')`, [e2b.id, e2b.type, JSON.stringify(e2b)]);
    assert.equal(await t.app.get(StripeInboxService).process(e2b.id), 'processed');
    assert.equal(await pending(b), 4_500n);
    const rows = await t.db.query(`SELECT invoice_id, referrer_id, commission_bp FROM commissions WHERE invoice_id = ANY($1) ORDER BY paid_at`, [[inv1, inv2]]);
    assert.deepEqual(rows.map((r: Record<string, unknown>) => [r.referrer_id, r.commission_bp]), [[a.id, 1000], [b.id, 1500]]);

    // To no one: invoice 3 earns nothing; A and B keep what they earned.
    await move(s.id, { referrerId: null, reason: 'Contract ended the partnership' }).expect(200);
    const inv3 = await pay(s.customerId!, 30_000, now() + 4);
    assert.deepEqual([await pending(a), await pending(b)], [1_500n, 4_500n]);
    const [c3] = await t.db.query(`SELECT referrer_id, commission_bp, posted_pending FROM commissions WHERE invoice_id = $1`, [inv3]);
    assert.deepEqual(c3, { referrer_id: null, commission_bp: null, posted_pending: 0n });
    assert.equal(await t.app.get(AttributionService).inForceAt(s.id, new Date()), null);
    assert.equal((await t.app.get(AttributionService).inForceAt(s.id, new Date((now() - 3600) * 1000)))!.referrerId, a.id);

    // Audit records: who, why, before and after.
    const audit = await request(t.url).get(`/api/finance/audit?action=attribution.change&subjectId=${s.id}`).set(auth(finance)).expect(200);
    assert.equal(audit.body.length, 2);
    const [toNone, toB] = audit.body;
    assert.deepEqual([toB.before.referrerId, toB.after.referrerId, toB.after.commissionBp, toB.details.reason], [a.id, b.id, 1500, 'The supplier was introduced by B; A agreed (ticket 42)']);
    assert.deepEqual([toNone.before.referrerId, toNone.after.referrerId, toNone.details.reason], [b.id, null, 'Contract ended the partnership']);
    assert.match(toB.actorEmail, /^admin-/);
    const history = await request(t.url).get(`/api/admin/suppliers/${s.id}/attribution`).set(auth(finance)).expect(200);
    assert.deepEqual([history.body.currentReferrerId, history.body.history.length], [null, 3]);

    // Back to A later: a change like any other.
    await move(s.id, { referrerId: a.id, reason: 'Partnership renewed' }).expect(200);
    await pay(s.customerId!, 10_000, now() + 6);
    assert.equal(await pending(a), 2_500n);
    assert.equal((await t.app.get(LedgerService).verify()).ok, true);
  });

  it('before the first payment the existing rules apply; a move then earns the new referrer the first invoice', async () => {
    const a = await referrer(1000);
    const b = await referrer(1500);
    const untouched = await signUpSupplier(t.url, { promoCode: a.code });
    const history = await request(t.url).get(`/api/admin/suppliers/${untouched.id}/attribution`).set(auth(admin)).expect(200);
    assert.deepEqual([history.body.currentReferrerId, history.body.hasPaid, history.body.history.length], [a.id, false, 1]);
    await pay(untouched.customerId!, 10_000, now() - 60);
    assert.equal(await pending(a), 1_000n);

    const moved = await signUpSupplier(t.url, { promoCode: a.code });
    await move(moved.id, { referrerId: b.id, reason: 'Wrong code typed at sign-up' }).expect(200);
    await pay(moved.customerId!, 10_000, now() + 2);
    assert.deepEqual([await pending(a), await pending(b)], [1_000n, 1_500n]);
  });

  it('refuses with a code and a message in the caller’s language, writing nothing', async () => {
    const a = await referrer(1000, { email: `anna-${Date.now()}@moving-buyer.example` });
    const s = await signUpSupplier(t.url, { promoCode: a.code, email: `boss-${Date.now()}@moving-wholesale.example` });
    const colleague = await referrer(1000, { email: `ivan-${Date.now()}@sales.moving-wholesale.example` });
    const b = await referrer(1500);
    const noCode = await signUpSupplier(t.url);
    const before = [await count('supplier_attribution_changes'), await count('finance_audit_log')];
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['00000000-0000-4000-8000-000000000000', { referrerId: b.id, reason: 'x' }, 404, 'ATTRIBUTION_SUPPLIER_NOT_FOUND'],
      ['not-a-uuid', { referrerId: b.id, reason: 'x' }, 404, 'ATTRIBUTION_SUPPLIER_NOT_FOUND'],
      [s.id, { referrerId: '00000000-0000-4000-8000-000000000000', reason: 'x' }, 404, 'ATTRIBUTION_REFERRER_NOT_FOUND'],
      [s.id, { referrerId: a.id, reason: 'x' }, 409, 'ATTRIBUTION_UNCHANGED'],
      [s.id, { referrerId: colleague.id, reason: 'x' }, 422, 'ATTRIBUTION_SELF_REFERRAL'],
      [s.id, { referrerId: b.id }, 422, 'ATTRIBUTION_REASON_REQUIRED'],
      [s.id, { referrerId: b.id, reason: '   ' }, 422, 'ATTRIBUTION_REASON_REQUIRED'],
      [s.id, { reason: 'x' }, 400, 'ATTRIBUTION_TARGET_REQUIRED'],
      [s.id, { referrerId: 'nobody', reason: 'x' }, 400, 'VALIDATION_FAILED'],
      [noCode.id, { referrerId: b.id, reason: 'x' }, 409, 'ATTRIBUTION_NONE'],
    ];
    for (const [id, body, status, code] of cases) {
      const res = await move(id, body);
      assert.equal(res.status, status, `${code}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code);
    }
    const ru = await move(s.id, { referrerId: b.id }).set('accept-language', 'ru-RU,ru;q=0.9');
    assert.equal(ru.body.error.code, 'ATTRIBUTION_REASON_REQUIRED');
    assert.match(ru.body.error.message, /Укажите причину/);
    const en = await move(s.id, { referrerId: a.id, reason: 'x' }).set('accept-language', 'en');
    assert.match(en.body.error.message, /already attributed/);

    // Only admins change; finance may read.
    const r = await move(s.id, { referrerId: b.id, reason: 'x' }, finance);
    assert.deepEqual([r.status, r.body.error.code], [403, 'FORBIDDEN']);
    await move(s.id, { referrerId: b.id, reason: 'x' }, a.token).expect(403);
    await request(t.url).post(`/api/admin/suppliers/${s.id}/attribution`).send({ referrerId: b.id, reason: 'x' }).expect(401);
    assert.deepEqual([await count('supplier_attribution_changes'), await count('finance_audit_log')], before);
  });
});
