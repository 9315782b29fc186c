import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { COMMANDS } from '../src/cli/commands';
import { LedgerService } from '../src/ledger/ledger.service';
import { formatMoney } from '../src/money/money-format';
import { addTags, adminToken, auth, member, Member, submitLead } from './exchange-fixtures';
import { formPost } from './support/browser-form';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { assertLedgerOk, connectEnv, FakeStripeConnect, RU_ACCOUNT, RU_BIC, StaffUser, staffUser } from './support/fake-stripe-connect';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Issue 9 hole 7: lead-exchange fees are seen by the member that earned them, and paid out in the
 * same payout batches as referrers' commissions (by bank here), named by company in the finance pages.
 */
let t: TestApp;
let admin: string;
let alpha: Member;
let beta: Member;
let alice: StaffUser;
let bob: StaffUser;
let fake: FakeStripe;
let connect: FakeStripeConnect;

const cookie = (token: string) => `hs_session=${token}`;
const html = async (path: string, token: string, status = 200) => (await request(t.url).get(path).set('cookie', cookie(token)).set('accept', 'text/html').expect(status)).text;
/** What Handlebars makes of a text (the money formatter's output contains no character it escapes but these). */
const shown = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
const ledger = () => t.app.get(LedgerService);

/** Alpha passes a lead that Beta (the only other member with the tag) receives, accepts and wins for `wonValue`. */
async function wonLead(wonValue: string, company: string, submitter: Member = alpha): Promise<string> {
  const lead = await submitLead(t, submitter.token, { tags: ['crm'], companyName: company });
  await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(beta.token)).expect(200);
  for (const s of ['contacted', 'proposal']) await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(beta.token)).send({ status: s }).expect(200);
  await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(beta.token)).send({ status: 'won', wonValue }).expect(200);
  return lead.id as string;
}

beforeAll(async () => {
  fake = await new FakeStripe().start();
  connect = new FakeStripeConnect(fake);
  t = await startTestApp('exchange_member_payouts', { env: connectEnv(fake) });
  admin = await adminToken(t);
  await addTags(t, admin, ['crm']);
  alpha = await member(t, admin, { company: 'Alpha Leads', tags: [] });
  beta = await member(t, admin, { company: 'Beta Works', tags: ['crm'], capacity: 100 });
  alice = await staffUser(t, Role.Finance);
  bob = await staffUser(t, Role.Finance);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});
afterEach(() => assertLedgerOk(t));

