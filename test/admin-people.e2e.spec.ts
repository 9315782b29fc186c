import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Role } from '../src/access/role';
import { formatMoney } from '../src/money/money-format';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { ROLE_SECTIONS } from '../src/web/sections';
import { formPost } from './support/browser-form';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, PaidInvoice, signUpSupplier, SignedUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { RU_ACCOUNT, RU_BIC, StaffUser, staffUser } from './support/fake-stripe-connect';
import { registerReferrer, RegisteredReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
let admin: StaffUser;
let finance: StaffUser;

const tag = randomBytes(3).toString('hex');
const now = () => Math.floor(Date.now() / 1000);
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const session = (token: string) => `hs_session=${token}`;
const page = (path: string, token: string, status = 200) => request(t.url).get(path).set('cookie', session(token)).set('accept', 'text/html').expect(status);
const ids = (html: string, test: string) => [...html.matchAll(new RegExp(`data-test="${test}"[^>]*data-id="([^"]+)"`, 'g'))].map((m) => m[1]);
const attr = (html: string, test: string, name: string) => new RegExp(`data-test="${test}"[^>]*data-${name}="([^"]*)"`).exec(html)?.[1];

async function send(...events: ReturnType<typeof stripeEvent>[]): Promise<void> {
  for (const e of events) await deliver(t.url, e).expect(200);
  await t.app.get(StripeInboxService).whenIdle();
  assert.deepEqual(await t.db.query(`SELECT id, last_error FROM stripe_webhook_events WHERE status = 'failed'`), []);
}

/** Pays an invoice through a signed invoice.paid webhook. */
async function pay(s: SignedUpSupplier, total: number, tax = 0, paidAt = now()): Promise<PaidInvoice> {
  const paid = billing.paidInvoice(s.customerId!, { total, tax, paidAt });
  await send(stripeEvent('invoice.paid', paid.invoice));
  return paid;
}

async function referrer(fullName: string, companyName: string, commissionBp: number, extra: Record<string, unknown> = {}): Promise<RegisteredReferrer> {
  const r = await registerReferrer(t, { fullName, companyName, email: `${fullName.split(' ')[0].toLowerCase()}-${tag}@buyer-${tag}.example`, ...extra });
  await request(t.url).put('/api/referrers/me/split').set(auth(r.token)).send({ discountBp: 2000 - commissionBp }).expect(200);
  return r;
}

let zina: RegisteredReferrer;
let boris: RegisteredReferrer;
let supplier: SignedUpSupplier;
let inv1: string;
const zinaTax = `77${String(Date.now()).slice(-8)}`;
const supplierTax = `50${String(Date.now() + 1).slice(-8)}`;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('admin_people', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  admin = await staffUser(t, Role.Admin);
  finance = await staffUser(t, Role.Finance);
  zina = await referrer(`Zinaida Kovalenko${tag}`, `Romashka Trade ${tag}`, 1000, { companyTaxId: zinaTax });
  boris = await referrer(`Boris Orlov${tag}`, `Lavka Foods ${tag}`, 1500);
  supplier = await signUpSupplier(t.url, { promoCode: zina.code, companyName: `Vostok Wholesale ${tag}`, companyTaxId: supplierTax, email: `office-${tag}@vostok-${tag}.example` });
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

describe('admin: referrers and suppliers', () => {
  it('the admin top bar links the search; one search finds referrers and suppliers by each field', async () => {
    assert.ok(ROLE_SECTIONS[Role.Admin].some((s) => s.href === '/admin/referrers'));
    const find = async (q: string) => ids((await page(`/admin/referrers?q=${encodeURIComponent(q)}`, admin.token)).text, 'person');
    // By name, email, company, tax id (typed with separators) and promo code (any case).
    assert.deepEqual(await find(`zinaida kovalenko${tag}`), [zina.id]);
    assert.deepEqual(await find(`zinaida-${tag}@`), [zina.id]);
    assert.deepEqual(await find(`romashka trade ${tag}`), [zina.id]);
    assert.deepEqual(await find(`${zinaTax.slice(0, 4)} ${zinaTax.slice(4)}`), [zina.id]);
    // The code finds its referrer and the supplier who signed up with it (newest first).
    assert.deepEqual(await find(zina.code.toLowerCase()), [supplier.id, zina.id]);
    // Suppliers by company, email and tax id.
    assert.deepEqual(await find(`vostok wholesale ${tag}`), [supplier.id]);
    assert.deepEqual(await find(`office-${tag}@`), [supplier.id]);
    assert.deepEqual(await find(supplierTax), [supplier.id]);
    // LIKE wildcards are taken literally.
    assert.deepEqual(await find('%'), []);
    const html = (await page(`/admin/referrers?lang=en&q=${encodeURIComponent(`Lavka Foods ${tag}`)}`, admin.token)).text;
    assert.ok(html.includes(`Boris Orlov${tag} · Lavka Foods ${tag}`), 'name · company');
    assert.ok(html.includes(boris.code));
    assert.match(html, /data-status="active"[^>]*>Active</);

    // No match: the empty state tells what to type.
    const none = (await page('/admin/referrers?q=nobody-at-all-zzz&lang=en', admin.token)).text;
    assert.match(none, /data-test="people-empty"[^>]*>Nobody matches “nobody-at-all-zzz”\. Try a part of a name, an email, a company, a tax id \(INN\) or a promo code\./);
    assert.match((await page('/admin/referrers?q=nobody-at-all-zzz&lang=ru', admin.token)).text, /По запросу «nobody-at-all-zzz» никого нет/);
    // Without a query: the latest referrers only, newest first; paged.
    const latest = ids((await page('/admin/referrers', admin.token)).text, 'person');
    assert.deepEqual(latest.slice(0, 2), [boris.id, zina.id]);
    assert.ok(!latest.includes(supplier.id));
    assert.deepEqual(ids((await page('/admin/referrers?page=99', admin.token)).text, 'person'), []);
    assert.deepEqual(ids((await page('/admin/referrers?page=abc', admin.token)).text, 'person'), latest);
  });

  it("the referrer page: balances equal the referrer's own earnings figures; suppliers, statement, payout details state", async () => {
    inv1 = (await pay(supplier, 12_000, 2_000)).invoice.id;
    const earnings = (await request(t.url).get('/api/referrers/me/earnings').set(auth(zina.token)).expect(200)).body[0];
    assert.equal(earnings.pending, '1000');
    const html = (await page(`/admin/referrers/${zina.id}?lang=en`, admin.token)).text;
    assert.equal(attr(html, 'pending', 'amount'), earnings.pending);
    assert.equal(attr(html, 'available', 'amount'), earnings.available);
    assert.equal(attr(html, 'paid', 'amount'), earnings.paid);
    assert.equal(attr(html, 'negative', 'amount'), '0');
    assert.ok(html.includes(formatMoney('en', 1000n, 'RUB')));
    // The supplier it brought, linked, paying.
    assert.match(html, new RegExp(`data-test="referred-supplier" data-id="${supplier.id}" data-paying="true"`));
    assert.ok(html.includes(`href="/admin/suppliers/${supplier.id}"`));
    // The statement in the referrer's words (the same sentences as their earnings page).
    assert.match(html, new RegExp(`Commission on invoice № HS-\\d+ from Vostok Wholesale ${tag}`));
    // Split history: the registration split, then the change to 10%.
    assert.equal((html.match(/data-test="split"/g) ?? []).length, 2);
    assert.match(html, /data-test="payout-details" data-complete="false"/);
    assert.match(html, /Not given yet: the referrer cannot be paid\./);
    // Bank details: only the last four digits.
    await request(t.url).put('/api/payout-details/me/bank').set(auth(boris.token)).send({ accountHolder: 'Boris Orlov', bankIdentifier: RU_BIC, accountNumber: RU_ACCOUNT }).expect(200);
    const b = (await page(`/admin/referrers/${boris.id}?lang=en`, admin.token)).text;
    assert.ok(b.includes(`account ending in ${RU_ACCOUNT.slice(-4)}`));
    assert.ok(!b.includes(RU_ACCOUNT) && !b.includes(RU_BIC) && !b.includes('Boris Orlov</'), 'no bank details beyond the last four digits');
    assert.match(b, /data-complete="true"/);
  });

  it('a bad or unknown id answers with the translated 404 page', async () => {
    for (const path of ['/admin/referrers/not-a-uuid', '/admin/referrers/00000000-0000-4000-8000-000000000000', '/admin/suppliers/not-a-uuid', `/admin/suppliers/${zina.id}`]) {
      const res = await page(`${path}?lang=ru`, admin.token, 404);
      assert.match(res.text, /Страница не найдена/, path);
    }
  });

  it('the supplier page: locked terms, invoices with tax and refunds; the attribution change through the form applies to the next paid invoice and shows in history', async () => {
    const before = (await page(`/admin/suppliers/${supplier.id}?lang=en`, admin.token)).text;
    assert.equal(attr(before, 'attribution', 'referrer'), zina.id);
    assert.equal(attr(before, 'locked-commission', 'bp'), '1000');
    assert.match(before, /12 months from the first payment|as long as the supplier pays/);
    assert.ok(before.includes(formatMoney('en', 12_000n, 'RUB')) && before.includes(formatMoney('en', 2_000n, 'RUB')), 'amount and tax');
    assert.match(before, new RegExp(`data-invoice="${inv1}" data-commission="1000" data-commission-referrer="${zina.id}"`));

    // The referrer search inside the form finds Boris by his code.
    const found = (await page(`/admin/suppliers/${supplier.id}?find=${boris.code.toLowerCase()}`, admin.token)).text;
    assert.match(found, new RegExp(`name="referrerId" value="${boris.id}"`));

    const cookie = session(admin.token);
    const path = `/admin/suppliers/${supplier.id}/attribution`;
    // A reason is required: the error is under the field, what was chosen is kept.
    const noReason = await formPost(t, `${path}?lang=en`, cookie).send({ referrerId: boris.id, reason: '  ', find: boris.code }).expect(422);
    assert.match(noReason.text, /data-field="reason"/);
    assert.match(noReason.text, new RegExp(`value="${boris.id}" checked`));
    const noTarget = await formPost(t, `${path}?lang=en`, cookie).send({ reason: 'x' }).expect(400);
    assert.match(noTarget.text, /data-field="referrerId"/);
    // First a confirmation page naming both referrers; nothing changes yet.
    const reason = `Introduced by Boris, ticket ${tag}`;
    const confirm = await formPost(t, `${path}?lang=en`, cookie).send({ referrerId: boris.id, reason }).expect(200);
    assert.match(confirm.text, /data-test="confirm"/);
    assert.ok(confirm.text.includes(`Move Vostok Wholesale ${tag} from Zinaida Kovalenko${tag} · Romashka Trade ${tag} to Boris Orlov${tag} · Lavka Foods ${tag}?`));
    assert.equal((await request(t.url).get(`/api/admin/suppliers/${supplier.id}/attribution`).set(auth(admin.token)).expect(200)).body.currentReferrerId, zina.id);
    const done = await formPost(t, path, cookie).send({ referrerId: boris.id, reason, confirm: 'yes' }).expect(303);
    assert.match(done.headers.location, new RegExp(`^/admin/suppliers/${supplier.id}\\?done=changed`));
    const api = (await request(t.url).get(`/api/admin/suppliers/${supplier.id}/attribution`).set(auth(admin.token)).expect(200)).body;
    assert.equal(api.currentReferrerId, boris.id);

    // The next paid invoice earns for Boris at his 15%; Zina keeps the commission she earned.
    const paid2 = await pay(supplier, 20_000, 0, now() + 2);
    const pending = async (r: RegisteredReferrer) => (await request(t.url).get('/api/referrers/me/earnings').set(auth(r.token)).expect(200)).body[0].pending;
    assert.deepEqual([await pending(zina), await pending(boris)], ['1000', '3000']);
    // A refund of part of the second invoice: shown on its row, the commission follows it.
    const partial = billing.refund(paid2, 4_000);
    await send(stripeEvent('refund.created', partial.refund));
    assert.equal(await pending(boris), '2400');

    const after = (await page(`/admin/suppliers/${supplier.id}?lang=en`, admin.token)).text;
    assert.equal(attr(after, 'attribution', 'referrer'), boris.id);
    assert.equal(attr(after, 'locked-commission', 'bp'), '1500');
    assert.match(after, new RegExp(`data-invoice="${inv1}" data-commission="1000" data-commission-referrer="${zina.id}"`));
    assert.match(after, new RegExp(`data-invoice="${paid2.invoice.id}" data-commission="2400" data-commission-referrer="${boris.id}"`));
    assert.ok(after.includes(formatMoney('en', 4_000n, 'RUB')), 'the refund');
    // History: who, when, from, to, reason (newest first).
    const rows = [...after.matchAll(/data-test="history-row" data-to="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(rows, [boris.id, zina.id]);
    assert.ok(after.includes(reason) && after.includes(admin.email), 'reason and who');
    assert.ok(after.includes(`Zinaida Kovalenko${tag} · Romashka Trade ${tag}`));
    const flash = (await page(`/admin/suppliers/${supplier.id}?done=changed&lang=en`, admin.token)).text;
    assert.match(flash, /data-test="notice"[^>]*>The attribution is changed/);

    // To no one: then nobody earns on the next invoice.
    await formPost(t, path, cookie).send({ referrerId: 'none', reason: 'Contract ended', confirm: 'yes' }).expect(303);
    await pay(supplier, 10_000, 0, now() + 4);
    assert.equal(await pending(boris), '2400');
    assert.match((await page(`/admin/suppliers/${supplier.id}?lang=en`, admin.token)).text, /data-test="attribution-none"[^>]*>Nobody earns/);
  });

  it('pause, resume and revoke the code through the forms; revoke confirms first and is final', async () => {
    const cookie = session(admin.token);
    const base = `/admin/referrers/${zina.id}/code`;
    assert.equal((await formPost(t, `${base}/pause`, cookie).expect(303)).headers.location, `/admin/referrers/${zina.id}?done=paused`);
    assert.equal(attr((await page(`/admin/referrers/${zina.id}`, admin.token)).text, 'code', 'status'), 'paused');
    await request(t.url).get(`/api/promo-codes/${zina.code}`).expect(409);
    await formPost(t, `${base}/resume`, cookie).expect(303);
    assert.equal(attr((await page(`/admin/referrers/${zina.id}`, admin.token)).text, 'code', 'status'), 'active');

    const confirm = await formPost(t, `${base}/revoke?lang=en`, cookie).expect(200);
    assert.ok(confirm.text.includes(`Revoke ${zina.code} of Zinaida Kovalenko${tag} · Romashka Trade ${tag}?`));
    assert.match(confirm.text, /Suppliers can no longer sign up with it, and it cannot be resumed/);
    assert.equal(attr((await page(`/admin/referrers/${zina.id}`, admin.token)).text, 'code', 'status'), 'active', 'nothing changed before yes');
    assert.equal((await formPost(t, `${base}/revoke`, cookie).send({ confirm: 'yes' }).expect(303)).headers.location, `/admin/referrers/${zina.id}?done=revoked`);
    const html = (await page(`/admin/referrers/${zina.id}?done=revoked&lang=en`, admin.token)).text;
    assert.equal(attr(html, 'code', 'status'), 'revoked');
    assert.match(html, /data-test="notice"[^>]*>The code is revoked\./);
    assert.ok(!html.includes('data-test="code-resume"') && !html.includes('data-test="code-revoke"'), 'no action a revoked code does not allow');
    const check = await request(t.url).get(`/api/promo-codes/${zina.code}`).expect(410);
    assert.equal(check.body.error.code, 'PROMO_CODE_REVOKED');
    await signUpSupplier(t.url, { promoCode: zina.code }, 410);
  });

  it('only admins: anonymous visitors are sent to log in, other roles get 403', async () => {
    const anon = await request(t.url).get('/admin/referrers').set('accept', 'text/html').expect(303);
    assert.match(anon.headers.location, /^\/login\?next=/);
    await request(t.url).get(`/admin/suppliers/${supplier.id}`).set('accept', 'text/html').expect(303);
    for (const token of [finance.token, boris.token, supplier.token]) {
      await page('/admin/referrers', token, 403);
      await page(`/admin/referrers/${boris.id}`, token, 403);
      await page(`/admin/suppliers/${supplier.id}`, token, 403);
    }
    await formPost(t, `/admin/referrers/${boris.id}/code/pause`, session(finance.token)).expect(403);
    await formPost(t, `/admin/suppliers/${supplier.id}/attribution`, session(finance.token)).send({ referrerId: boris.id, reason: 'x', confirm: 'yes' }).expect(403);
    await formPost(t, `/admin/referrers/${boris.id}/code/revoke`).send({ confirm: 'yes' }).expect(401);
    assert.equal(attr((await page(`/admin/referrers/${boris.id}`, admin.token)).text, 'code', 'status'), 'active');
  });
});
