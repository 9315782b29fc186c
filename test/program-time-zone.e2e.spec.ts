import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Role } from '../src/access/role';
import { monthPeriod, monthText, todayIn } from '../src/common/zoned-dates';
import { formatDate } from '../src/money/money-format';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { formPost } from './support/browser-form';
import { createAudience, createCampaign, csvOf } from './support/campaign-fixtures';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, SignedUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { auth, StaffUser, staffUser } from './support/fake-stripe-connect';
import { registerReferrer, RegisteredReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const MSK = 'Europe/Moscow';
const MIN = 60_000;

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
let admin: StaffUser;
let finance: StaffUser;
let referrer: RegisteredReferrer;
let supplier: SignedUpSupplier;

const tag = randomBytes(3).toString('hex');
const page = (path: string, token: string) => request(t.url).get(path).set('cookie', `hs_session=${token}`).set('accept', 'text/html').expect(200);
const attr = (html: string, test: string, name: string) => new RegExp(`data-test="${test}"[^>]*data-${name}="([^"]*)"`).exec(html)?.[1];
const setZone = (timeZone: string) => request(t.url).patch('/api/program').set(auth(admin.token)).send({ timeZone }).expect(200);
const unescaped = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const prev = ([y, m]: [number, number]): [number, number] => (m === 1 ? [y - 1, 12] : [y, m - 1]);

// The current month and the one before it, as Moscow counts them.
const [ty, tm] = todayIn(MSK);
const thisMonth: [number, number] = [ty, tm];
const lastMonth = prev(thisMonth);
// Half past one at night in Moscow on the first day of each: still the previous month in UTC.
const lastBoundary = new Date(monthPeriod(...lastMonth, MSK).from.getTime() + 90 * MIN);
const thisBoundary = new Date(Math.min(monthPeriod(...thisMonth, MSK).from.getTime() + 90 * MIN, Date.now() - MIN));
const thisIsBoundary = thisBoundary.getTime() === monthPeriod(...thisMonth, MSK).from.getTime() + 90 * MIN;
const utcMonth = (d: Date) => d.toISOString().slice(0, 7);

async function pay(total: number, paidAt: Date): Promise<void> {
  await deliver(t.url, stripeEvent('invoice.paid', billing.paidInvoice(supplier.customerId!, { total, tax: 0, paidAt: Math.floor(paidAt.getTime() / 1000) }).invoice)).expect(200);
  await t.app.get(StripeInboxService).whenIdle();
}

beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('program_time_zone', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  admin = await staffUser(t, Role.Admin);
  finance = await staffUser(t, Role.Finance);
  referrer = await registerReferrer(t, { fullName: `Vera Zone${tag}`, companyName: `Zone ${tag} Trade` });
  await request(t.url).put('/api/referrers/me/split').set(auth(referrer.token)).send({ discountBp: 1000 }).expect(200);
  supplier = await signUpSupplier(t.url, { promoCode: referrer.code, companyName: `Polnoch ${tag}` });
  await pay(100_000, lastBoundary);
  await pay(300_000, thisBoundary);
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

describe('the program time zone', () => {
  it('counts the referrer dashboard months, the admin overview months and the audit date filter in it', async () => {
    // UTC (the default): both payments fall a month earlier than in Moscow.
    const months = async () => new Map<string, string>((await request(t.url).get('/api/referrers/me/dashboard').set(auth(referrer.token)).expect(200)).body.months.map((m: { month: string; amount: string }) => [m.month, m.amount]));
    const utc = await months();
    const a = BigInt(utc.get(utcMonth(lastBoundary)) ?? '0');
    assert.ok(a > 0n, 'the commission of the first payment, in the month before in UTC');
    if (thisIsBoundary) {
      assert.equal(utcMonth(thisBoundary), monthText(...lastMonth));
      assert.equal(utc.get(monthText(...lastMonth)), String(3n * a), 'the second payment, last month in UTC');
      assert.equal(utc.get(monthText(...thisMonth)), '0');
    }
    const overviewUtc = (await page('/admin?lang=en', admin.token)).text;
    if (thisIsBoundary) assert.equal(attr(overviewUtc, 'stat-revenue', 'this-month'), '0', 'in UTC the payment at 01:30 Moscow time was last month');
    assert.match(overviewUtc, /Times are in UTC\./);

    assert.equal((await setZone(MSK)).body.timeZone, MSK);

    // The dashboard (API): the first payment is Moscow's last month, the second this month.
    const msk = await months();
    assert.equal(msk.get(monthText(...lastMonth)), String(a));
    const b = BigInt(msk.get(monthText(...thisMonth)) ?? '0');
    assert.equal(b, 3n * a, 'the second payment is three times the first');
    assert.equal([...msk.values()].reduce((s, v) => s + BigInt(v), 0n), 4n * a);
    // The API's timestamps stay ISO UTC.
    const dash = (await request(t.url).get('/api/referrers/me/dashboard').set(auth(referrer.token)).expect(200)).body;
    assert.equal(dash.timeZone, MSK);
    assert.equal(dash.months.find((m: { month: string }) => m.month === monthText(...thisMonth)).startsAt, monthPeriod(...thisMonth, MSK).from.toISOString());

    // The admin overview: "this month" and "last month" as Moscow counts them; the page names the zone.
    const overview = (await page('/admin?lang=en', admin.token)).text;
    assert.equal(attr(overview, 'stat-revenue', 'this-month'), '300000');
    assert.equal(attr(overview, 'stat-revenue', 'last-month'), '100000');
    assert.ok(overview.includes(formatDate('en', monthPeriod(...thisMonth, MSK).from, 'month', MSK)), 'this month named as Moscow counts it');
    assert.match(overview, /Times are in Europe\/Moscow\./);
    assert.equal((overview.match(/Times are in/g) ?? []).length, 1, 'named once');

    // The cabinet's chart names the zone too.
    assert.match((await page('/cabinet?lang=en', referrer.token)).text, /Months in the program time zone \(Europe\/Moscow\)/);
  });

  it('reads audit filter dates as Moscow days and shows the times in Moscow', async () => {
    const at = (iso: string) =>
      t.db.query(`INSERT INTO finance_audit_log (at, actor_id, actor_email, action, subject_type, subject_id, details) VALUES ($1, $2, $3, 'payout.preview', 'currency', 'RUB', '{"eligibleCount": 1, "eligibleTotal": "1000"}')`, [iso, finance.id, finance.email]);
    await at('2026-02-28T20:30:00Z'); // 23:30 on 28 February in Moscow
    await at('2026-02-28T22:30:00Z'); // 01:30 on 1 March in Moscow
    const total = async (from: string, to: string) => attr((await page(`/finance/audit?lang=en&actor=${encodeURIComponent(finance.email)}&from=${from}&to=${to}`, finance.token)).text, 'audit', 'total');

    await setZone('UTC');
    assert.equal(await total('2026-03-01', '2026-03-01'), '0');
    assert.equal(await total('2026-02-28', '2026-02-28'), '2');

    await setZone(MSK);
    assert.equal(await total('2026-03-01', '2026-03-01'), '1', 'from 1 March in Moscow is 2026-02-28T21:00Z');
    assert.equal(await total('2026-02-28', '2026-02-28'), '1');
    const html = (await page(`/finance/audit?lang=en&actor=${encodeURIComponent(finance.email)}&from=2026-03-01&to=2026-03-01`, finance.token)).text;
    assert.ok(html.includes(formatDate('en', new Date('2026-02-28T22:30:00Z'), 'dateTime', MSK)), 'the row shows 1 March, 01:30');
    assert.match(html, /Times are in Europe\/Moscow\./);
    // The CSV link carries the instants the Moscow days bound.
    assert.ok(unescaped(html).includes(`from=${encodeURIComponent('2026-02-28T21:00:00.000Z')}`), 'CSV from is the Moscow midnight');

    // The CSV people open: the same instants, written as Moscow's clock with its offset.
    const csv = (await request(t.url).get(`/api/finance/audit/export.csv?actor=${encodeURIComponent(finance.email)}&from=2026-02-28T21:00:00.000Z&to=2026-03-01T21:00:00.000Z`).set(auth(finance.token)).expect(200)).text;
    assert.match(csv, /,2026-03-01T01:30:00\.000\+03:00,/);
    // The API's JSON stays ISO UTC.
    const api = (await request(t.url).get(`/api/finance/audit?actor=${encodeURIComponent(finance.email)}&from=2026-02-28T21:00:00.000Z`).set(auth(finance.token)).expect(200)).body;
    assert.ok(api.some((e: { at: string }) => e.at === '2026-02-28T22:30:00.000Z'));

    const ru = (await page(`/finance/audit?lang=ru`, finance.token)).text;
    assert.match(ru, /Время указано в часовом поясе Europe\/Moscow\./);
  });

  it('names the zone on the finance pages and counts their month in it', async () => {
    await setZone(MSK);
    const dashboard = (await page('/finance?lang=en', finance.token)).text;
    assert.match(dashboard, /Times are in Europe\/Moscow\./);
    const payouts = (await page('/finance/payouts?lang=en', finance.token)).text;
    const start = monthPeriod(...thisMonth, MSK);
    assert.ok(unescaped(payouts).includes(`from=${start.from.toISOString()}&to=${start.to.toISOString()}`), 'the month export starts at Moscow midnight');
    assert.ok(unescaped(payouts).includes(`/finance/reconciliation?from=${monthText(...thisMonth)}&to=${monthText(...thisMonth)}`));
    assert.match(payouts, /Times are in Europe\/Moscow\./);
    const rec = (await page(`/finance/reconciliation?lang=en&from=${monthText(...thisMonth)}&to=${monthText(...thisMonth)}`, finance.token)).text;
    assert.match(rec, /Europe\/Moscow/);
    const outbox = (await page('/admin/outbox?lang=en', admin.token)).text;
    assert.match(outbox, /Europe\/Moscow|No messages|empty/i);
  });

  it('reads the campaign form date and time as the program clock', async () => {
    await setZone(MSK);
    const marketer = await staffUser(t, Role.Marketer);
    const audience = await createAudience(t, marketer.token, `Zone ${tag}`, csvOf([[`zone-${tag}@buyer.example`, 'Ivan', 'Buyer']]));
    const campaign = await createCampaign(t, marketer.token, audience.id);
    const year = new Date().getUTCFullYear() + 1;
    await formPost(t, `/console/campaigns/${campaign.id}/schedule`, `hs_session=${marketer.token}`).send({ at: `${year}-01-15T10:00` }).expect(303);
    const after = (await request(t.url).get(`/api/campaigns/${campaign.id}`).set(auth(marketer.token)).expect(200)).body;
    assert.equal(after.scheduledAt, `${year}-01-15T07:00:00.000Z`, '10:00 in Moscow');
    const html = (await page(`/console/campaigns/${campaign.id}?lang=en`, marketer.token)).text;
    assert.ok(html.includes(formatDate('en', new Date(`${year}-01-15T07:00:00Z`), 'dateTime', MSK)), 'shown as 10:00 again');
  });
});

