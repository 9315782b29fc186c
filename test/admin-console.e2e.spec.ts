import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Role } from '../src/access/role';
import { formatBasisPointsPercent, formatMoney } from '../src/money/money-format';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { homeOf, ROLE_SECTIONS } from '../src/web/sections';
import { formPost } from './support/browser-form';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, SignedUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { auth, bankReferrer, seedAvailable, StaffUser, staffUser } from './support/fake-stripe-connect';
import { registerReferrer, RegisteredReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
let admin: StaffUser;
let finance: StaffUser;
let finance2: StaffUser;

const tag = randomBytes(3).toString('hex');
const session = (token: string) => `hs_session=${token}`;
const page = (path: string, token: string, status = 200) => request(t.url).get(path).set('cookie', session(token)).set('accept', 'text/html').expect(status);
const attr = (html: string, test: string, name: string) => new RegExp(`data-test="${test}"[^>]*data-${name}="([^"]*)"`).exec(html)?.[1];
const all = (html: string, test: string) => [...html.matchAll(new RegExp(`data-test="${test}"[^>]*>(?:<div[^>]*>)?([^<]*)<`, 'g'))].map((m) => m[1]);
const inbox = () => t.app.get(StripeInboxService);

async function send(event: ReturnType<typeof stripeEvent>): Promise<void> {
  await deliver(t.url, event).expect(200);
  await inbox().whenIdle();
}

async function pay(s: SignedUpSupplier, total: number, tax: number, paidAt: number): Promise<void> {
  await send(stripeEvent('invoice.paid', billing.paidInvoice(s.customerId!, { total, tax, paidAt }).invoice));
}

async function referrer(fullName: string, commissionBp: number): Promise<RegisteredReferrer> {
  const r = await registerReferrer(t, { fullName, companyName: `${fullName} Trade`, email: `${fullName.split(' ')[0].toLowerCase()}-${tag}@r-${tag}.example` });
  await request(t.url).put('/api/referrers/me/split').set(auth(r.token)).send({ discountBp: 2000 - commissionBp }).expect(200);
  return r;
}

let zina: RegisteredReferrer;
let boris: RegisteredReferrer;
let brokenFailed: string;
let brokenDead: string;

/** Known data: four referrers, two suppliers brought by them (one paying), one without a referrer. */
beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('admin_console', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  admin = await staffUser(t, Role.Admin);
  finance = await staffUser(t, Role.Finance);
  finance2 = await staffUser(t, Role.Finance);
  zina = await referrer(`Zinaida Ko${tag}`, 1000);
  boris = await referrer(`Boris Or${tag}`, 1500);
  const paying = await signUpSupplier(t.url, { promoCode: zina.code, companyName: `Vostok ${tag}` });
  await signUpSupplier(t.url, { promoCode: boris.code, companyName: `Zapad ${tag}` });
  const direct = await signUpSupplier(t.url, { companyName: `Direct ${tag}` });
  // Last month (UTC, the program's zone): 30 000,00 without tax (commission 10 % = 3 000,00); this month 12 000,00 with 2 000,00 tax (1 000,00).
  const now = new Date();
  const lastMonth = Math.floor(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 2, 12) / 1000);
  await pay(paying, 3_000_000, 0, lastMonth);
  await pay(paying, 1_200_000, 200_000, Math.floor(Date.now() / 1000) - 60);
  // A supplier nobody brought: its payment is not attributed revenue.
  await pay(direct, 5_000_000, 0, Math.floor(Date.now() / 1000) - 60);
  // A payout paid this month: 2 500,00 to Olga (bank transfer, marked paid).
  const olga = await bankReferrer(t, 'Olga Smirnova');
  await seedAvailable(t, olga.id, 250_000n);
  const batch = await request(t.url).post('/api/payouts/batches').set(auth(finance.token)).send({}).expect(201);
  await request(t.url).post(`/api/payouts/batches/${batch.body.id}/approve`).set(auth(finance2.token)).expect(200);
  await request(t.url).post(`/api/payouts/batches/${batch.body.id}/execute`).set(auth(finance.token)).expect(200);
  const detail = await request(t.url).get(`/api/payouts/batches/${batch.body.id}`).set(auth(finance.token)).expect(200);
  assert.equal(detail.body.items.length, 1);
  await request(t.url).post(`/api/payouts/items/${detail.body.items[0].id}/mark-paid`).set(auth(finance.token)).expect(200);
  // 700,00 available to Pyotr, below the payout minimum.
  const pyotr = await bankReferrer(t, 'Pyotr Ivanov');
  await seedAvailable(t, pyotr.id, 70_000n);
  // Two Stripe events that cannot be processed (no invoice fields): one failing, one dead-lettered.
  const a = stripeEvent('invoice.paid', { id: `in_broken_a_${tag}`, object: 'invoice' });
  const b = stripeEvent('invoice.paid', { id: `in_broken_b_${tag}`, object: 'invoice' });
  await send(a);
  await send(b);
  brokenFailed = a.id;
  brokenDead = b.id;
  for (let i = 0; i < 20; i++) {
    const [row] = await t.db.query(`SELECT status FROM stripe_webhook_events WHERE id = $1`, [brokenDead]);
    if (row.status === 'dead_letter') break;
    await inbox().process(brokenDead);
  }
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

describe('admin console: the overview', () => {
  it('is the admin home, first in the top bar; other roles may not open it', async () => {
    assert.equal(homeOf(Role.Admin), '/admin');
    assert.deepEqual(
      ROLE_SECTIONS[Role.Admin].map((s) => s.href),
      ['/admin', '/admin/settings', '/admin/referrers', '/admin/staff', '/finance/payouts', '/console/campaigns', '/exchange/admin'],
    );
    await page('/admin', finance.token, 403);
    await page('/admin/settings', zina.token, 403);
  });

  it('shows each figure from known data', async () => {
    const html = (await page('/admin?lang=en', admin.token)).text;
    assert.equal(attr(html, 'stat-referrers', 'value'), '4');
    assert.equal(attr(html, 'stat-suppliers', 'attributed'), '2');
    assert.equal(attr(html, 'stat-suppliers', 'paying'), '1');
    assert.equal(attr(html, 'stat-revenue', 'this-month'), '1200000');
    assert.equal(attr(html, 'stat-revenue', 'last-month'), '3000000');
    assert.ok(html.includes(formatMoney('en', 1_200_000n, 'RUB')) && html.includes(formatMoney('en', 3_000_000n, 'RUB')), 'revenue in money');
    // Liability: the commissions (3 000,00 + 1 000,00) on hold or released, and Pyotr's 700,00; Olga's 2 500,00 is paid.
    const pending = BigInt(attr(html, 'stat-pending', 'amount')!);
    const available = BigInt(attr(html, 'stat-available', 'amount')!);
    assert.equal(pending + available, 400_000n + 70_000n);
    const zinaEarnings = (await request(t.url).get('/api/referrers/me/earnings').set(auth(zina.token)).expect(200)).body[0];
    assert.equal(pending, BigInt(zinaEarnings.pending), 'pending is the referrers’ own pending');
    assert.equal(available, BigInt(zinaEarnings.available) + 70_000n);
    assert.ok(html.includes(formatMoney('en', pending, 'RUB')));
    assert.equal(attr(html, 'stat-payouts', 'count'), '1');
    assert.equal(attr(html, 'stat-payouts', 'amount'), '250000');
    assert.ok(html.includes(formatMoney('en', 250_000n, 'RUB')));
    assert.equal(attr(html, 'webhooks', 'failed'), '1');
    assert.equal(attr(html, 'webhooks', 'dead'), '1');
    // The test app has Stripe configured and no SMTP: one gap, in words.
    assert.equal(attr(html, 'gaps', 'count'), '1');
    assert.match(html, /data-test="gap" data-kind="smtp">Email sending is not configured/);
    // The Manage card links what left the top bar.
    for (const href of ['/console/audiences', '/exchange/admin/analytics', '/admin/offer', '/admin/stripe-events', '/admin/integrations', '/admin/outbox', '/admin/referral-links']) {
      assert.ok(html.includes(`href="${href}"`), `links ${href}`);
    }
    const ru = (await page('/admin?lang=ru', admin.token)).text;
    assert.match(ru, /Обзор программы/);
    assert.ok(ru.includes(formatMoney('ru', 250_000n, 'RUB')));
    assert.match(ru, /Отправка почты не настроена/);
  });
});

describe('admin console: program settings', () => {
  const form = (o: Record<string, string> = {}) => ({
    name: 'Handshake',
    currency: 'RUB',
    budget: '20',
    discountMin: '0',
    discountMax: '15',
    commissionLimit: 'months',
    commissionMonths: '12',
    holdDays: '30',
    payoutMinimum: '1000',
    timeZone: 'UTC',
    ...o,
  });
  const changes = async () => Number((await t.db.query(`SELECT count(*)::int AS n FROM program_settings_changes`))[0].n);

  it('shows the settings in force, typed as people write them', async () => {
    const html = (await page('/admin/settings?lang=ru', admin.token)).text;
    assert.match(html, /name="budget" type="text" value="20"/);
    assert.match(html, /name="payoutMinimum" type="text" value="1000,00"/);
    assert.match(html, /name="timeZone" type="text" value="UTC"/);
    assert.match(html, /data-test="history-empty"/);
  });

  it('refuses bad input with the error under its field, keeps what was typed, and writes nothing', async () => {
    const before = await t.db.query(`SELECT * FROM program_settings`);
    const bad = await formPost(t, '/admin/settings?lang=en', session(admin.token)).send(form({ budget: '20,555', holdDays: 'many', payoutMinimum: '1,350.50', timeZone: 'Mars/Olympus' })).expect(422);
    assert.match(bad.text, /data-field="budget">Type a percent with at most two decimals/);
    assert.match(bad.text, /data-field="holdDays">Type a whole number of days/);
    assert.match(bad.text, /data-field="payoutMinimum">/);
    assert.match(bad.text, /name="budget" type="text" value="20,555"/, 'typed value kept');
    assert.match(bad.text, /name="holdDays" type="text" value="many"/);
    // Rules of the program (the API's): the highest discount above the budget, an unknown zone.
    const over = await formPost(t, '/admin/settings?lang=en', session(admin.token)).send(form({ discountMax: '25' })).expect(400);
    assert.match(over.text, /data-field="discountMax">The highest discount cannot be above the budget/);
    assert.match(over.text, /name="discountMax" type="text" value="25"/);
    const zone = await formPost(t, '/admin/settings?lang=ru', session(admin.token)).send(form({ timeZone: 'Mars/Olympus' })).expect(400);
    assert.match(zone.text, /data-field="timeZone">Это не название часового пояса/);
    const months = await formPost(t, '/admin/settings?lang=en', session(admin.token)).send(form({ commissionMonths: '601' })).expect(400);
    assert.match(months.text, /data-field="commissionMonths">Type a whole number of months from 1 to 600/);
    assert.deepEqual(await t.db.query(`SELECT * FROM program_settings`), before);
    assert.equal(await changes(), 0);
  });

  it('records each change (who, when, before, after) in the transaction of the change, from the form and from the API', async () => {
    const res = await formPost(t, '/admin/settings', session(admin.token))
      .send(form({ budget: '25', discountMax: '17,5', commissionLimit: 'unlimited', payoutMinimum: '1 500,50', timeZone: 'europe/moscow' }))
      .expect(303);
    assert.equal(res.headers.location, '/admin/settings?done=saved');
    const [s] = await t.db.query(`SELECT budget_bp, discount_max_bp, commission_months, payout_minimum::text, time_zone FROM program_settings`);
    assert.deepEqual(s, { budget_bp: 2500, discount_max_bp: 1750, commission_months: null, payout_minimum: '150050', time_zone: 'Europe/Moscow' });
    assert.equal(await changes(), 5);
    // The API PATCH goes through the same service and is recorded too.
    await request(t.url).patch('/api/program').set(auth(admin.token)).send({ holdDays: 14 }).expect(200);
    const bad = await request(t.url).patch('/api/program').set(auth(admin.token)).send({ timeZone: '+03:00' }).expect(400);
    assert.equal(bad.body.error.code, 'PROGRAM_TIME_ZONE_INVALID');
    assert.equal(await changes(), 6);
    const rows = await t.db.query(`SELECT field, before, after, changed_by FROM program_settings_changes ORDER BY id`);
    assert.deepEqual(
      rows.map((r: any) => [r.field, r.before, r.after]),
      [
        ['budgetBp', '2000', '2500'],
        ['discountMaxBp', '1500', '1750'],
        ['commissionMonths', '12', null],
        ['payoutMinimum', '100000', '150050'],
        ['timeZone', 'UTC', 'Europe/Moscow'],
        ['holdDays', '30', '14'],
      ],
    );
    assert.ok(rows.every((r: any) => r.changed_by === admin.id));

    const en = (await page('/admin/settings?done=saved&lang=en', admin.token)).text;
    assert.match(en, /data-test="notice">The settings are saved\./);
    assert.equal(attr(en, 'settings-history', 'count'), '6');
    // Newest first, in people's words.
    assert.deepEqual(all(en, 'change-field'), ['Hold period', 'Budget', 'Highest discount', 'How long a referrer earns commission', 'Payout minimum', 'Time zone']);
    assert.deepEqual(all(en, 'change-before'), ['30 days', '20%', '15%', '12 months', formatMoney('en', 100_000n, 'RUB'), 'UTC']);
    assert.deepEqual(all(en, 'change-after'), ['14 days', '25%', '17.5%', 'as long as the supplier pays', formatMoney('en', 150_050n, 'RUB'), 'Europe/Moscow']);
    assert.ok(en.includes(admin.email));
    assert.match(en, /Times are in Europe\/Moscow/);
    const ru = (await page('/admin/settings?lang=ru', admin.token)).text;
    assert.deepEqual(all(ru, 'change-before').slice(0, 3), ['30 дней', formatBasisPointsPercent('ru', 2000, 2, true), formatBasisPointsPercent('ru', 1500, 2, true)]);
    assert.match(ru, /name="payoutMinimum" type="text" value="1500,50"/);
    assert.match(ru, /id="limit-unlimited" name="commissionLimit" value="unlimited" checked/);
    // Back to UTC for the rest of the file.
    await request(t.url).patch('/api/program').set(auth(admin.token)).send({ timeZone: 'UTC' }).expect(200);
  });

  it('sets the one-off bonus in major units with its mode; refuses a bonus instead of commission without an amount', async () => {
    const instead = await formPost(t, '/admin/settings?lang=ru', session(admin.token)).send(form({ budget: '25', discountMax: '17,5', commissionLimit: 'unlimited', payoutMinimum: '1 500,50', timeZone: 'Europe/Moscow', bonusMode: 'instead', bonus: '' })).expect(400);
    assert.match(instead.text, /data-field="bonus">/);
    assert.match(instead.text, /name="bonus-instead"|id="bonus-instead"[^>]*checked/);
    const ok = await formPost(t, '/admin/settings?lang=ru', session(admin.token))
      .send(form({ budget: '25', discountMax: '17,5', commissionLimit: 'unlimited', payoutMinimum: '1 500,50', timeZone: 'Europe/Moscow', holdDays: '14', bonus: '5 000,50', bonusMode: 'in_addition' }))
      .expect(303);
    assert.equal(ok.headers.location, '/admin/settings?done=saved');
    const program = (await request(t.url).get('/api/program').set(auth(admin.token)).expect(200)).body;
    assert.equal(program.bonusAmount, '500050');
    assert.equal(program.bonusMode, 'in_addition');
    const html = (await page('/admin/settings?lang=ru', admin.token)).text;
    assert.match(html, /name="bonus" type="text" value="5000,50"/);
    assert.match(html, /Разовый бонус/);
    assert.match(html, /5\u00a0000,50\u00a0₽|5 000,50 ₽/);
    await request(t.url).patch('/api/program').set(auth(admin.token)).send({ timeZone: 'UTC', bonusAmount: '0' }).expect(200);
  });
});

describe('admin console: the offer', () => {

  it('publishes every save as a new version; lists versions with author and acceptances; diffs two', async () => {
    const v1 = (await t.db.query(`SELECT text FROM offer_versions WHERE version = 1`))[0].text as string;
    const v2 = `${v1.split('\n').slice(0, 1).join('\n')}\nA new clause ${tag}: commission is paid monthly.\n${v1.split('\n').slice(1).join('\n')}`;
    const res = await formPost(t, '/admin/offer', session(admin.token)).send({ text: v2 }).expect(303);
    assert.equal(res.headers.location, '/admin/offer?published=2');
    // The same text again, or a too short one: the error under the field, the text kept, no version.
    const same = await formPost(t, '/admin/offer?lang=en', session(admin.token)).send({ text: v2 }).expect(409);
    assert.match(same.text, /data-field="text">The text is the same as the current version\./);
    const short = await formPost(t, '/admin/offer?lang=en', session(admin.token)).send({ text: 'too short' }).expect(400);
    assert.match(short.text, /data-field="text">The text must be 20 to 100,000 characters\./);
    assert.match(short.text, />too short<\/textarea>/);
    assert.equal((await t.db.query(`SELECT count(*)::int AS n FROM offer_versions`))[0].n, 2);
    // A referrer registering now accepts version 2.
    await registerReferrer(t, { acceptedOfferVersion: 2 });

    const html = (await page('/admin/offer?published=2&lang=en', admin.token)).text;
    assert.match(html, /data-test="notice">Version 2 is published/);
    assert.match(html, /data-test="offer-version" data-version="2" data-accepted="1"/);
    // Every referrer before (four, plus none since) accepted version 1 at registration.
    assert.match(html, /data-test="offer-version" data-version="1" data-accepted="4"/);
    assert.ok(html.includes(admin.email), 'the author of version 2');
    assert.match(html, /href="\/admin\/offer\/diff\?from=1&amp;to=2"/);

    const diff = (await page('/admin/offer/diff?from=1&to=2&lang=en', admin.token)).text;
    assert.equal(attr(diff, 'diff', 'added'), '1');
    assert.equal(attr(diff, 'diff', 'removed'), '0');
    assert.match(diff, new RegExp(`data-kind="added"><span class="diff-tag">Added</span><span class="diff-text">A new clause ${tag}: commission is paid monthly\\.</span>`));
    const back = (await page('/admin/offer/diff?from=2&to=1&lang=ru', admin.token)).text;
    assert.match(back, new RegExp(`data-kind="removed"><span class="diff-tag">Удалено</span><span class="diff-text">A new clause ${tag}`));
    // The default compares the newest with the one before; an unknown version is a 404 page.
    assert.equal(attr((await page('/admin/offer/diff', admin.token)).text, 'diff', 'to'), '2');
    assert.match((await page('/admin/offer/diff?from=1&to=99&lang=en', admin.token, 404)).text, /There is no such version/);
  });
});

describe('admin console: Stripe events', () => {
  it('lists failed and dead-lettered events with reason and attempts; retry re-queues one and says the result', async () => {
    const html = (await page('/admin/stripe-events?lang=en', admin.token)).text;
    assert.match(html, new RegExp(`data-test="stripe-event" data-id="${brokenFailed}" data-status="failed"`));
    assert.match(html, new RegExp(`data-test="stripe-event" data-id="${brokenDead}" data-status="dead_letter"`));
    assert.match(html, /invoice\.paid lacks/);
    assert.equal(attr(html, 'dead-letters', 'count'), '1');
    assert.equal(attr(html, 'failed-events', 'count'), '1');

    const again = await formPost(t, `/admin/stripe-events/${brokenDead}/retry`, session(admin.token)).expect(303);
    assert.match(again.headers.location, /result=dead_letter/);
    const after = (await page(`${again.headers.location}&lang=en`, admin.token)).text;
    assert.match(after, new RegExp(`data-test="warning">Event ${brokenDead} failed again and stays given up on`));

    // An event whose cause is fixed (the customer is known now) is processed by the retry.
    const s = await signUpSupplier(t.url, { companyName: `Late ${tag}` });
    const paid = billing.paidInvoice(`cus_unknown_${tag}`, { total: 10_000 });
    const event = stripeEvent('invoice.paid', paid.invoice);
    await send(event);
    assert.equal((await t.db.query(`SELECT status FROM stripe_webhook_events WHERE id = $1`, [event.id]))[0].status, 'failed');
    await t.db.query('UPDATE billing_accounts SET stripe_customer_id = $2 WHERE supplier_id = $1', [s.id, `cus_unknown_${tag}`]);
    const ok = await formPost(t, `/admin/stripe-events/${event.id}/retry`, session(admin.token)).expect(303);
    assert.match(ok.headers.location, /result=processed/);
    const done = (await page(`${ok.headers.location}&lang=ru`, admin.token)).text;
    assert.match(done, new RegExp(`data-test="notice">Событие ${event.id} обработано\\.`));
    assert.doesNotMatch(done, new RegExp(`data-id="${event.id}"`));
    // GET never retries; an unknown event is a 404.
    await formPost(t, '/admin/stripe-events/evt_nope/retry', session(admin.token)).expect(404);
  });
});