describe('who funds the referral fee', () => {
  it('a new exchange charges no fee, paid by the operator; the settings refuse an unknown payer', async () => {
    const s = (await request(t.url).get('/api/exchange/settings').set(auth(admin)).expect(200)).body;
    assert.equal(s.feeKind, 'none');
    assert.equal(s.feePayer, 'operator');
    const [col] = await t.db.query(`SELECT column_default FROM information_schema.columns WHERE table_name = 'exchange_settings' AND column_name = 'fee_kind'`);
    assert.match(col.column_default, /'none'/);
    const bad = await request(t.url).put('/api/exchange/settings').set(auth(admin)).send({ feePayer: 'submitter' }).expect(400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    assert.equal((await request(t.url).get('/api/exchange/settings').set(auth(admin)).expect(200)).body.feePayer, 'operator');

    // A won lead under the default earns nobody anything.
    const before = (await ledger().balances(alpha.id, 'RUB')).available;
    await wonLead('1000000', 'No Fee Customer');
    assert.equal((await ledger().balances(alpha.id, 'RUB')).available, before);
  });

  it('the operator sets the fee and its payer on the exchange admin page, shown in words', async () => {
    const page = await html('/exchange/admin', admin);
    assert.match(page, /data-test="fee-settings-form"/);
    assert.match(page, /Now: No fee; paid by the exchange operator\./);
    const refused = await formPost(t, '/exchange/admin/settings', cookie(admin)).send({ feeKind: 'percent', feePercent: '2,555', feePayer: 'operator' }).expect(400);
    assert.match(refused.text, /data-field="feePercent"/);
    assert.equal((await request(t.url).get('/api/exchange/settings').set(auth(admin)).expect(200)).body.feeKind, 'none');

    await formPost(t, '/exchange/admin/settings', cookie(admin)).send({ feeKind: 'percent', feePercent: '2,5', feeFixed: '', feePayer: 'operator' }).expect(303);
    const s = (await request(t.url).get('/api/exchange/settings').set(auth(admin)).expect(200)).body;
    assert.deepEqual({ kind: s.feeKind, bp: s.feeBp, payer: s.feePayer }, { kind: 'percent', bp: 250, payer: 'operator' });
    assert.match(await html('/exchange/admin', admin), /Now: 2\.5% of the won deal; paid by the exchange operator\./);
    assert.match(await html('/exchange/admin?lang=ru', admin), /Сейчас: 2,5\s?% от выигранной сделки; платит оператор биржи\./);
  });
});

describe('a member earns a fee and is paid in a payout batch', () => {
  const FEE = 200_000n; // 2.5 % of 80,000.00 RUB = 2,000.00 RUB, above the 1,000.00 RUB payout minimum
  let leadId: string;

  it('the partner dashboard shows the offer waiting with its deadline, then the accepted lead by status', async () => {
    const lead = await submitLead(t, alpha.token, { tags: ['crm'], companyName: 'Dashboard Customer' });
    const waiting = await html('/exchange', beta.token);
    const [offer] = await t.db.query(`SELECT expires_at FROM exchange_assignments WHERE lead_id = $1 AND state = 'offered'`, [lead.id]);
    assert.match(waiting, new RegExp(`data-test="offer-deadline" data-lead="${lead.id}"`));
    assert.ok(waiting.includes(`“Dashboard Customer”: answer by`));
    assert.ok(waiting.indexOf('data-test="offers-waiting"') < waiting.indexOf('data-test="member-fees"'), 'offers come first');
    assert.ok(offer.expires_at instanceof Date);
    await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(beta.token)).expect(200);
    await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(beta.token)).send({ status: 'contacted' }).expect(200);
    const after = await html('/exchange', beta.token);
    assert.doesNotMatch(after, new RegExp(`data-test="offer-deadline" data-lead="${lead.id}"`));
    // Beta accepted one lead earlier (won, no fee) and this one (contacted).
    const counts = Object.fromEntries([...after.matchAll(/data-status="(\w+)"><span>[^<]*<\/span> <strong data-test="status-count-value">(\d+)</g)].map((m) => [m[1], Number(m[2])]));
    assert.deepEqual(counts, { accepted: 0, contacted: 1, proposal: 0, won: 1, lost: 0 });
  });

  it('the pass-a-lead form takes the contact phone and the region', async () => {
    await formPost(t, '/exchange/leads', cookie(alpha.token))
      .send({ companyName: 'Phone Customer', contactName: 'Ivan', contactPhone: '+7 495 123-45-67', region: 'moscow', tags: 'crm', budget: '3000000', authority: 'decision_maker', need: 'high', timelineDays: '20' })
      .expect(303);
    const [row] = await t.db.query(`SELECT contact_phone, region FROM exchange_leads WHERE company_name = 'Phone Customer'`);
    assert.deepEqual(row, { contact_phone: '+7 495 123-45-67', region: 'moscow' });
    const form = await html('/exchange', alpha.token);
    assert.match(form, /<label for="lead-phone">Contact phone<\/label>/);
    assert.match(form, /<label for="lead-region">Region of the customer<\/label>/);
  });

  it('sees the fee on /exchange and /exchange/statement in formatted money, in both languages', async () => {
    leadId = await wonLead('8000000', 'Romashka LLC');
    assert.equal((await ledger().balances(alpha.id, 'RUB')).available, FEE);
    const page = await html('/exchange', alpha.token);
    assert.ok(page.includes(`data-test="fees-available-value">${shown(formatMoney('en', FEE, 'RUB'))}<`), 'available in money');
    assert.ok(page.includes(`data-test="fees-paid-value">${shown(formatMoney('en', 0n, 'RUB'))}<`));
    assert.match(page, /data-test="needs-details"/);
    assert.match(page, /href="\/exchange\/payout-details" data-test="add-details"/);
    const ru = await html('/exchange?lang=ru', alpha.token);
    assert.ok(ru.includes(shown(formatMoney('ru', FEE, 'RUB'))));
    assert.match(ru, /Вознаграждения за лиды/);

    const statement = await html('/exchange/statement', alpha.token);
    assert.match(statement, new RegExp(`data-kind="fee_earned" data-lead="${leadId}"`));
    assert.ok(statement.includes('Referral fee for the lead “Romashka LLC” you passed: it was won'));
    assert.ok(statement.includes(`data-test="line-amount">${shown(formatMoney('en', FEE, 'RUB'))}<`));
    assert.doesNotMatch(statement, /250 bp|lead_fee|referrer_available/);
    const statementRu = await html('/exchange/statement?lang=ru', alpha.token);
    assert.ok(statementRu.includes('Вознаграждение за переданный вами лид «Romashka LLC»: сделка выиграна'));
  });

  it('adds bank details (validated and encrypted by the referrers\' rules) at /exchange/payout-details', async () => {
    assert.match(await html('/exchange/payout-details', alpha.token), /action="\/exchange\/payout-details\/bank"/);
    const bad = await formPost(t, '/exchange/payout-details/bank', cookie(alpha.token)).send({ accountHolder: 'Alpha Leads LLC', bankIdentifier: RU_BIC, accountNumber: '123' }).expect(400);
    assert.match(bad.text, /data-test="bank-form"/);
    assert.equal((await t.db.query(`SELECT count(*)::int AS n FROM payout_details WHERE referrer_id = $1`, [alpha.id]))[0].n, 0);
    await formPost(t, '/exchange/payout-details/bank', cookie(alpha.token)).send({ accountHolder: 'Alpha Leads LLC', bankIdentifier: RU_BIC, accountNumber: RU_ACCOUNT }).expect(303).expect('location', '/exchange/payout-details?saved=bank');
    const [d] = await t.db.query(`SELECT payee_kind, method, bank_encrypted, bank_account_last4, payee_member_id, payee_referrer_id FROM payout_details WHERE referrer_id = $1`, [alpha.id]);
    assert.deepEqual({ kind: d.payee_kind, method: d.method, last4: d.bank_account_last4, member: d.payee_member_id, referrer: d.payee_referrer_id }, { kind: 'exchange_member', method: 'bank', last4: RU_ACCOUNT.slice(-4), member: alpha.id, referrer: null });
    assert.equal(Buffer.from(d.bank_encrypted).includes(Buffer.from(RU_ACCOUNT)), false, 'stored encrypted');
    const page = await html('/exchange/payout-details', alpha.token);
    assert.match(page, /Alpha Leads LLC/);
    assert.doesNotMatch(page, new RegExp(RU_ACCOUNT));
    // A payee kind names a real row: an exchange member id cannot pose as a referrer.
    await assert.rejects(t.db.query(`UPDATE payout_details SET payee_kind = 'referrer' WHERE referrer_id = $1`, [alpha.id]), /foreign key/);
  });

  it('appears by company name in the payout preview; a second finance user approves; executed and paid, the balances end at zero', async () => {
    const preview = (await request(t.url).get('/api/payouts/preview').set(auth(alice.token)).expect(200)).body;
    const row = preview.eligible.find((e: { referrerId: string }) => e.referrerId === alpha.id);
    assert.deepEqual(row, { referrerId: alpha.id, available: FEE.toString(), method: 'bank' });
    const console = await html('/finance/payouts', alice.token);
    assert.match(console, /<span data-test="payee-member">Alpha Leads<\/span>/);
    assert.doesNotMatch(console.replace(/title="[^"]*"/g, ''), new RegExp(alpha.id), 'no bare id on the page');

    const created = await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send({}).expect(201);
    const batchId = created.body.id as string;
    const own = await request(t.url).post(`/api/payouts/batches/${batchId}/approve`).set(auth(alice.token)).expect(403);
    assert.equal(own.body.error.code, 'CANNOT_APPROVE_OWN_BATCH');
    await request(t.url).post(`/api/payouts/batches/${batchId}/approve`).set(auth(bob.token)).expect(200);
    assert.deepEqual(await ledger().balances(alpha.id, 'RUB').then((b) => [b.available, b.inTransit]), [0n, FEE]);
    assert.ok((await html('/exchange', alpha.token)).includes(`data-test="fees-pending-value">${shown(formatMoney('en', FEE, 'RUB'))}<`), 'being paid out');

    const run = (await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(alice.token)).expect(200)).body;
    assert.equal(run.bankPending, 1);
    const detail = (await request(t.url).get(`/api/payouts/batches/${batchId}`).set(auth(alice.token)).expect(200)).body;
    const item = detail.items.find((i: { referrerId: string }) => i.referrerId === alpha.id);
    assert.deepEqual({ kind: item.payeeKind, email: item.email, amount: item.amount }, { kind: 'exchange_member', email: alpha.email, amount: FEE.toString() });
    assert.match(await html(`/finance/payouts/batches/${batchId}`, alice.token), /<span data-test="payee-member">Alpha Leads<\/span>/);
    await request(t.url).post(`/api/payouts/items/${item.id}/mark-paid`).set(auth(alice.token)).expect(200);

    const b = await ledger().balances(alpha.id, 'RUB');
    assert.deepEqual([b.available, b.inTransit, b.paid], [0n, 0n, FEE]);
    const out: string[] = [];
    assert.equal(await COMMANDS['ledger:verify'].run([], { app: t.app, config: t.config, out: (l: string) => out.push(l) }), 0);
    assert.match(out[0], /ok=true$/);
    const statement = await html('/exchange/statement', alpha.token);
    assert.ok(statement.includes(`Payout of ${shown(formatMoney('en', FEE, 'RUB'))} sent to your bank account`));
    assert.ok(statement.includes(`data-test="fees-paid-value">${shown(formatMoney('en', FEE, 'RUB'))}<`));
    const fees = (await request(t.url).get('/api/exchange/members/me/fees').set(auth(alpha.token)).expect(200)).body;
    assert.deepEqual({ available: fees.available, paid: fees.paid, pending: fees.pending }, { available: '0', paid: FEE.toString(), pending: '0' });
  });
});

