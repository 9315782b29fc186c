import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Role } from '../src/access/role';
import { formatMoney } from '../src/money/money-format';
import { formPost } from './support/browser-form';
import { FakeStripe } from './support/fake-stripe';
import { assertLedgerOk, auth, balancesOf, connectEnv, connectReferrer, FakeStripeConnect, seedAvailable, StaffUser, staffUser } from './support/fake-stripe-connect';
import { registerReferrer, RegisteredReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let connect: FakeStripeConnect;
let alice: StaffUser;
let bob: StaffUser;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  connect = new FakeStripeConnect(fake);
  t = await startTestApp('finance_pages', { env: connectEnv(fake) });
  alice = await staffUser(t, Role.Finance);
  bob = await staffUser(t, Role.Finance);
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});
afterEach(() => assertLedgerOk(t));

const cookieOf = (who: StaffUser) => `hs_session=${who.token}`;
const page = (path: string, who: StaffUser, status = 200) => request(t.url).get(path).set('cookie', cookieOf(who)).set('accept', 'text/html').expect(status);
const attr = (html: string, test: string, name: string) => new RegExp(`data-test="${test}"[^>]*data-${name}="([^"]*)"`).exec(html)?.[1];
const attrs = (html: string, test: string, name: string) => [...html.matchAll(new RegExp(`data-test="${test}"[^>]*data-${name}="([^"]*)"`, 'g'))].map((m) => m[1]);
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

