import assert from 'node:assert/strict';
import request from 'supertest';
import { CommissionService } from '../src/commissions/commission.service';
import { formatDate, formatMoney } from '../src/money/money-format';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { formPost } from './support/browser-form';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, stripeEvent, uniqueTaxId } from './support/fake-stripe-billing';
import { PASSWORD, registerReferrer, RegisteredReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const DAY = 86_400;

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('referrer_dashboard', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

async function send(...events: ReturnType<typeof stripeEvent>[]): Promise<void> {
  for (const e of events) await deliver(t.url, e).expect(200);
  await t.app.get(StripeInboxService).whenIdle();
  assert.deepEqual(await t.db.query(`SELECT id FROM stripe_webhook_events WHERE status = 'failed'`), []);
}

const bearer = (r: RegisteredReferrer) => ({ authorization: `Bearer ${r.token}` });
const text = (html: string, test: string) => new RegExp(`data-test="${test}"[^>]*>([^<]*)<`).exec(html)?.[1].trim();
const month = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 7); // the program's zone is UTC

describe('the referrer dashboard', () => {
  it('shows the same figures on /cabinet as GET /api/referrers/me/dashboard, and both match the ledger', async () => {
    const r = await registerReferrer(t);
    await request(t.url).put('/api/referrers/me/split').set(bearer(r)).send({ discountBp: 1000 }).expect(200); // commission 10%
    // Two people and a bot visit the link; one supplier signs up through it, another types the code.
    for (const ua of [CHROME, FIREFOX, 'Googlebot/2.1 (+http://www.google.com/bot.html)']) await request(t.url).get(`/join?ref=${r.code}`).set('user-agent', ua).expect(303);
    const email = `dash-${Date.now()}@wholesale-dash.example`;
    await formPost(t, '/suppliers/signup', `hs_ref=${r.code}`).send({ email, password: PASSWORD, companyName: 'Dash Wholesale', companyTaxId: uniqueTaxId(), promoCode: r.code }).expect(303);
    await signUpSupplier(t.url, { promoCode: r.code });
    const [{ stripe_customer_id: customer }] = await t.db.query(`SELECT b.stripe_customer_id FROM billing_accounts b JOIN suppliers s ON s.id = b.supplier_id JOIN users u ON u.id = s.user_id WHERE u.email = $1`, [email]);

    // Known ledger data: 10 000 commission 70 days ago (released), 5 000 five days ago (on hold), a refund today takes back 2 000.
    const now = Math.floor(Date.now() / 1000);
    const old = billing.paidInvoice(customer, { total: 100_000, paidAt: now - 70 * DAY });
    const recent = billing.paidInvoice(customer, { total: 60_000, tax: 10_000, paidAt: now - 5 * DAY });
    await send(stripeEvent('invoice.paid', old.invoice), stripeEvent('invoice.paid', recent.invoice));
    await t.app.get(CommissionService).releaseDue(new Date());
    const refund = billing.refund(old, 20_000);
    await send(stripeEvent('refund.created', refund.refund));

    const api = (await request(t.url).get('/api/referrers/me/dashboard').set(bearer(r)).expect(200)).body;
    // The address and its state, as the cabinet's banner shows them (one read, in the dashboard).
    assert.deepEqual(api.emailState, { email: r.email, verified: false, payoutsWait: false });
    const earningsApi = (await request(t.url).get('/api/referrers/me/earnings').set(bearer(r)).expect(200)).body;
    assert.deepEqual(api.earnings, earningsApi.find((e: { currency: string }) => e.currency === 'RUB'));
    assert.deepEqual(
      { visits: api.visits, signedUp: api.suppliersSignedUp, paying: api.suppliersPaying, pending: api.earnings.pending, available: api.earnings.available, paid: api.earnings.paid },
      { visits: { people: 2, bots: 1 }, signedUp: 2, paying: 1, pending: '5000', available: '8000', paid: '0' },
    );
    // The chart: 12 months, this month last; each month what the ledger moved in it.
    assert.equal(api.months.length, 12);
    assert.equal(api.months[11].month, month(now));
    const expected = new Map<string, number>();
    for (const [m, v] of [[month(now - 70 * DAY), 10_000], [month(now - 5 * DAY), 5_000], [month(now), -2_000]] as const) expected.set(m, (expected.get(m) ?? 0) + v);
    for (const m of api.months) assert.equal(m.amount, String(expected.get(m.month) ?? 0), m.month);
    assert.equal(api.months.reduce((s: number, m: { amount: string }) => s + Number(m.amount), 0), 13_000);

    // Next payout: below the 1 000,00 minimum, no payout details, 50,00 on hold until the recent invoice's hold ends.
    const [{ available_at: holdEnds }] = await t.db.query(`SELECT available_at FROM commissions WHERE invoice_id = $1`, [recent.invoice.id]);
    assert.equal(api.nextPayout.state, 'blocked');
    assert.equal(api.nextPayout.expectedAt, null);
    assert.deepEqual(api.nextPayout.blockers, [
      { kind: 'below_minimum', amount: '92000', until: null },
      { kind: 'no_payout_details', amount: '0', until: null },
      { kind: 'on_hold', amount: '5000', until: holdEnds.toISOString() },
    ]);
    const [code] = api.codes;
    assert.deepEqual([code.code, code.visitsPeople, code.visitsBots, code.signUps, code.linkSignUps, code.paying, code.visitToSignUpBp, code.signUpToPayingBp], [r.code, 2, 1, 2, 1, 1, 5000, 5000]);

    // The page, in both languages: the same figures, the chart months and the blockers in words.
    for (const lang of ['en', 'ru'] as const) {
      const html = (await request(t.url).get(`/cabinet?lang=${lang}`).set('cookie', `hs_session=${r.token}`).expect(200)).text;
      const money = (v: string) => formatMoney(lang, v, 'RUB');
      assert.equal(text(html, 'visits-people'), '2');
      assert.match(html, /data-test="visits-bots" data-value="1"/);
      assert.equal(text(html, 'signed-up'), '2');
      assert.equal(text(html, 'paying'), '1');
      assert.equal(text(html, 'pending'), money(api.earnings.pending));
      assert.equal(text(html, 'available'), money(api.earnings.available));
      assert.equal(text(html, 'paid'), money(api.earnings.paid));
      const rows = [...html.matchAll(/data-test="month-row" data-month="([^"]+)" data-amount="([^"]+)"><td>([^<]+)<\/td><td class="num">([^<]+)</g)];
      assert.deepEqual(
        rows.map((m) => [m[1], m[2], m[3], m[4]]),
        api.months.map((m: { month: string; amount: string; startsAt: string }) => [m.month, m.amount, formatDate(lang, m.startsAt, 'month'), money(m.amount)]),
      );
      const bars = [...html.matchAll(/<rect [^>]*class="(bar|bar-negative)" data-month="([^"]+)"/g)].map((m) => [m[2], m[1]]);
      assert.deepEqual(bars, [...expected].filter(([, v]) => v !== 0).sort().map(([m, v]) => [m, v < 0 ? 'bar-negative' : 'bar']), 'a bar for each month with a figure, below zero when refunds took more');
      const readiness = lang === 'en' ? `${money('8000')} of the ${money('100000')} payout minimum: ${money('92000')} more` : `${money('8000')} из минимальной выплаты ${money('100000')}: ещё ${money('92000')}`;
      assert.ok(html.includes(readiness), `${lang}: below-minimum sentence`);
      assert.match(html, /data-test="needs-details"/);
      const hold = lang === 'en' ? `${money('5000')} is still on hold until ${formatDate('en', holdEnds)}.` : `${money('5000')} ещё в удержании — до ${formatDate('ru', holdEnds)}`;
      assert.ok(html.includes(hold), `${lang}: on-hold sentence ${hold}`);
      const path = new RegExp(`data-code="${r.code}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
      assert.equal(text(path, 'visit-rate'), lang === 'en' ? '50.00%' : '50,00\u00a0%');
      assert.equal(text(path, 'via-link'), '1');
    }
  });

  it('a referrer who has earned nothing sees zeros, an empty year and what to do next', async () => {
    const r = await registerReferrer(t);
    const api = (await request(t.url).get('/api/referrers/me/dashboard').set(bearer(r)).expect(200)).body;
    assert.deepEqual([api.nextPayout.state, api.nextPayout.blockers, api.months.every((m: { amount: string }) => m.amount === '0')], ['nothing', [], true]);
    const html = (await request(t.url).get('/cabinet?lang=en').set('cookie', `hs_session=${r.token}`).expect(200)).text;
    assert.match(html, /data-test="payout-nothing">Nothing to pay yet/);
    assert.equal(text(html, 'visits-people'), '0');
    await request(t.url).get('/api/referrers/me/dashboard').expect(401);
  });
});