describe('when the receiving member pays the fee', () => {
  it('debits the receiver and credits the submitter; both see it; the ledger balances', async () => {
    await request(t.url).put('/api/exchange/settings').set(auth(admin)).send({ feePayer: 'receiving_member' }).expect(200);
    const [a0, b0] = await Promise.all([ledger().balances(alpha.id, 'RUB'), ledger().balances(beta.id, 'RUB')]);
    const [expense0] = await t.db.query(`SELECT coalesce(sum(balance), 0) AS b FROM ledger_accounts WHERE kind = 'platform_commission_expense'`);
    const leadId = await wonLead('400000', 'Vasilek LLC'); // 2.5 % = 10,000 minor
    const [a1, b1] = await Promise.all([ledger().balances(alpha.id, 'RUB'), ledger().balances(beta.id, 'RUB')]);
    assert.equal(a1.available - a0.available, 10_000n);
    assert.equal(b1.available - b0.available, -10_000n);
    const [expense1] = await t.db.query(`SELECT coalesce(sum(balance), 0) AS b FROM ledger_accounts WHERE kind = 'platform_commission_expense'`);
    assert.equal(BigInt(expense1.b), BigInt(expense0.b), 'the operator pays nothing');
    const [fee] = await t.db.query(`SELECT member_id, payer_member_id, amount FROM exchange_fees WHERE lead_id = $1`, [leadId]);
    assert.deepEqual(fee, { member_id: alpha.id, payer_member_id: beta.id, amount: 10_000n });

    const receiver = await html('/exchange', beta.token);
    assert.ok(receiver.includes(`Charged for the leads you won: ${shown(formatMoney('en', 10_000n, 'RUB'))}`));
    assert.match(receiver, /data-payer="receiving_member"/);
    const statement = await html('/exchange/statement', beta.token);
    assert.ok(statement.includes('Referral fee for the lead “Vasilek LLC” you won, paid to the partner who passed it'));
    assert.ok(statement.includes(shown(formatMoney('en', -10_000n, 'RUB'))));
    // The receiver's negative balance is left out of payouts, by its company name.
    const console = await html('/finance/payouts', alice.token);
    assert.match(console, /data-reason="negative_balance"><td data-label="[^"]*"><div><span data-test="payee-member">Beta Works<\/span>/);
    // Finance's dashboard carries it among the negative balances, by company too.
    assert.match(await html('/finance', alice.token), /data-test="negative-row"><td data-label="[^"]*"><div><span data-test="payee-member">Beta Works<\/span>/);
    assert.equal((await ledger().verify()).ok, true);
    await request(t.url).put('/api/exchange/settings').set(auth(admin)).send({ feePayer: 'operator', feeKind: 'none' }).expect(200);
  });
});

