import assert from 'node:assert/strict';
import request from 'supertest';
import { PromoCodeService } from '../src/promo-codes/promo-code.service';
import { LinkVisitCounter, VISITOR_COOKIE } from '../src/referral-links/link-visit-counter';
import { ReferralLinksRepository } from '../src/referral-links/referral-links.repository';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { Role } from '../src/access/role';
import { formPost } from './support/browser-form';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, stripeEvent, uniqueTaxId } from './support/fake-stripe-billing';
import { PASSWORD, registerReferrer, RegisteredReferrer, staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('link_visits', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

const path = async (r: RegisteredReferrer) => (await t.app.get(ReferralLinksRepository).paths({ referrerId: r.id, limit: 10, offset: 0 })).rows[0];
const visit = (code: string, ua: string, cookie?: string) => {
  const req = request(t.url).get(`/join?ref=${code}`).set('user-agent', ua).redirects(0);
  return cookie ? req.set('cookie', cookie) : req;
};
const visitorCookie = (res: request.Response) => ((res.headers['set-cookie'] as unknown as string[]) ?? []).find((c) => c.startsWith(`${VISITOR_COOKIE}=`))?.split(';')[0];

describe('visits of /join?ref=CODE', () => {
  it('counts people and bots apart, each visitor once a day, and stores no address', async () => {
    const r = await registerReferrer(t);
    const first = await visit(r.code, CHROME).expect(303);
    assert.equal(first.headers.location, '/suppliers/signup');
    const cookie = visitorCookie(first);
    assert.match(cookie ?? '', /^hs_vid=[0-9a-f]{32}$/);
    // The same browser again, with and without its cookie, and in lower case: still one visitor today.
    await visit(r.code, CHROME, cookie).expect(303);
    await visit(r.code.toLowerCase(), CHROME).expect(303);
    assert.equal((await path(r)).visitsPeople, 1);
    // Another browser is another person; a crawler and an HTTP library are bots.
    await visit(r.code, FIREFOX).expect(303);
    await visit(r.code, GOOGLEBOT).expect(303);
    await visit(r.code, GOOGLEBOT).expect(303);
    await visit(r.code, 'curl/8.5.0').expect(303);
    const p = await path(r);
    assert.deepEqual([p.visitsPeople, p.visitsBots], [2, 2]);

    // The next day the same browser counts again (hashes of different days differ).
    const counter = t.app.get(LinkVisitCounter);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const v = { cookie: cookie!.split('=')[1], ip: '127.0.0.1', userAgent: CHROME, method: 'GET' };
    assert.equal(await counter.record(r.code, v, tomorrow), true);
    assert.equal(await counter.record(r.code, v, tomorrow), false);
    assert.equal((await path(r)).visitsPeople, 3);

    // What is stored: daily keyed hashes, no address, no user agent, no cookie value.
    const rows: { visitor_hash: string; day: string }[] = await t.db.query(`SELECT v.visitor_hash, v.day::text AS day FROM link_visits v JOIN promo_codes c ON c.id = v.promo_code_id WHERE c.code = $1`, [r.code]);
    assert.equal(rows.length, 5);
    for (const row of rows) {
      assert.match(row.visitor_hash, /^[0-9a-f]{32}$/);
      assert.notEqual(row.visitor_hash, v.cookie);
    }
    assert.equal(new Set(rows.map((x) => x.visitor_hash)).size, 5);
  });

  it('does not count paused, revoked or unknown codes, and the page still answers', async () => {
    const r = await registerReferrer(t);
    await t.app.get(PromoCodeService).setPaused(r.id, true);
    await visit(r.code, CHROME).expect(303);
    assert.equal((await path(r)).visitsPeople, 0);
    await t.app.get(PromoCodeService).setPaused(r.id, false);
    await visit(r.code, CHROME).expect(303);
    assert.equal((await path(r)).visitsPeople, 1);
    await t.app.get(PromoCodeService).revoke(r.code);
    await visit(r.code, FIREFOX).expect(303);
    assert.equal((await path(r)).visitsPeople, 1);
    const before = await t.db.query(`SELECT count(*)::int AS n FROM link_visits`);
    await visit('ZZZZZZZZZZ', CHROME).expect(303);
    await visit('not a code!', CHROME).expect(303);
    assert.deepEqual(await t.db.query(`SELECT count(*)::int AS n FROM link_visits`), before);
  });

  it('a failing counter never fails the page', async () => {
    const r = await registerReferrer(t);
    await t.db.query(`ALTER TABLE link_visits RENAME TO link_visits_away`);
    try {
      const res = await visit(r.code, CHROME).expect(303);
      assert.equal(res.headers.location, '/suppliers/signup');
    } finally {
      await t.db.query(`ALTER TABLE link_visits_away RENAME TO link_visits`);
    }
  });

  it('follows a code from visits to sign-ups to paying suppliers, with rates (API figures on the admin page)', async () => {
    const r = await registerReferrer(t, { fullName: 'Vera Linkova', companyName: 'Link Retail' });
    // 4 people (one visits twice), 1 bot.
    for (const ua of [CHROME, FIREFOX, `${CHROME} Edg/131.0`, `${FIREFOX} Extra/1`, CHROME]) await visit(r.code, ua).expect(303);
    await visit(r.code, GOOGLEBOT).expect(303);
    // Two suppliers sign up through the link (the form with the remembered code), one types the code.
    const viaLink: string[] = [];
    for (let i = 0; i < 2; i++) {
      const email = `link-${i}-${Date.now()}@wholesale-link${i}.example`;
      await formPost(t, '/suppliers/signup', `hs_ref=${r.code}`).send({ email, password: PASSWORD, companyName: `Link Wholesale ${i}`, companyTaxId: uniqueTaxId(), promoCode: r.code }).expect(303);
      viaLink.push(email);
    }
    const typed = await signUpSupplier(t.url, { promoCode: r.code });
    // One of the link suppliers pays.
    const [linked] = await t.db.query(`SELECT b.stripe_customer_id FROM suppliers s JOIN billing_accounts b ON b.supplier_id = s.id JOIN users u ON u.id = s.user_id WHERE u.email = $1`, [viaLink[0]]);
    const paid = billing.paidInvoice(linked.stripe_customer_id, { total: 10_000 });
    await deliver(t.url, stripeEvent('invoice.paid', paid.invoice)).expect(200);
    await t.app.get(StripeInboxService).whenIdle();
    assert.ok(typed.id);

    const p = await path(r);
    assert.deepEqual(
      { people: p.visitsPeople, bots: p.visitsBots, signUps: p.signUps, viaLink: p.linkSignUps, paying: p.paying, visitToSignUpBp: p.visitToSignUpBp, signUpToPayingBp: p.signUpToPayingBp },
      { people: 4, bots: 1, signUps: 3, viaLink: 2, paying: 1, visitToSignUpBp: 5000, signUpToPayingBp: 3333 },
    );

    // The admin's per-code page, found by the referrer's name: the same figures in words.
    const admin = await staffToken(t, Role.Admin);
    const page = await request(t.url).get('/admin/referral-links?q=Linkova').set('cookie', `hs_session=${admin}`).set('accept-language', 'en').expect(200);
    const row = new RegExp(`data-code="${r.code}"[\\s\\S]*?</tr>`).exec(page.text)?.[0] ?? '';
    const cell = (name: string) => new RegExp(`data-test="${name}"[^>]*>([\\s\\S]*?)</td>`).exec(row)?.[1].replace(/<[^>]+>/g, '').trim();
    assert.equal(cell('people'), '4');
    assert.equal(cell('bots'), '1');
    assert.match(cell('sign-ups') ?? '', /^3 \(2 via the link\)$/);
    assert.equal(cell('paying'), '1');
    assert.equal(cell('visit-rate'), '50.00%');
    assert.equal(cell('paying-rate'), '33.33%');
    assert.match(row, /Vera Linkova · Link Retail/);
    // Searching by code finds it too; another search does not; a referrer may not open the page.
    assert.match((await request(t.url).get(`/admin/referral-links?q=${r.code.toLowerCase()}`).set('cookie', `hs_session=${admin}`).expect(200)).text, new RegExp(`data-code="${r.code}"`));
    assert.doesNotMatch((await request(t.url).get('/admin/referral-links?q=nobody-like-this').set('cookie', `hs_session=${admin}`).expect(200)).text, /data-test="link-row"/);
    await request(t.url).get('/admin/referral-links').set('cookie', `hs_session=${r.token}`).set('accept', 'text/html').expect(403);
  });
});
