import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { CommissionService } from '../src/commissions/commission.service';
import { CommissionChange, DomainEvents } from '../src/events/domain-events';
import { LedgerService } from '../src/ledger/ledger.service';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { FakeStripeConnect } from './support/fake-stripe-connect';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { registerReferrer, RegisteredReferrer, staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
let admin: string;
const earned: CommissionChange[] = [];
const clawedBack: CommissionChange[] = [];
const DAY = 86_400;
const BONUS = 500_000n; // 5 000,00 ₽

beforeAll(async () => {
  fake = await new FakeStripe().start();
  new FakeStripeConnect(fake); // first: its invoice list (by period, for reconciliation) answers before billing's
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('one-off-bonus', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  admin = await staffToken(t, Role.Admin);
  t.app.get(DomainEvents).on('commission.earned', async (_m, p) => void earned.push(p));
  t.app.get(DomainEvents).on('commission.clawed_back', async (_m, p) => void clawedBack.push(p));
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});
afterEach(async () => assert.equal((await t.app.get(LedgerService).verify()).ok, true));

async function send(...events: ReturnType<typeof stripeEvent>[]): Promise<void> {
  for (const e of events) await deliver(t.url, e).expect(200);
  await t.app.get(StripeInboxService).whenIdle();
  const failed = await t.db.query(`SELECT id, last_error FROM stripe_webhook_events WHERE status = 'failed'`);
  assert.deepEqual(failed, []);
}

const balances = (r: RegisteredReferrer) => t.app.get(LedgerService).balances(r.id, 'RUB');
const program = (body: Record<string, unknown>) => request(t.url).patch('/api/program').set('authorization', `Bearer ${admin}`).send(body);

/** A referrer whose commission is 10% and one supplier of theirs (who locks the program's bonus now). */
async function referredSupplier(): Promise<{ r: RegisteredReferrer; customer: string; supplierId: string; attributionId: string }> {
  const r = await registerReferrer(t);
  await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1000 }).expect(200);
  const s = await signUpSupplier(t.url, { promoCode: r.code, companyName: 'Vostok Trade' });
  const [a] = await t.db.query(`SELECT id FROM supplier_attributions WHERE supplier_id = $1`, [s.id]);
  return { r, customer: s.customerId!, supplierId: s.id, attributionId: a.id };
}

async function bonusPostings(attributionId: string): Promise<{ cause: string; idempotency_key: string; amount: string }[]> {
  return t.db.query(
    `SELECT p.cause, p.idempotency_key, (sum(e.amount) FILTER (WHERE a.owner_id IS NOT NULL))::text AS amount
       FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id JOIN ledger_accounts a ON a.id = e.account_id
      WHERE p.cause IN ('bonus', 'bonus_clawback') AND p.cause_ref = $1 GROUP BY p.id ORDER BY p.id`,
    [attributionId],
  );
}