describe('a member paid through Stripe Connect', () => {
  it('onboards from /exchange/payout-details and is paid by a transfer when the batch is executed', async () => {
    await request(t.url).put('/api/exchange/settings').set(auth(admin)).send({ feeKind: 'percent', feeBp: 250, feePayer: 'operator' }).expect(200);
    const gamma = await member(t, admin, { company: 'Gamma Connect', tags: [], capacity: 0 });
    await wonLead('8000000', 'Connect Customer', gamma);
    const start = await formPost(t, '/exchange/payout-details/connect', cookie(gamma.token)).expect(303);
    const [d] = await t.db.query(`SELECT payee_kind, method, stripe_account_id FROM payout_details WHERE referrer_id = $1`, [gamma.id]);
    assert.deepEqual({ kind: d.payee_kind, method: d.method }, { kind: 'exchange_member', method: 'stripe_connect' });
    assert.ok(start.headers.location, 'sent to Stripe onboarding');
    assert.equal(fake.objects.get(d.stripe_account_id)?.email, gamma.email);
    connect.activate(d.stripe_account_id);
    await connect.sendAccountUpdated(t.url, d.stripe_account_id);
    await t.app.get(StripeInboxService).whenIdle();

    const created = (await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send({}).expect(201)).body;
    await request(t.url).post(`/api/payouts/batches/${created.id}/approve`).set(auth(bob.token)).expect(200);
    const run = (await request(t.url).post(`/api/payouts/batches/${created.id}/execute`).set(auth(alice.token)).expect(200)).body;
    assert.equal(run.transferred, 1);
    const [transfer] = connect.transfers((x) => x.destination === d.stripe_account_id);
    assert.deepEqual({ amount: transfer.amount, payee: transfer.metadata.referrer_id }, { amount: 200_000, payee: gamma.id });
    const b = await ledger().balances(gamma.id, 'RUB');
    assert.deepEqual([b.available, b.inTransit, b.paid], [0n, 0n, 200_000n]);
    assert.ok((await html('/exchange/statement', gamma.token)).includes(`Payout of ${shown(formatMoney('en', 200_000n, 'RUB'))} sent to your Stripe account`));
    // Reconciliation finds the member's transfer with its payout item: no difference about it.
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const rec = (await request(t.url).get(`/api/reconciliation?from=${from}&to=${to}`).set(auth(alice.token)).expect(200)).body;
    assert.ok(rec.stripeTransfers >= 1);
    assert.equal(JSON.stringify(rec.differences).includes(transfer.id), false, JSON.stringify(rec.differences));
  });
});
