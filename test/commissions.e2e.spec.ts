import assert from 'node:assert/strict';
import request from 'supertest';
import { CommissionService } from '../src/commissions/commission.service';
import { DomainEvents } from '../src/events/domain-events';
import { LedgerService } from '../src/ledger/ledger.service';
import { AccountKind, PostingCause } from '../src/ledger/ledger.types';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, PaidInvoice, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { PASSWORD, registerReferrer, RegisteredReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
const converted: string[] = [];
const DAY = 86_400;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('commissions', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  t.app.get(DomainEvents).on('supplier.converted', async (_m, p) => void converted.push(p.supplierId));
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

/** Delivers events in order over HTTP and waits until they are processed. */
async function send(...events: ReturnType<typeof stripeEvent>[]): Promise<void> {
  for (const e of events) await deliver(t.url, e).expect(200);
  await t.app.get(StripeInboxService).whenIdle();
  const failed = await t.db.query(`SELECT id, last_error FROM stripe_webhook_events WHERE status = 'failed'`);
  assert.deepEqual(failed, []);
}

const balances = (r: RegisteredReferrer) => t.app.get(LedgerService).balances(r.id, 'RUB');

/** A referrer whose commission is 10% (discount 10% of the 20% budget) and one supplier of theirs. */
async function referredSupplier(): Promise<{ r: RegisteredReferrer; customer: string; supplierId: string; token: string }> {
  const r = await registerReferrer(t);
  await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1000 }).expect(200);
  const s = await signUpSupplier(t.url, { promoCode: r.code });
  return { r, customer: s.customerId!, supplierId: s.id, token: s.token };
}

describe('invoice.paid → pending → available', () => {
  it('posts c bp of the amount paid excluding tax, pending until paid_at + hold days, then the job releases it', async () => {
    const { r, customer, supplierId } = await referredSupplier();
    const paidAt = Math.floor(Date.now() / 1000) - 3600;
    const paid = billing.paidInvoice(customer, { total: 12_005, tax: 2_000, paidAt });
    await send(stripeEvent('invoice.paid', paid.invoice));
    assert.deepEqual(await balances(r), { currency: 'RUB', pending: 1_001n, available: 0n, disputed: 0n, inTransit: 0n, paid: 0n }); // 10% of 10 005, half-up
    const [c] = await t.db.query('SELECT available_at, paid_at FROM commissions WHERE invoice_id = $1', [paid.invoice.id]);
    assert.equal(c.available_at.getTime() - c.paid_at.getTime(), 30 * DAY * 1000);
    assert.deepEqual(converted.filter((x) => x === supplierId), [supplierId]);

    const commissions = t.app.get(CommissionService);
    assert.equal(await commissions.releaseDue(new Date()), 0); // hold not over
    assert.equal(await commissions.releaseDue(new Date(Date.now() + 31 * DAY * 1000)), 1);
    assert.equal(await commissions.releaseDue(new Date(Date.now() + 31 * DAY * 1000)), 0);
    assert.deepEqual({ ...(await balances(r)) }, { currency: 'RUB', pending: 0n, available: 1_001n, disputed: 0n, inTransit: 0n, paid: 0n });

    // A second paid invoice: converted is not announced twice.
    const second = billing.paidInvoice(customer, { total: 10_000 });
    await send(stripeEvent('invoice.paid', second.invoice));
    assert.equal((await balances(r)).pending, 1_000n);
    assert.deepEqual(converted.filter((x) => x === supplierId), [supplierId]);
    assert.equal((await t.app.get(LedgerService).verify()).ok, true);
  });

  it('pays nothing for invoices outside the commission months or after the subscription ended', async () => {
    const { r, customer } = await referredSupplier();
    const now = Math.floor(Date.now() / 1000);
    const first = billing.paidInvoice(customer, { total: 10_000, paidAt: now - 400 * DAY });
    const late = billing.paidInvoice(customer, { total: 10_000, paidAt: now - 10 * DAY });
    await send(stripeEvent('invoice.paid', first.invoice), stripeEvent('invoice.paid', late.invoice));
    assert.equal((await balances(r)).pending, 1_000n); // only the first: 12 months end before the second

    const other = await referredSupplier();
    const [{ stripe_subscription_id: sub }] = await t.db.query('SELECT stripe_subscription_id FROM billing_accounts WHERE supplier_id = $1', [other.supplierId]);
    const endedAt = now - 5 * DAY;
    const before = billing.paidInvoice(other.customer, { total: 10_000, paidAt: endedAt - DAY });
    const afterEnd = billing.paidInvoice(other.customer, { total: 10_000, paidAt: endedAt + DAY });
    await send(stripeEvent('customer.subscription.deleted', { id: sub, object: 'subscription', customer: other.customer, status: 'canceled', ended_at: endedAt, canceled_at: endedAt }));
    // The invoice paid before the end arrives late and still earns; the one after earns nothing.
    await send(stripeEvent('invoice.paid', afterEnd.invoice), stripeEvent('invoice.paid', before.invoice));
    assert.equal((await balances(other.r)).pending, 1_000n);
    const list = await request(t.url).get('/api/referrers/me/suppliers').set('authorization', `Bearer ${other.r.token}`).expect(200);
    assert.equal(list.body[0].state, 'cancelled');
  });
});

