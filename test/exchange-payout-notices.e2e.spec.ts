import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { NotificationService } from '../src/mail/notifications.service';
import { formatMoney } from '../src/money/money-format';
import { addTags, adminToken, auth, member, Member, submitLead } from './exchange-fixtures';
import { formPost } from './support/browser-form';
import { bankReferrer, RU_ACCOUNT, RU_BIC, seedAvailable } from './support/fake-stripe-connect';
import { staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Exchange members paid in a payout batch hear of it as partner companies: the partner payout
 * mails in their own language, linking the exchange's statement and payout details (not the
 * referrer cabinet); a referrer in the same batch still gets the referrer mail. The operator desk's
 * compact membership form changes a member's status by one select.
 */
let t: TestApp;
let admin: string;
let ruMember: Member;
let enMember: Member;

const cookie = (token: string) => `hs_session=${token}`;
const kept = (to: string) => t.db.query(`SELECT kind, subject, html, text_body, headers, related FROM mail_outbox WHERE to_address = $1 ORDER BY id`, [to]);
/** What Handlebars makes of a text (money contains no character it escapes but these). */
const shown = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

async function bankMember(company: string, locale: 'ru' | 'en'): Promise<Member> {
  const m = await member(t, admin, { company });
  await t.db.query(`UPDATE users SET locale = $2 WHERE id = (SELECT user_id FROM exchange_members WHERE id = $1)`, [m.id, locale]);
  await formPost(t, '/exchange/payout-details/bank', cookie(m.token)).send({ accountHolder: company, bankIdentifier: RU_BIC, accountNumber: RU_ACCOUNT }).expect(303);
  return m;
}

beforeAll(async () => {
  t = await startTestApp('exchange_payout_notices', { env: { JOBS_ENABLED: 'false' } });
  admin = await adminToken(t);
  ruMember = await bankMember('Ромашка Интеграция', 'ru');
  enMember = await bankMember('Blue Lake Systems', 'en');
});
afterAll(() => t.close());

describe('payout mails of exchange members', () => {
  it('a member paid in a batch gets the partner mail in its language; a failed item gets the failed mail; a referrer still gets its own', async () => {
    const referrer = await bankReferrer(t, 'Ivan Sidorov');
    await seedAvailable(t, ruMember.id, 400_000n);
    await seedAvailable(t, enMember.id, 300_000n);
    await seedAvailable(t, referrer.id, 200_000n);
    const alice = await staffToken(t, Role.Finance);
    const bob = await staffToken(t, Role.Finance);
    const batch = (await request(t.url).post('/api/payouts/batches').set(auth(alice)).send({}).expect(201)).body;
    await request(t.url).post(`/api/payouts/batches/${batch.id}/approve`).set(auth(bob)).expect(200);
    const items: { id: string; referrer_id: string; payee_kind: string }[] = await t.db.query(`SELECT id, referrer_id, payee_kind FROM payout_items WHERE batch_id = $1`, [batch.id]);
    const itemOf = (id: string) => items.find((i) => i.referrer_id === id)!.id;
    assert.deepEqual(items.map((i) => i.payee_kind).sort(), ['exchange_member', 'exchange_member', 'referrer']);
    await request(t.url).post(`/api/payouts/items/${itemOf(ruMember.id)}/mark-paid`).set(auth(alice)).send({}).expect(200);
    await request(t.url).post(`/api/payouts/items/${itemOf(enMember.id)}/mark-failed`).set(auth(alice)).send({ reason: 'account closed' }).expect(200);
    await request(t.url).post(`/api/payouts/items/${itemOf(referrer.id)}/mark-paid`).set(auth(alice)).send({}).expect(200);
    await t.app.get(NotificationService).deliverDue();

    const [paid, ...morePaid] = await kept(ruMember.email);
    assert.equal(morePaid.length, 0, 'one mail');
    assert.equal(paid.kind, 'payout');
    assert.equal(paid.subject, `Вознаграждения выплачены: ${formatMoney('ru', 400_000n, 'RUB')}`);
    assert.match(paid.html, /<html lang="ru"/);
    assert.match(paid.html, /Здравствуйте, Olga Smirnova!/);
    assert.ok(paid.html.includes(`Мы отправили компании Ромашка Интеграция выплату ${shown(formatMoney('ru', 400_000n, 'RUB'))}`));
    assert.match(paid.html, /Деньги придут банковским переводом/);
    assert.match(paid.html, /href="http:\/\/localhost:\d+\/exchange\/statement"[^>]*>Открыть выписку</);
    assert.doesNotMatch(paid.html, /\/cabinet/);
    assert.equal(paid.related.notificationKind, 'partner.payout_sent');
    assert.equal(paid.related.memberId, ruMember.id);
    assert.equal(paid.headers['X-Handshake-Payout-Item'], itemOf(ruMember.id));
    assert.ok(paid.headers['List-Unsubscribe'], 'a member may turn the sent mail off');

    const [failed, ...moreFailed] = await kept(enMember.email);
    assert.equal(moreFailed.length, 0, 'one mail');
    assert.equal(failed.kind, 'payout');
    assert.equal(failed.subject, `The payout of ${formatMoney('en', 300_000n, 'RUB')} to Blue Lake Systems could not be sent`);
    assert.match(failed.html, /<html lang="en"/);
    assert.match(failed.html, /The money is back on the available balance/);
    assert.match(failed.html, /href="http:\/\/localhost:\d+\/exchange\/payout-details"[^>]*>Check the payout details</);
    assert.doesNotMatch(failed.html, /\/cabinet/);
    assert.equal(failed.related.notificationKind, 'partner.payout_failed');
    assert.equal(failed.headers['List-Unsubscribe'], undefined, 'required: no unsubscribe link');

    const [own] = await kept(referrer.email);
    assert.equal(own.related.notificationKind, 'referrer.payout_sent');
    assert.match(own.html, /\/cabinet\/earnings/);
  });

  it('a member’s settings list the payout kinds, the failed one required (not turned off)', async () => {
    const me = (await request(t.url).get('/api/account/notifications').set(auth(ruMember.token)).expect(200)).body;
    const kinds = Object.fromEntries(me.kinds.map((k: { kind: string; required: boolean }) => [k.kind, k.required]));
    assert.deepEqual(kinds, { 'partner.lead_offered': false, 'partner.lead_reminder': false, 'partner.lead_outcome': false, 'partner.payout_sent': false, 'partner.payout_failed': true });
    await request(t.url).put('/api/account/notifications').set(auth(ruMember.token)).send({ kinds: { 'partner.payout_failed': false } }).expect(200);
    const after = (await request(t.url).get('/api/account/notifications').set(auth(ruMember.token)).expect(200)).body;
    assert.equal(after.kinds.find((k: { kind: string }) => k.kind === 'partner.payout_failed').enabled, true);
    const page = await request(t.url).get('/account/notifications').set('cookie', cookie(ruMember.token)).set('accept-language', 'ru').expect(200);
    assert.match(page.text, /выплату вознаграждений не удалось отправить/);
    assert.match(page.text, /checked disabled data-test="partner.payout_failed"/);
  });
});

