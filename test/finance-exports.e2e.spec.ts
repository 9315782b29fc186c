import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { validateXML } from 'xmllint-wasm';
import { Role } from '../src/access/role';
import { StaffService } from '../src/auth/staff.service';
import { FakeStripe } from './support/fake-stripe';
import { assertLedgerOk, auth, clawBack, connectEnv, connectReferrer, FakeStripeConnect, RU_ACCOUNT, RU_BIC, seedAvailable, StaffUser, staffUser } from './support/fake-stripe-connect';
import { PASSWORD, registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Every CSV a finance user downloads goes through the one writer: text a referrer or a staff member
 * typed that a spreadsheet would run as a formula comes out prefixed with an apostrophe, while
 * money (negative amounts too) stays a plain number.
 */
let t: TestApp;
let fake: FakeStripe;
let connect: FakeStripeConnect;
let alice: StaffUser;
let bob: StaffUser;

// The example from the security test: "-" then a digit slipped through the old rule.
const EVIL_REFERRER = "-2+3+cmd|'/ccalc'!a0@x.ru";
const EVIL_STAFF = '+cmd-finance@handshake.example';
const EVIL_HOLDER = '-Anna Petrova';

beforeAll(async () => {
  fake = await new FakeStripe().start();
  connect = new FakeStripeConnect(fake);
  t = await startTestApp('finance_exports', { env: connectEnv(fake) });
  const account = await t.app.get(StaffService).create(EVIL_STAFF, PASSWORD, Role.Finance);
  const login = await request(t.url).post('/api/auth/login').send({ email: EVIL_STAFF, password: PASSWORD }).expect(200);
  alice = { id: account.id, email: EVIL_STAFF, token: login.body.accessToken };
  bob = await staffUser(t, Role.Finance);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});
afterEach(() => assertLedgerOk(t));

const rows = (text: string): string[][] => parse(text);
const period = () => `from=${new Date(Date.now() - 3600_000).toISOString()}&to=${new Date(Date.now() + 3600_000).toISOString()}`;

describe('CSV exports', () => {
  it('escape formula-like text on every endpoint and keep amounts numbers', async () => {
    const bank = await registerReferrer(t, { email: EVIL_REFERRER });
    await request(t.url).put('/api/payout-details/me/bank').set(auth(bank.token)).send({ accountHolder: EVIL_HOLDER, bankIdentifier: RU_BIC, accountNumber: RU_ACCOUNT }).expect(200);
    const paidByStripe = await connectReferrer(t, connect);
    await seedAvailable(t, bank.id, 150_000n);
    await seedAvailable(t, paidByStripe.id, 200_000n);
    await clawBack(t, paidByStripe.id, 6_667n); // a refund: a negative commission movement

    const created = await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send({}).expect(201);
    const batchId: string = created.body.id;
    await request(t.url).post(`/api/payouts/batches/${batchId}/approve`).set(auth(bob.token)).expect(200);
    await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(alice.token)).expect(200);

    // The ISO 20022 file of the same transfers is valid against the official schema.
    const payer = `payerName=${encodeURIComponent('Handshake & Co "LLC"')}&payerBank=${RU_BIC}&payerAccount=${RU_ACCOUNT}`;
    const xml = await request(t.url).get(`/api/payouts/batches/${batchId}/bank-export.xml?${payer}`).set(auth(alice.token)).expect(200);
    const xsd = readFileSync(join(__dirname, '../../test/fixtures/iso20022/pain.001.001.03.xsd'), 'utf8');
    const checked = await validateXML({ xml: [{ fileName: 'batch.xml', contents: xml.text }], schema: [{ fileName: 'pain.001.001.03.xsd', contents: xsd }] });
    assert.deepEqual(checked.errors.map((e) => e.message), []);
    assert.match(xml.text, /<NbOfTxs>1<\/NbOfTxs>/);
    assert.match(xml.text, /<InstdAmt Ccy="RUB">1500\.00<\/InstdAmt>/);
    assert.match(xml.text, /<Nm>Handshake &amp; Co "LLC"<\/Nm>/);

    // Bank file: the holder's name is text, the amount a number in major units.
    const bankCsv = await request(t.url).get(`/api/payouts/batches/${batchId}/bank-export.csv`).set(auth(alice.token)).expect(200);
    const bankRow = rows(bankCsv.text).find((r) => r[1] === bank.id)!;
    assert.equal(bankRow[2], `'${EVIL_HOLDER}`);
    assert.equal(bankRow[5], '1500.00');
    assert.match(bankCsv.text, /,1500\.00,RUB,/);

    const items = await request(t.url).get(`/api/payouts/batches/${batchId}/items.csv`).set(auth(alice.token)).expect(200);
    const itemRow = rows(items.text).find((r) => r[1] === bank.id)!;
    assert.equal(itemRow[2], `'${EVIL_REFERRER}`);
    assert.equal(itemRow[4], '150000');
    assert.ok(!items.text.includes(`,${EVIL_REFERRER}`), 'the raw address never starts a cell');

    const detail = await request(t.url).get(`/api/payouts/batches/${batchId}`).set(auth(alice.token)).expect(200);
    const bankItem = detail.body.items.find((i: any) => i.method === 'bank');
    await request(t.url).post(`/api/payouts/items/${bankItem.id}/mark-paid`).set(auth(alice.token)).expect(200);

    // Nothing left to pay by bank: no payment file (a pain.001 needs a transfer), a clear refusal in the user's language.
    const none = await request(t.url).get(`/api/payouts/batches/${batchId}/bank-export.xml?${payer}`).set(auth(alice.token)).set('accept-language', 'ru').expect(422);
    assert.equal(none.body.error.code, 'NO_BANK_TRANSFERS_TO_EXPORT');
    assert.match(none.body.error.message, /не осталось банковских переводов/);
    const noneEn = await request(t.url).get(`/api/payouts/batches/${batchId}/bank-export.xml?${payer}`).set(auth(alice.token)).expect(422);
    assert.match(noneEn.body.error.message, /no bank transfer left to pay/);

    const payouts = await request(t.url).get(`/api/reconciliation/payouts.csv?${period()}`).set(auth(alice.token)).expect(200);
    const payoutRow = rows(payouts.text).find((r) => r[2] === bank.id)!;
    assert.equal(payoutRow[3], `'${EVIL_REFERRER}`);
    assert.equal(payoutRow[5], '150000');

    // The refund is a negative number, written as one (no apostrophe).
    const commissions = await request(t.url).get(`/api/reconciliation/commissions.csv?${period()}`).set(auth(alice.token)).expect(200);
    const refund = rows(commissions.text).find((r) => r[2] === 'refund' && r[4] === paidByStripe.id)!;
    assert.equal(refund[6], '-6667');
    assert.match(commissions.text, /,referrer_available,-6667,RUB\r\n/);

    const audit = await request(t.url).get('/api/finance/audit/export.csv').set(auth(alice.token)).expect(200);
    const byAlice = rows(audit.text).filter((r) => r[3] === alice.id);
    assert.ok(byAlice.length >= 3, 'create, execute and mark-paid are Alice’s');
    for (const r of byAlice) assert.equal(r[2], `'${EVIL_STAFF}`);
    assert.ok(!audit.text.includes(`,${EVIL_STAFF}`));
  });
});