describe('refunds and disputes claw back exactly', () => {
  it('recomputes from cumulative net paid: partial refund, refund seen twice, refund after payout leaves available negative', async () => {
    const { r, customer } = await referredSupplier();
    const paid = billing.paidInvoice(customer, { total: 10_000 });
    await send(stripeEvent('invoice.paid', paid.invoice));
    await t.app.get(CommissionService).releaseDue(new Date(Date.now() + 31 * DAY * 1000));
    const partial = billing.refund(paid, 3_000);
    // The same refund reported as refund.created and as charge.refunded: counted once.
    await send(stripeEvent('refund.created', partial.refund), stripeEvent('charge.refunded', partial.charge));
    assert.equal((await balances(r)).available, 700n);

    // Finance pays the 700 out (as the payouts feature would post it).
    const ledger = t.app.get(LedgerService);
    await ledger.post(t.db.manager, {
      idempotencyKey: `test-payout:${r.id}`,
      cause: PostingCause.Payout,
      causeRef: 'po_test',
      description: 'Payout (test)',
      lines: [
        { account: { kind: AccountKind.ReferrerAvailable, ownerId: r.id, currency: 'RUB' }, amount: -700n },
        { account: { kind: AccountKind.ReferrerPaid, ownerId: r.id, currency: 'RUB' }, amount: 700n },
      ],
    });
    const rest = billing.refund(paid, 7_000);
    await send(stripeEvent('charge.refunded', rest.charge), stripeEvent('refund.created', rest.refund));
    const b = await balances(r);
    assert.equal(b.available, -700n); // carried against future earnings
    assert.equal(b.paid, 700n);
    const statement = await request(t.url).get('/api/referrers/me/statement').set('authorization', `Bearer ${r.token}`).expect(200);
    assert.deepEqual(
      statement.body.map((l: { cause: string; amount: string; account: string }) => `${l.cause} ${l.account} ${l.amount}`),
      ['refund referrer_available -700', 'payout referrer_paid 700', 'payout referrer_available -700', 'refund referrer_available -300', 'hold_release referrer_available 1000', 'hold_release referrer_pending -1000', 'invoice referrer_pending 1000'],
    );
    assert.equal((await ledger.verify()).ok, true);
  });

  it('applies a refund that arrives before its payment when the payment arrives', async () => {
    const { r, customer } = await referredSupplier();
    const paid = billing.paidInvoice(customer, { total: 20_000 });
    const refund = billing.refund(paid, 5_000);
    await send(stripeEvent('refund.created', refund.refund));
    assert.equal((await balances(r)).pending, 0n);
    await send(stripeEvent('invoice.paid', paid.invoice));
    assert.equal((await balances(r)).pending, 1_500n);
  });

  it('moves a disputed commission to the disputed hold; won releases it back, lost reverses it', async () => {
    const { r, customer } = await referredSupplier();
    const won = billing.paidInvoice(customer, { total: 10_000 });
    const lost = billing.paidInvoice(customer, { total: 30_000 });
    await send(stripeEvent('invoice.paid', won.invoice), stripeEvent('invoice.paid', lost.invoice));
    await send(stripeEvent('charge.dispute.created', billing.dispute(won, 10_000, 'needs_response', 'dp_won_1')), stripeEvent('charge.dispute.created', billing.dispute(lost, 30_000, 'needs_response', 'dp_lost_1')));
    assert.deepEqual({ p: (await balances(r)).pending, d: (await balances(r)).disputed }, { p: 0n, d: 4_000n });
    await send(stripeEvent('charge.dispute.closed', billing.dispute(won, 10_000, 'won', 'dp_won_1')));
    // A late "updated" of a closed dispute changes nothing.
    await send(stripeEvent('charge.dispute.updated', billing.dispute(won, 10_000, 'under_review', 'dp_won_1')));
    assert.deepEqual({ p: (await balances(r)).pending, d: (await balances(r)).disputed }, { p: 1_000n, d: 3_000n });
    await send(stripeEvent('charge.dispute.closed', billing.dispute(lost, 30_000, 'lost', 'dp_lost_1')));
    assert.deepEqual({ ...(await balances(r)) }, { currency: 'RUB', pending: 1_000n, available: 0n, disputed: 0n, inTransit: 0n, paid: 0n });
    assert.equal((await t.app.get(LedgerService).verify()).ok, true);
  });
});

