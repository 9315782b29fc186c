import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Role } from '../src/access/role';
import { FakeStripe } from './support/fake-stripe';
import { assertLedgerOk, auth, connectEnv, connectReferrer, FakeStripeConnect, seedAvailable, StaffUser, staffUser } from './support/fake-stripe-connect';
import { RegisteredReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let connect: FakeStripeConnect;
let alice: StaffUser;
let bob: StaffUser;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  connect = new FakeStripeConnect(fake);
  t = await startTestApp('reconciliation', { env: connectEnv(fake) });
  alice = await staffUser(t, Role.Finance);
  bob = await staffUser(t, Role.Finance);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});
afterEach(() => assertLedgerOk(t));

const now = () => Math.floor(Date.now() / 1000);
const period = () => `from=${new Date(Date.now() - 3600_000).toISOString()}&to=${new Date(Date.now() + 3600_000).toISOString()}`;

/** A supplier referred by the referrer, billed through a Stripe customer (rows as billing writes them). */
async function referredCustomer(r: RegisteredReferrer): Promise<string> {
  const customer = `cus_${randomBytes(6).toString('hex')}`;
  await t.db.transaction(async (m) => {
    const [user] = await m.query(`INSERT INTO users (email, password_hash, role) VALUES ($1, 'x', 'supplier') RETURNING id`, [`supplier-${customer}@wholesale.example`]);
    const [supplier] = await m.query(`INSERT INTO suppliers (user_id, company_name, company_tax_id, email_domain) VALUES ($1, 'Wholesale', $2, 'wholesale.example') RETURNING id`, [
      user.id,
      String(Date.now()) + randomBytes(2).toString('hex'),
    ]);
    await m.query(`INSERT INTO billing_accounts (supplier_id, stripe_customer_id) VALUES ($1, $2)`, [supplier.id, customer]);
    const [code] = await m.query(`SELECT id FROM promo_codes WHERE referrer_id = $1`, [r.id]);
    await m.query(
      `INSERT INTO supplier_attributions (supplier_id, referrer_id, promo_code_id, discount_bp, commission_bp, currency, via) VALUES ($1, $2, $3, 0, 2000, 'RUB', 'code')`,
      [supplier.id, r.id, code.id],
    );
  });
  return customer;
}

function paidInvoice(customer: string, amount: number): string {
  const id = `in_${randomBytes(8).toString('hex')}`;
  fake.save({ id, object: 'invoice', customer, status: 'paid', currency: 'rub', amount_paid: amount, total: amount, created: now(), status_transitions: { paid_at: now() } });
  return id;
}

describe('reconciliation', () => {
  it('after a full cycle the ledger and Stripe agree; exports list the period', async () => {
    const r = await connectReferrer(t, connect);
    const customer = await referredCustomer(r);
    const invoice = paidInvoice(customer, 750_000);
    await seedAvailable(t, r.id, 150_000n, 'RUB', invoice); // its commission (20%), released
    paidInvoice(`cus_unreferred${randomBytes(4).toString('hex')}`, 90_000); // no referrer: no commission expected

    const created = await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send({}).expect(201);
    await request(t.url).post(`/api/payouts/batches/${created.body.id}/approve`).set(auth(bob.token)).expect(200);
    await request(t.url).post(`/api/payouts/batches/${created.body.id}/execute`).set(auth(alice.token)).expect(200);

    const rec = await request(t.url).get(`/api/reconciliation?${period()}`).set(auth(alice.token)).expect(200);
    assert.deepEqual(rec.body.differences, []);
    assert.equal(rec.body.stripePaidInvoices, 2);
    assert.equal(rec.body.referredPaidInvoices, 1);
    assert.equal(rec.body.ledgerCommissions, 1);
    assert.equal(rec.body.stripeTransfers, 1);
    assert.equal(rec.body.recordedPayouts, 1);
    assert.equal(rec.body.stripeTransfersTotal, rec.body.recordedPayoutsTotal);

    const commissions = await request(t.url).get(`/api/reconciliation/commissions.csv?${period()}`).set(auth(alice.token)).expect(200);
    assert.match(commissions.text, new RegExp(`invoice,${invoice},${r.id},referrer_available,150000,RUB`));
    const payouts = await request(t.url).get(`/api/reconciliation/payouts.csv?${period()}`).set(auth(bob.token)).expect(200);
    assert.match(payouts.text, new RegExp(`${r.id},${r.email},stripe_connect,150000,RUB,paid,tr_`));
  });

  it('lists every difference: a paid invoice without commission, a commission without invoice, a stray transfer', async () => {
    const r = await connectReferrer(t, connect);
    const customer = await referredCustomer(r);
    const missed = paidInvoice(customer, 500_000); // paid, referred, but no commission accrued
    await seedAvailable(t, r.id, 1_000n, 'RUB', 'in_ghost0001'); // a commission for an invoice Stripe never saw
    const stray = fake.save({ id: `tr_${randomBytes(8).toString('hex')}`, object: 'transfer', amount: 4_200, currency: 'rub', destination: r.accountId, transfer_group: null, metadata: {}, created: now(), seq: 1e9 });

    const rec = await request(t.url).get(`/api/reconciliation?${period()}`).set(auth(alice.token)).expect(200);
    const found = rec.body.differences.map((d: any) => `${d.kind}:${d.ref}`).sort();
    assert.deepEqual(found, [`commission_without_paid_invoice:in_ghost0001`, `paid_invoice_without_commission:${missed}`, `transfer_without_payout:${stray.id}`].sort());
    const audit = await request(t.url).get('/api/finance/audit?action=reconciliation.run').set(auth(alice.token)).expect(200);
    assert.equal(audit.body[0].details.differences, 3);
  });
});