describe('/finance/adjustments', () => {
  it('finds the referrer by name, company, email or code; the adjustment shows in the list and the balance; a double submit posts once', async () => {
    const r = await registerReferrer(t, { fullName: 'Zinaida Kuznetsova', companyName: 'Polar Foods' });
    const other = await registerReferrer(t, { fullName: 'Zakhar Kuznetsov', companyName: 'Tundra Trade' });
    for (const q of ['zinaida kuz', 'Polar', r.email.toUpperCase(), r.code.toLowerCase()]) {
      const html = (await page(`/finance/adjustments?q=${encodeURIComponent(q)}`, alice)).text;
      assert.deepEqual(attrs(html, 'match', 'referrer'), [r.id], `"${q}" finds exactly her`);
    }
    const both = (await page('/finance/adjustments?q=Kuznetsov', alice)).text;
    assert.deepEqual(attrs(both, 'match', 'referrer').sort(), [r.id, other.id].sort());
    assert.match(both, /Zinaida Kuznetsova · Polar Foods/);
    assert.match((await page('/finance/adjustments?q=nobody-like-this', alice)).text, /data-test="no-matches"/);

    const form = (await page(`/finance/adjustments?referrer=${r.id}`, alice)).text;
    assert.equal(attr(form, 'chosen-balance', 'available'), '0');
    const key = hidden(form, 'key')!;
    assert.match(key, /^[0-9a-f-]{36}$/);

    // The first POST asks, in words, with the amount and the referrer.
    const fields = { referrerId: r.id, direction: 'credit', amount: '1 350,50', reason: 'Offline invoice commission', key };
    const ask = await formPost(t, '/finance/adjustments', cookieOf(alice)).send(fields).expect(200);
    assert.match(ask.text, new RegExp(`Credit ${formatMoney('en', 135_050n, 'RUB').replace(/\./g, '\\.')} to Zinaida Kuznetsova · Polar Foods\\?`));
    assert.equal((await balancesOf(t, r.id)).available, 0n, 'asking posts nothing');

    // "Yes" twice (a double click): one adjustment.
    const [a, b] = await Promise.all([
      formPost(t, '/finance/adjustments', cookieOf(alice)).send({ ...fields, confirm: 'yes' }).expect(303),
      formPost(t, '/finance/adjustments', cookieOf(alice)).send({ ...fields, confirm: 'yes' }).expect(303),
    ]);
    assert.equal(a.headers.location, b.headers.location);
    assert.equal((await balancesOf(t, r.id)).available, 135_050n);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM payout_adjustments WHERE referrer_id = $1`, [r.id]);
    assert.equal(n, 1);

    const done = (await page(a.headers.location, alice)).text;
    assert.match(done, new RegExp(`Adjustment posted: ${formatMoney('en', 135_050n, 'RUB').replace(/\./g, '\\.')} for Zinaida Kuznetsova · Polar Foods`));
    const rows = attrs(done, 'adjustment-row', 'amount');
    assert.equal(rows[0], '135050', 'the newest adjustment is first in the list');
    assert.match(done, /Offline invoice commission/);
    assert.ok(done.includes(alice.email), 'who made it');
    assert.equal(attr((await page(`/finance/adjustments?referrer=${r.id}`, alice)).text, 'chosen-balance', 'available'), '135050');

    // The same key with another amount is refused; a debit takes money back, in Russian.
    const reused = await formPost(t, '/finance/adjustments', cookieOf(alice)).send({ ...fields, amount: '1', confirm: 'yes' }).expect(409);
    assert.match(reused.text, /data-code="ADJUSTMENT_KEY_REUSED"/);
    assert.notEqual(hidden(reused.text, 'key'), key, 'the form comes back with a fresh key');
    const ru = await formPost(t, '/finance/adjustments?lang=ru', cookieOf(bob)).send({ referrerId: r.id, direction: 'debit', amount: '350,50', reason: 'Часть возвращена', key: 'debit-key-0001' }).expect(200);
    assert.match(ru.text, new RegExp(`Списать ${formatMoney('ru', 35_050n, 'RUB')} у партнёра Zinaida Kuznetsova · Polar Foods\\?`));
    assert.match(ru.text, new RegExp(`Доступный баланс станет ${formatMoney('ru', 100_000n, 'RUB')}`));
    await formPost(t, '/finance/adjustments?lang=ru', cookieOf(bob)).send({ referrerId: r.id, direction: 'debit', amount: '350,50', reason: 'Часть возвращена', key: 'debit-key-0001', confirm: 'yes' }).expect(303);
    assert.equal((await balancesOf(t, r.id)).available, 100_000n);
    const audit = await request(t.url).get(`/api/finance/audit?subjectId=${r.id}&action=adjustment.create`).set(auth(alice.token)).expect(200);
    assert.deepEqual(audit.body.map((x: any) => x.details.amount), ['-35050', '135050']);
    await request(t.url).post('/api/adjustments').set(auth(alice.token)).send({ referrerId: r.id, amount: '-100000', reason: 'Settle test balance' }).expect(201);
  });

  it('refused input comes back under its field, keeping what was typed', async () => {
    const r = await registerReferrer(t);
    const base = { referrerId: r.id, direction: 'credit', key: 'refused-key-0001' };
    const blank = await formPost(t, '/finance/adjustments', cookieOf(alice)).send({ ...base, amount: '7', reason: '  ' }).expect(422);
    assert.match(blank.text, /data-code="ADJUSTMENT_REASON_REQUIRED"/);
    assert.match(blank.text, /data-field="reason"/);
    const tooPrecise = await formPost(t, '/finance/adjustments?lang=ru', cookieOf(alice)).send({ ...base, amount: '1 350,505', reason: 'Too precise' }).expect(422);
    assert.match(tooPrecise.text, /data-field="amount">Слишком много знаков после запятой: введите сумму, например 1 350,50\./);
    assert.match(tooPrecise.text, /value="1 350,505"/);
    assert.match(tooPrecise.text, /value="Too precise"/);
    const zero = await formPost(t, '/finance/adjustments', cookieOf(alice)).send({ ...base, amount: '0', reason: 'Nothing' }).expect(400);
    assert.match(zero.text, /data-field="amount"/);
    assert.equal((await balancesOf(t, r.id)).available, 0n);
  });

  it('an admin reads the list but has no form; a referrer may not open it', async () => {
    const admin = await staffUser(t, Role.Admin);
    const html = (await page('/finance/adjustments', admin)).text;
    assert.doesNotMatch(html, /data-test="find-form"/);
    const r = await registerReferrer(t);
    await request(t.url).get('/finance/adjustments').set('cookie', `hs_session=${r.token}`).set('accept', 'text/html').expect(403);
    await formPost(t, '/finance/adjustments', cookieOf(admin)).send({ referrerId: r.id, amount: '1', reason: 'nope', confirm: 'yes' }).expect(403);
  });
});

describe('/finance/audit', () => {
  it('filters by who, what and dates (program time zone) narrow the rows; the CSV link carries the same filters', async () => {
    const carol = await staffUser(t, Role.Finance);
    const dave = await staffUser(t, Role.Finance);
    const r = await registerReferrer(t, { fullName: 'Audit Target', companyName: 'Ledger Lane' });
    await request(t.url).post('/api/adjustments').set(auth(carol.token)).send({ referrerId: r.id, amount: '1000', reason: 'Carol credits' }).expect(201);
    await request(t.url).post('/api/adjustments').set(auth(dave.token)).send({ referrerId: r.id, amount: '-1000', reason: 'Dave debits' }).expect(201);
    // Entries on known past days (inserted as the log writes them; the log refuses only changes).
    const at = (iso: string, action: string) =>
      t.db.query(`INSERT INTO finance_audit_log (at, actor_id, actor_email, action, subject_type, subject_id, details) VALUES ($1, $2, $3, $4, 'currency', 'RUB', '{"eligibleCount": 2, "eligibleTotal": "250000"}')`, [iso, carol.id, carol.email, action]);
    await at('2026-03-02T23:59:59Z', 'payout.preview');
    await at('2026-03-03T00:00:00Z', 'payout.preview');
    await at('2026-03-04T23:59:59Z', 'payout.preview');
    await at('2026-03-05T00:00:00Z', 'payout.preview');

    const rows = async (query: string) => {
      const html = (await page(`/finance/audit?${query}`, alice)).text;
      return { html, actors: attrs(html, 'audit-row', 'actor'), actions: attrs(html, 'audit-row', 'action'), total: attr(html, 'audit', 'total') };
    };
    const byCarol = await rows(`actor=${encodeURIComponent(carol.email)}`);
    assert.equal(byCarol.total, '5');
    assert.ok(byCarol.actors.every((a) => a === carol.email));
    assert.match(byCarol.html, /Adjusted a balance/);
    assert.match(byCarol.html, /Audit Target · Ledger Lane/);
    assert.match(byCarol.html, new RegExp(`${formatMoney('en', 1000n, 'RUB').replace(/\./g, '\\.')}: Carol credits`));
    assert.doesNotMatch(byCarol.html, />adjustment\.create</, 'no raw action code');

    const adjustments = await rows(`action=adjustment.create&actor=${encodeURIComponent(dave.email)}`);
    assert.deepEqual([adjustments.total, adjustments.actions, adjustments.actors], ['1', ['adjustment.create'], [dave.email]]);

    const march = await rows(`actor=${encodeURIComponent(carol.email)}&from=2026-03-03&to=2026-03-04`);
    assert.equal(march.total, '2', 'from the first second of the 3rd to the last of the 4th');
    assert.match(march.html, /Previewed a payout/);
    assert.match(march.html, new RegExp(`2 referrers to pay, ${formatMoney('en', 250_000n, 'RUB').replace(/\./g, '\\.')}`));

    const ru = (await page(`/finance/audit?lang=ru&actor=${encodeURIComponent(carol.email)}`, alice)).text;
    assert.match(ru, /Корректировка баланса/);
    assert.match(ru, /Просмотр выплат/);

    const href = /data-test="audit-csv"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*data-test="audit-csv"/.exec(march.html)!;
    const csvPath = (href[1] ?? href[2]).replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    const csvQuery = new URL(csvPath, t.url).searchParams;
    assert.equal(csvQuery.get('actor'), carol.email);
    assert.equal(csvQuery.get('from'), '2026-03-03T00:00:00.000Z');
    assert.equal(csvQuery.get('to'), '2026-03-05T00:00:00.000Z');
    const csv = await request(t.url).get(csvPath).set('cookie', cookieOf(alice)).expect(200);
    assert.equal(csv.text.trim().split('\n').length, 3, 'header and the two rows the page shows');

    const bad = await request(t.url).get('/finance/audit?from=2026-02-30&action=payout.explode').set('cookie', cookieOf(alice)).set('accept', 'text/html').expect(400);
    assert.match(bad.text, /data-field="from"/);
    assert.match(bad.text, /data-field="action"/);
  });
});

/** A supplier referred by the referrer (20 % commission), billed through a Stripe customer, as billing writes it. */
async function referredCustomer(r: RegisteredReferrer, company: string): Promise<{ customer: string; supplierId: string }> {
  const customer = `cus_${randomBytes(6).toString('hex')}`;
  const supplierId = await t.db.transaction(async (m) => {
    const [user] = await m.query(`INSERT INTO users (email, password_hash, role) VALUES ($1, 'x', 'supplier') RETURNING id`, [`supplier-${customer}@wholesale.example`]);
    const [supplier] = await m.query(`INSERT INTO suppliers (user_id, company_name, company_tax_id, email_domain) VALUES ($1, $2, $3, 'wholesale.example') RETURNING id`, [user.id, company, String(Date.now()) + randomBytes(2).toString('hex')]);
    await m.query(`INSERT INTO billing_accounts (supplier_id, stripe_customer_id) VALUES ($1, $2)`, [supplier.id, customer]);
    const [code] = await m.query(`SELECT id FROM promo_codes WHERE referrer_id = $1`, [r.id]);
    await m.query(`INSERT INTO supplier_attributions (supplier_id, referrer_id, promo_code_id, discount_bp, commission_bp, currency, via) VALUES ($1, $2, $3, 0, 2000, 'RUB', 'code')`, [supplier.id, r.id, code.id]);
    return supplier.id as string;
  });
  return { customer, supplierId };
}

describe('/finance/reconciliation', () => {
  it('shows both sides\' totals and each known difference in a sentence, with links; records nothing', async () => {
    const r = await connectReferrer(t, connect);
    const { customer, supplierId } = await referredCustomer(r, 'Northern Wholesale');
    const now = Math.floor(Date.now() / 1000);
    const missed = `in_${randomBytes(8).toString('hex')}`;
    fake.save({ id: missed, object: 'invoice', customer, status: 'paid', currency: 'rub', amount_paid: 1_200_000, total: 1_200_000, created: now, status_transitions: { paid_at: now } });
    await seedAvailable(t, r.id, 1_000n, 'RUB', 'in_ghost0002'); // a commission for an invoice Stripe never saw
    const stray = fake.save({ id: `tr_${randomBytes(8).toString('hex')}`, object: 'transfer', amount: 4_200, currency: 'rub', destination: r.accountId, transfer_group: null, metadata: {}, created: now, seq: 1e9 });
    const [{ n: auditBefore }] = await t.db.query(`SELECT count(*)::int AS n FROM finance_audit_log`);

    const en = (await page('/finance/reconciliation', alice)).text;
    assert.equal(attr(en, 'rec-state', 'state'), 'checked');
    const kinds = attrs(en, 'rec-difference', 'kind');
    const refs = attrs(en, 'rec-difference', 'ref');
    assert.deepEqual(kinds.map((k, i) => `${k}:${refs[i]}`).sort(), [`commission_without_paid_invoice:in_ghost0002`, `paid_invoice_without_commission:${missed}`, `transfer_without_payout:${stray.id}`].sort());
    const m = (n: bigint) => formatMoney('en', n, 'RUB').replace(/\./g, '\\.');
    const today = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date());
    assert.match(en, new RegExp(`Invoice ${missed} of Northern Wholesale was paid ${m(1_200_000n)} \\(tax excluded\\) on ${today}, but no commission was recorded; the program&#x27;s rules expect ${m(240_000n)}\\.`));
    assert.match(en, new RegExp(`A commission of ${m(1_000n)} was recorded for invoice in_ghost0002, but Stripe does not know that invoice\\.`));
    assert.match(en, new RegExp(`Stripe made transfer ${stray.id} of ${m(4_200n)}, but no payment recorded paid here matches it\\.`));
    assert.equal(attr(en, 'rec-total-commissions', 'differs'), 'yes');
    assert.doesNotMatch(en, /\/admin\/suppliers\//, 'finance gets no link to an admin page');
    assert.match(en, /\/api\/reconciliation\/commissions\.csv\?from(=|&#x3D;)\d{4}-\d{2}-01T/);
    assert.doesNotMatch(en, />paid_invoice_without_commission</);

    const ru = (await page('/finance/reconciliation?lang=ru', bob)).text;
    assert.match(ru, new RegExp(`Счёт ${missed} поставщика «Northern Wholesale» оплачен на ${formatMoney('ru', 1_200_000n, 'RUB')} \\(без налога\\)`));
    assert.match(ru, /Stripe такого счёта не знает/);

    const admin = await staffUser(t, Role.Admin);
    assert.match((await page('/finance/reconciliation', admin)).text, new RegExp(`href="/admin/suppliers/${supplierId}"`));

    const [{ n: auditAfter }] = await t.db.query(`SELECT count(*)::int AS n FROM finance_audit_log`);
    assert.equal(auditAfter, auditBefore, 'reading the page records nothing');

    const bad = await request(t.url).get('/finance/reconciliation?from=2026-13&to=2026-01').set('cookie', cookieOf(alice)).set('accept', 'text/html').expect(400);
    assert.match(bad.text, /data-field="from"/);
    // Settle what this test left on the books.
    await request(t.url).post('/api/adjustments').set(auth(alice.token)).send({ referrerId: r.id, amount: '-1000', reason: 'Settle test balance' }).expect(201);
  });
});

describe('/finance/reconciliation without Stripe', () => {
  it('says in a sentence when Stripe cannot be reached (it stops the fake: the tests after it use no Stripe)', async () => {
    await fake.stop();
    const html = (await page('/finance/reconciliation', alice)).text;
    assert.equal(attr(html, 'rec-state', 'state'), 'unavailable');
    assert.match(html, /Stripe could not be reached, so the books were not compared/);
  });

  // Last: a second app in this process takes over the process-wide session strategy.
  it('says in a sentence when Stripe is not configured', async () => {
    const bare = await startTestApp('finance_pages_bare', { env: { JOBS_ENABLED: 'false', JWT_SECRET: connectEnv(fake).JWT_SECRET } });
    try {
      const who = await staffUser(bare, Role.Finance);
      const html = (await request(bare.url).get('/finance/reconciliation?lang=ru').set('cookie', cookieOf(who)).set('accept', 'text/html').expect(200)).text;
      assert.equal(attr(html, 'rec-state', 'state'), 'not_configured');
      assert.match(html, /Stripe не настроен, поэтому учёт не с чем сверить/);
    } finally {
      await bare.close();
    }
  });
});