describe("the referrer's cabinet", () => {
  it('lists referred suppliers with their state, earnings stated plainly, and the statement with causes', async () => {
    const { r, customer } = await referredSupplier();
    await signUpSupplier(t.url, { promoCode: r.code });
    const paid: PaidInvoice = billing.paidInvoice(customer, { total: 10_000 });
    await send(stripeEvent('invoice.paid', paid.invoice));
    const auth = { authorization: `Bearer ${r.token}` };
    const suppliers = await request(t.url).get('/api/referrers/me/suppliers').set(auth).expect(200);
    assert.deepEqual(suppliers.body.map((s: { state: string }) => s.state).sort(), ['paying', 'subscribed']);
    const paying = suppliers.body.find((s: { state: string }) => s.state === 'paying');
    assert.equal(paying.earned, '1000');
    const earnings = await request(t.url).get('/api/referrers/me/earnings').set(auth).expect(200);
    assert.deepEqual(earnings.body[0], { currency: 'RUB', pending: '1000', available: '0', disputed: '0', inTransit: '0', paid: '0' });
    const statement = await request(t.url).get('/api/referrers/me/statement').set(auth).expect(200);
    assert.equal(statement.body[0].cause, 'invoice');
    assert.equal(statement.body[0].causeRef, paid.invoice.id);
    const login = await request(t.url).post('/api/auth/login').send({ email: r.email, password: PASSWORD }).expect(200);
    const page = await request(t.url).get('/cabinet/earnings').set('authorization', `Bearer ${login.body.accessToken}`).expect(200);
    assert.match(page.text, /Pending/);
    assert.match(page.text, /still in the hold period/);
    assert.match(page.text, /RUB\u00a010\.00/);
    assert.match(page.text, /Commission on invoice (№ \S+|without a number) from [^<]+: RUB\u00a010\.00 pending until /, 'one row per business event, in words');
    assert.match(page.text, /Subscribed, not paid yet/);
  });
});