describe('the operator desk’s membership form', () => {
  it('suspends and reinstates by one select; expelling asks for confirmation first; a bad choice is refused in words', async () => {
    const m = await member(t, admin);
    const adminCookie = cookie(await staffToken(t, Role.Admin));
    const status = async () => (await request(t.url).get(`/api/exchange/members/${m.id}`).set(auth(admin)).expect(200)).body.status;
    const desk = await request(t.url).get('/exchange/admin').set('cookie', adminCookie).set('accept-language', 'en').expect(200);
    assert.match(desk.text, new RegExp(`action="/exchange/admin/members/${m.id}/status"`));
    assert.match(desk.text, /<label for="member-action-[^"]+">Change membership<\/label>/);

    await formPost(t, `/exchange/admin/members/${m.id}/status`, adminCookie).send({ action: 'suspend', reason: 'Unpaid fees' }).expect(303).expect('location', '/exchange/admin');
    assert.equal(await status(), 'suspended');
    const suspended = await request(t.url).get('/exchange/admin').set('cookie', adminCookie).set('accept-language', 'en').expect(200);
    const row = suspended.text.slice(suspended.text.indexOf(`data-member="${m.id}"`));
    assert.match(row.slice(0, row.indexOf('</tr>')), /<option value="reinstate">Reinstate<\/option><option value="expel">Expel<\/option><\/select>/);
    assert.match(row.slice(0, row.indexOf('</tr>')), /Unpaid fees/);
    await formPost(t, `/exchange/admin/members/${m.id}/status`, adminCookie).send({ action: 'reinstate', reason: 'Paid' }).expect(303);
    assert.equal(await status(), 'admitted');

    const bad = await formPost(t, `/exchange/admin/members/${m.id}/status`, adminCookie).set('accept-language', 'en').send({ action: 'delete', reason: 'Whatever' }).expect(400);
    assert.match(bad.text, /data-code="VALIDATION_FAILED"/);
    assert.equal(await status(), 'admitted');

    const ask = await formPost(t, `/exchange/admin/members/${m.id}/status`, adminCookie).send({ action: 'expel', reason: 'Resold leads' }).expect(200);
    assert.match(ask.text, /data-test="confirm-question"/);
    assert.match(ask.text, new RegExp(`action="/exchange/admin/members/${m.id}/expel"`));
    assert.equal(await status(), 'admitted', 'nothing done before confirming');
    await formPost(t, `/exchange/admin/members/${m.id}/expel`, adminCookie).send({ reason: 'Resold leads', confirm: 'yes' }).expect(303);
    assert.equal(await status(), 'expelled');
  });

  it('a refused deal-status change shows the desk again with that lead’s value and reason fields open', async () => {
    await addTags(t, admin, ['wms-notices']);
    const receiver = await member(t, admin, { tags: ['wms-notices'], capacity: 100 });
    const sender = await member(t, admin);
    const lead = await submitLead(t, sender.token, { tags: ['wms-notices'] });
    await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(receiver.token)).expect(200);
    const desk = await request(t.url).get('/exchange').set('cookie', cookie(receiver.token)).expect(200);
    assert.match(desk.text, /<details class="exchange-more" data-test="deal-details">/);
    const refused = await formPost(t, `/exchange/leads/${lead.id}/status`, cookie(receiver.token)).set('accept-language', 'en').send({ status: 'lost' }).expect((res) => assert.ok(res.status >= 400 && res.status < 500));
    assert.match(refused.text, /data-code="LOST_REASON_REQUIRED"/);
    assert.match(refused.text, /<details class="exchange-more" data-test="deal-details" open>/);
  });
});