describe('program settings', () => {
  it('accepts bonusAmount (minor units) and bonusMode, refuses bad values with a code and nothing written', async () => {
    const set = await program({ bonusAmount: '500000', bonusMode: 'in_addition' }).expect(200);
    assert.equal(set.body.bonusAmount, '500000');
    assert.equal(set.body.bonusMode, 'in_addition');
    assert.equal((await request(t.url).get('/api/program').expect(200)).body.bonusAmount, '500000');
    const home = (await request(t.url).get('/?lang=ru').expect(200)).text;
    assert.match(home, /И разовый бонус 5\s000,00\s₽ за первую оплату каждого приведённого поставщика/u);
    for (const bad of [{ bonusAmount: '-1' }, { bonusAmount: 5 }, { bonusAmount: '1.5' }, { bonusMode: 'sometimes' }]) {
      const res = await program(bad).expect(400);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    const instead = await program({ bonusAmount: '0', bonusMode: 'instead' }).expect(400);
    assert.equal(instead.body.error.code, 'BONUS_REQUIRED');
    assert.match(instead.body.error.message, /bonusAmount/);
    assert.equal((await request(t.url).get('/api/program').expect(200)).body.bonusAmount, '500000');
  });
});

describe('in addition to the percentage', () => {
  it('posts the bonus once beside the commission, held like it and released by the same hold release', async () => {
    await program({ bonusAmount: BONUS.toString(), bonusMode: 'in_addition' }).expect(200);
    const { r, customer, attributionId } = await referredSupplier();
    const first = billing.paidInvoice(customer, { total: 10_000, paidAt: Math.floor(Date.now() / 1000) - 3600 });
    await send(stripeEvent('invoice.paid', first.invoice));
    assert.deepEqual(await balances(r), { currency: 'RUB', pending: 1_000n + BONUS, available: 0n, disputed: 0n, inTransit: 0n, paid: 0n });
    assert.deepEqual(await bonusPostings(attributionId), [{ cause: 'bonus', idempotency_key: `bonus:${attributionId}`, amount: BONUS.toString() }]);
    const bonusEvent = earned.find((e) => e.kind === 'bonus' && e.referrerId === r.id);
    assert.deepEqual(bonusEvent && { amount: bonusEvent.amount, invoiceId: bonusEvent.invoiceId, cause: bonusEvent.cause }, { amount: '500000', invoiceId: first.invoice.id, cause: 'first_payment' });

    const commissions = t.app.get(CommissionService);
    assert.equal(await commissions.releaseDue(new Date()), 0);
    assert.equal(await commissions.releaseDue(new Date(Date.now() + 31 * DAY * 1000)), 2); // the commission and the bonus
    assert.deepEqual(await balances(r), { currency: 'RUB', pending: 0n, available: 1_000n + BONUS, disputed: 0n, inTransit: 0n, paid: 0n });

    // The second payment earns its commission only.
    const second = billing.paidInvoice(customer, { total: 20_000 });
    await send(stripeEvent('invoice.paid', second.invoice));
    assert.equal((await balances(r)).pending, 2_000n);
    assert.equal((await bonusPostings(attributionId)).length, 1);

    const statement = await request(t.url).get('/api/referrers/me/statement').set('authorization', `Bearer ${r.token}`).expect(200);
    assert.deepEqual(
      statement.body.filter((l: { cause: string }) => l.cause === 'bonus').map((l: { account: string; amount: string }) => `${l.account} ${l.amount}`),
      ['referrer_pending 500000'],
    );
    const causes = statement.body.map((l: { cause: string }) => l.cause);
    assert.equal(causes.filter((c: string) => c === 'bonus').length, 1);
    assert.equal(causes.filter((c: string) => c === 'hold_release').length, 4);

    // The referrer reads it in words with formatted money, in both languages.
    const en = (await request(t.url).get('/cabinet/earnings?lang=en').set('cookie', `hs_session=${r.token}`).expect(200)).text;
    assert.match(en, /Bonus for Vostok Trade’s first payment: 5,000\.00|Bonus for Vostok Trade’s first payment: RUB\s?5,000\.00|Bonus for Vostok Trade’s first payment: ₽\s?5,000\.00/);
    assert.match(en, /Hold ended on the bonus for Vostok Trade’s first payment/);
    assert.match(en, /\+ .*5,000\.00 bonus for the first payment/);
    const ru = (await request(t.url).get('/cabinet/earnings?lang=ru').set('cookie', `hs_session=${r.token}`).expect(200)).text;
    assert.match(ru, /Бонус за первую оплату от Vostok Trade: 5\s000,00\s₽/u);
    const cabinet = (await request(t.url).get('/cabinet?lang=en').set('cookie', `hs_session=${r.token}`).expect(200)).text;
    assert.match(cabinet, /data-test="stat-bonuses" data-count="1" data-amount="500000"/);
    assert.match(cabinet, /One-off bonuses for the first payments of 1 supplier\./);
    const dashboard = await request(t.url).get('/api/referrers/me/dashboard').set('authorization', `Bearer ${r.token}`).expect(200);
    assert.deepEqual(dashboard.body.bonuses, { count: 1, amount: '500000', programAmount: '500000', programMode: 'in_addition' });
    const suppliers = await request(t.url).get('/api/referrers/me/suppliers').set('authorization', `Bearer ${r.token}`).expect(200);
    assert.equal(suppliers.body[0].earned, String(1_000n + 2_000n + BONUS));
    assert.equal(suppliers.body[0].bonusAmount, '500000');
  });
});

describe('instead of the percentage', () => {
  it('posts the bonus only: no recurring commission on any payment', async () => {
    await program({ bonusAmount: '300000', bonusMode: 'instead' }).expect(200);
    const { r, customer, attributionId } = await referredSupplier();
    const first = billing.paidInvoice(customer, { total: 10_000 });
    await send(stripeEvent('invoice.paid', first.invoice));
    assert.equal((await balances(r)).pending, 300_000n);
    const [c] = await t.db.query(`SELECT commission_bp, posted_pending FROM commissions WHERE invoice_id = $1`, [first.invoice.id]);
    assert.deepEqual({ bp: c.commission_bp, posted: c.posted_pending }, { bp: null, posted: 0n });
    const second = billing.paidInvoice(customer, { total: 50_000 });
    await send(stripeEvent('invoice.paid', second.invoice));
    assert.equal((await balances(r)).pending, 300_000n);
    assert.deepEqual(await bonusPostings(attributionId), [{ cause: 'bonus', idempotency_key: `bonus:${attributionId}`, amount: '300000' }]);
    const en = (await request(t.url).get('/cabinet/earnings?lang=en').set('cookie', `hs_session=${r.token}`).expect(200)).text;
    assert.match(en, /3,000\.00 bonus for the first payment instead of a commission/);
  });
});

describe('one bonus whatever the order', () => {
  it('redelivered and out-of-order invoice.paid give exactly one bonus, riding on the earliest payment', async () => {
    await program({ bonusAmount: BONUS.toString(), bonusMode: 'in_addition' }).expect(200);
    const { r, customer, attributionId } = await referredSupplier();
    const now = Math.floor(Date.now() / 1000);
    const early = billing.paidInvoice(customer, { total: 10_000, paidAt: now - 3 * DAY });
    const late = billing.paidInvoice(customer, { total: 10_000, paidAt: now - DAY });
    const lateEvent = stripeEvent('invoice.paid', late.invoice);
    await send(lateEvent);
    await send(lateEvent); // the same event again
    await send(stripeEvent('invoice.paid', early.invoice));
    await send(stripeEvent('invoice.paid', early.invoice), stripeEvent('invoice.paid', late.invoice)); // the same facts under new event ids
    assert.equal((await balances(r)).pending, 2_000n + BONUS);
    assert.deepEqual(await bonusPostings(attributionId), [{ cause: 'bonus', idempotency_key: `bonus:${attributionId}`, amount: BONUS.toString() }]);
    const [b] = await t.db.query(`SELECT invoice_id, paid_at FROM commission_bonuses WHERE attribution_id = $1`, [attributionId]);
    assert.equal(b.invoice_id, early.invoice.id);
    assert.equal(b.paid_at.getTime(), (now - 3 * DAY) * 1000);
    assert.equal(earned.filter((e) => e.kind === 'bonus' && e.referrerId === r.id).length, 1);

    // A refund in full of the later invoice no longer touches the bonus; the first payment's would.
    const refundLate = billing.refund(late, 10_000);
    await send(stripeEvent('refund.created', refundLate.refund));
    assert.equal((await balances(r)).pending, 1_000n + BONUS);
  });

  it('both payments in one run of events give one bonus too', async () => {
    await program({ bonusAmount: BONUS.toString(), bonusMode: 'in_addition' }).expect(200);
    const { r, customer, attributionId } = await referredSupplier();
    const a = billing.paidInvoice(customer, { total: 10_000 });
    const b = billing.paidInvoice(customer, { total: 10_000 });
    await Promise.all([deliver(t.url, stripeEvent('invoice.paid', a.invoice)).expect(200), deliver(t.url, stripeEvent('invoice.paid', b.invoice)).expect(200)]);
    await t.app.get(StripeInboxService).whenIdle();
    assert.equal((await balances(r)).pending, 2_000n + BONUS);
    assert.equal((await bonusPostings(attributionId)).length, 1);
  });
});

describe('refunds', () => {
  it('a full refund of the first payment claws the bonus back (also after release); a failed refund restores it', async () => {
    await program({ bonusAmount: BONUS.toString(), bonusMode: 'in_addition' }).expect(200);
    const { r, customer, attributionId } = await referredSupplier();
    const paid = billing.paidInvoice(customer, { total: 10_000 });
    await send(stripeEvent('invoice.paid', paid.invoice));
    await t.app.get(CommissionService).releaseDue(new Date(Date.now() + 31 * DAY * 1000));
    assert.equal((await balances(r)).available, 1_000n + BONUS);

    const pending = billing.refund(paid, 10_000, 'pending');
    await send(stripeEvent('refund.created', pending.refund));
    assert.equal((await balances(r)).available, 0n);
    assert.deepEqual(
      (await bonusPostings(attributionId)).map((p) => `${p.cause} ${p.idempotency_key} ${p.amount}`),
      [`bonus bonus:${attributionId} 500000`, `bonus_clawback bonus:${attributionId}:1 -500000`],
    );
    assert.ok(clawedBack.some((e) => e.kind === 'bonus' && e.referrerId === r.id && e.amount === '500000'));
    const en = (await request(t.url).get('/cabinet/earnings?lang=en').set('cookie', `hs_session=${r.token}`).expect(200)).text;
    assert.match(en, /Bonus for Vostok Trade’s first payment taken back, the payment was refunded in full: −?-?.*5,000\.00/);
    const ru = (await request(t.url).get('/cabinet/earnings?lang=ru').set('cookie', `hs_session=${r.token}`).expect(200)).text;
    assert.match(ru, /Бонус за первую оплату от Vostok Trade отменён, оплата возвращена полностью/);

    // The refund fails: the commission and the bonus come back.
    const failed = billing.failRefund(paid, pending.refund);
    await send(stripeEvent('refund.failed', failed.refund));
    assert.equal((await balances(r)).available, 1_000n + BONUS);
    assert.equal((await bonusPostings(attributionId)).length, 3);
  });

  it('a partial refund leaves the bonus alone', async () => {
    await program({ bonusAmount: BONUS.toString(), bonusMode: 'in_addition' }).expect(200);
    const { r, customer, attributionId } = await referredSupplier();
    const paid = billing.paidInvoice(customer, { total: 10_000 });
    await send(stripeEvent('invoice.paid', paid.invoice));
    const partial = billing.refund(paid, 9_999);
    await send(stripeEvent('refund.created', partial.refund), stripeEvent('charge.refunded', partial.charge));
    assert.equal((await balances(r)).pending, 0n + BONUS); // 10% of 1 left, rounded half-up, is 0
    assert.equal((await bonusPostings(attributionId)).length, 1);
  });

  it('a refund in full that arrives before its payment: no bonus is earned at all', async () => {
    await program({ bonusAmount: BONUS.toString(), bonusMode: 'in_addition' }).expect(200);
    const { r, customer, attributionId } = await referredSupplier();
    const paid = billing.paidInvoice(customer, { total: 10_000 });
    const refund = billing.refund(paid, 10_000);
    await send(stripeEvent('refund.created', refund.refund));
    await send(stripeEvent('invoice.paid', paid.invoice));
    assert.equal((await balances(r)).pending, 0n);
    assert.deepEqual(await bonusPostings(attributionId), []);
  });
});

describe('the stop date', () => {
  it('a first payment found to come after the subscription ended gives its bonus back, saying why', async () => {
    await program({ bonusAmount: BONUS.toString(), bonusMode: 'in_addition' }).expect(200);
    const { r, customer, supplierId, attributionId } = await referredSupplier();
    const now = Math.floor(Date.now() / 1000);
    const paid = billing.paidInvoice(customer, { total: 10_000, paidAt: now - DAY });
    await send(stripeEvent('invoice.paid', paid.invoice));
    assert.equal((await balances(r)).pending, 1_000n + BONUS);
    const [{ stripe_subscription_id: sub }] = await t.db.query('SELECT stripe_subscription_id FROM billing_accounts WHERE supplier_id = $1', [supplierId]);
    const endedAt = now - 2 * DAY;
    await send(stripeEvent('customer.subscription.deleted', { id: sub, object: 'subscription', customer, status: 'canceled', ended_at: endedAt, canceled_at: endedAt }));
    assert.equal((await balances(r)).pending, 0n);
    assert.deepEqual((await bonusPostings(attributionId)).map((p) => p.cause), ['bonus', 'bonus_clawback']);
    const en = (await request(t.url).get('/cabinet/earnings?lang=en').set('cookie', `hs_session=${r.token}`).expect(200)).text;
    assert.match(en, /Bonus for Vostok Trade’s first payment taken back, the payment came after the subscription ended/);
  });
});

describe('locked on the attribution', () => {
  it('a later change of the program does not change suppliers who already redeemed a code', async () => {
    await program({ bonusAmount: BONUS.toString(), bonusMode: 'in_addition' }).expect(200);
    const before = await referredSupplier();
    await program({ bonusAmount: '0', bonusMode: 'in_addition' }).expect(200);
    const after = await referredSupplier();
    await program({ bonusAmount: '100000', bonusMode: 'instead' }).expect(200);
    const [a] = await t.db.query(`SELECT bonus_amount, bonus_mode FROM supplier_attributions WHERE id = $1`, [before.attributionId]);
    assert.deepEqual({ amount: a.bonus_amount, mode: a.bonus_mode }, { amount: BONUS, mode: 'in_addition' });

    const p1 = billing.paidInvoice(before.customer, { total: 10_000 });
    const p2 = billing.paidInvoice(after.customer, { total: 10_000 });
    await send(stripeEvent('invoice.paid', p1.invoice), stripeEvent('invoice.paid', p2.invoice));
    assert.equal((await balances(before.r)).pending, 1_000n + BONUS);
    assert.equal((await balances(after.r)).pending, 1_000n); // locked with no bonus
    await program({ bonusAmount: '0', bonusMode: 'in_addition' }).expect(200);
  });
});

describe('reconciliation', () => {
  it('does not report the bonuses as differences, and lists them in the commission export', async () => {
    const finance = await staffToken(t, Role.Finance);
    const period = `from=${new Date(Date.now() - 40 * DAY * 1000).toISOString()}&to=${new Date(Date.now() + 3600_000).toISOString()}`;
    const rec = await request(t.url).get(`/api/reconciliation?${period}`).set('authorization', `Bearer ${finance}`).expect(200);
    assert.deepEqual(rec.body.differences, []);
    assert.ok(rec.body.stripePaidInvoices > 5);
    const csv = await request(t.url).get(`/api/reconciliation/commissions.csv?${period}`).set('authorization', `Bearer ${finance}`).expect(200);
    assert.match(csv.text, /,bonus,[0-9a-f-]{36},[0-9a-f-]{36},referrer_pending,500000,RUB/);
    assert.match(csv.text, /,bonus_clawback,[0-9a-f-]{36},[0-9a-f-]{36},referrer_available,-500000,RUB/);
  });
});
