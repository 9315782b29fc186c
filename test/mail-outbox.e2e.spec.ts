import { NotificationService } from '../src/mail/notifications.service';
import assert from 'node:assert/strict';
import { EmailTemplateService } from '../src/email-templates/email-template.service';
import request from 'supertest';
import { Role } from '../src/access/role';
import { CampaignSender } from '../src/campaigns/campaign-sender';
import { PayoutMailer } from '../src/payouts/payout-mailer';
import { createAudience, createCampaign, csvOf } from './support/campaign-fixtures';
import { registerReferrer, staffToken } from './support/fixtures';
import { linksOf, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const HUMAN = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';
// Passport strategies are process-wide: both apps share the JWT secret.
const COMMON = { JOBS_ENABLED: 'false', MAIL_RATE_PER_SECOND: '1000', JWT_SECRET: 'm'.repeat(40) };

/** The app without SMTP_URL (mail goes to the outbox) and one with a real SMTP server. */
let t: TestApp;
let withSmtp: TestApp;
let sink: SmtpSink;
let marketer: string;
let admin: string;
let smtpMarketer: string;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const outboxCount = async (app: TestApp) => Number((await app.db.query(`SELECT count(*)::int AS n FROM mail_outbox`))[0].n);

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startTestApp('outbox', { env: COMMON });
  // A second instance on the same database, configured with SMTP (passport strategies are process-wide).
  withSmtp = await startTestApp('outbox_smtp', { databaseUrl: t.databaseUrl, env: { ...COMMON, SMTP_URL: sink.url } });
  marketer = await staffToken(t, Role.Marketer);
  admin = await staffToken(t, Role.Admin);
  smtpMarketer = marketer;
});
afterAll(async () => {
  await withSmtp.close();
  await t.close();
  await sink.stop();
});

describe('without SMTP_URL every email lands in the outbox, and nothing says "sent"', () => {
  it('shows an empty outbox with its empty state', async () => {
    const api = await request(t.url).get('/api/outbox').set(bearer(admin)).expect(200);
    assert.deepEqual({ total: api.body.total, items: api.body.items, delivery: api.body.delivery }, { total: 0, items: [], delivery: 'outbox' });
    const page = await request(t.url).get('/admin/outbox').set(bearer(admin)).set('accept-language', 'en').expect(200);
    assert.match(page.text, /No messages yet\. Emails the product sends while no SMTP server is configured appear here\./);
    assert.equal((page.text.match(/<h1/g) ?? []).length, 1);
    const ru = await request(t.url).get('/admin/outbox?lang=ru').set(bearer(admin)).expect(200);
    assert.match(ru.text, /Писем пока нет/);
  });

  it('keeps a template test send in the outbox, complete, and the API and page say so', async () => {
    const { id } = await createAudience(t, marketer, 'outbox-test', csvOf([['olga@shop.example', 'Olga Smirnova', 'Shop One']]));
    const c = await createCampaign(t, marketer, id);
    const res = await request(t.url).post(`/api/campaigns/${c.id}/test`).set(bearer(marketer)).send({ to: 'marketer@handshake.example' }).expect(200);
    assert.equal(res.body.delivery, 'outbox');
    assert.equal(res.body.loggedOnly, undefined);
    const [row] = await t.db.query(`SELECT * FROM mail_outbox WHERE to_address = 'marketer@handshake.example'`);
    assert.equal(row.kind, 'test');
    assert.match(row.subject, /^\[TEST\] Olga, earn with your suppliers$/);
    assert.match(row.html, /<a class="button" href="[^"]+" style="[^"]*background/, 'CSS inlined');
    assert.match(row.text_body, /Become a referrer \(http:\/\/localhost:\d+\/t\/c\//);
    assert.match(row.headers['List-Unsubscribe'], /^<http:\/\/localhost:\d+\/unsubscribe\/[^>]+>$/);
    assert.equal(row.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
    assert.equal(row.headers.To, 'marketer@handshake.example');
    assert.equal(row.message_id, res.body.messageId);

    // The page: the form posts, the notice says "kept in the outbox", not "sent".
    const posted = await request(t.url).post(`/console/campaigns/${c.id}/test`).set(bearer(marketer)).type('form').send({ to: 'second@handshake.example' }).expect(303);
    assert.match(posted.headers.location, /delivery=outbox/);
    const page = await request(t.url).get(posted.headers.location).set(bearer(marketer)).set('accept-language', 'en').expect(200);
    assert.match(page.text, /Test message for second@handshake\.example kept in the outbox: no SMTP server configured\./);
    assert.doesNotMatch(page.text, /Test message sent/);
    const ru = await request(t.url).get(posted.headers.location + '&lang=ru').set(bearer(marketer)).expect(200);
    assert.match(ru.text, /сохранено в исходящих: SMTP-сервер не настроен/);
  });

  it('keeps every campaign message in the outbox, marks the recipients done, and the stored links track opens and clicks', async () => {
    const rows: [string, string, string][] = Array.from({ length: 12 }, (_, i) => [`kept${i}@retail.example`, `Kept ${i}`, `Retail ${i}`]);
    const { id } = await createAudience(t, marketer, 'outbox-campaign', csvOf(rows));
    const c = await createCampaign(t, marketer, id, { name: 'Outbox campaign' });
    const started = await request(t.url).post(`/api/campaigns/${c.id}/schedule`).set(bearer(marketer)).send({}).expect(200);
    assert.equal(started.body.delivery, 'outbox');
    await t.app.get(CampaignSender).drain();
    const done = (await request(t.url).get(`/api/campaigns/${c.id}`).set(bearer(marketer)).expect(200)).body;
    assert.equal(done.status, 'sent');
    assert.deepEqual({ listed: done.progress.listed, sent: done.progress.sent, remaining: done.progress.remaining, outboxed: done.outboxed }, { listed: 12, sent: 12, remaining: 0, outboxed: 12 });
    const kept = await t.db.query(`SELECT * FROM mail_outbox WHERE kind = 'campaign' AND related->>'campaignId' = $1 ORDER BY id`, [c.id]);
    assert.equal(kept.length, 12);
    assert.deepEqual(kept.map((k: any) => k.to_address).sort(), rows.map((r) => r[0]).sort());
    const sends = await t.db.query(`SELECT id::text AS id, status, message_id FROM campaign_sends WHERE campaign_id = $1`, [c.id]);
    for (const s of sends) {
      assert.equal(s.status, 'sent');
      assert.ok(kept.some((k: any) => k.message_id === s.message_id && k.related.sendId === s.id), `send ${s.id} has its outbox copy`);
    }
    const k3 = kept.find((k: any) => k.to_address === 'kept3@retail.example');
    assert.match(k3.text_body, /Retail 3/);
    assert.match(k3.headers['List-Unsubscribe'], /\/unsubscribe\//);
    // The funnel works from the stored HTML exactly as from a delivered message.
    await t.db.query(`UPDATE campaign_sends SET sent_at = sent_at - interval '1 minute' WHERE campaign_id = $1`, [c.id]);
    const links = linksOf(k3.html);
    assert.ok(links.pixel && links.unsubscribe && links.clicks.length === 2);
    await request(t.url).get(new URL(links.pixel).pathname).set('user-agent', HUMAN).expect(200);
    await request(t.url).get(new URL(links.clicks[0]).pathname).set('user-agent', HUMAN).expect(302);
    const f = (await request(t.url).get(`/api/campaigns/${c.id}/funnel`).set(bearer(marketer)).expect(200)).body;
    assert.equal(f.figures.sent, 12);
    assert.equal(f.figures.openedHuman, 1);
    assert.equal(f.figures.clickedHuman, 1);
    // The campaign page says where the messages are.
    const page = await request(t.url).get(`/console/campaigns/${c.id}`).set(bearer(marketer)).set('accept-language', 'en').expect(200);
    assert.match(page.text, /data-test="outboxed"[^>]*>Messages of this campaign are kept in the outbox: no SMTP server configured\. In the outbox: 12\./);
  });

  it('keeps a payout email in the outbox, in the layout with a text part', async () => {
    const r = await registerReferrer(t, { fullName: 'Pavel Payee' });
    const delivery = await queuePayout(t, { id: '900001', referrerId: r.id, amount: 230_050n, currency: 'RUB', method: 'bank_transfer' });
    assert.equal(delivery, 'outbox');
    const [row] = await t.db.query(`SELECT * FROM mail_outbox WHERE kind = 'payout' AND to_address = $1`, [r.email]);
    assert.ok(row, 'the payout mail is in the outbox');
    assert.match(row.subject, /^Payout sent: /);
    assert.match(row.html, /Hello, Pavel Payee!/);
    assert.match(row.html, /class="footer"/);
    assert.match(row.text_body, /Open my earnings \(http:\/\/localhost:\d+\/cabinet\/earnings\)/);
    assert.equal(row.headers['X-Handshake-Payout-Item'], '900001');
    assert.equal(row.related.payoutItemId, '900001');
    assert.equal(row.related.referrerId, r.id);
  });

  it('lists the outbox for admins only: newest first, paginated, searchable; a message page with HTML, text and headers', async () => {
    const all = (await request(t.url).get('/api/outbox').set(bearer(admin)).expect(200)).body;
    assert.equal(all.total, 12 + 2 + 1);
    assert.equal(all.items[0].kind, 'payout', 'newest first: ' + JSON.stringify(all.items.slice(0, 3).map((m: any) => [m.id, m.kind])));
    const ids = all.items.map((m: any) => Number(m.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    const page2 = (await request(t.url).get('/api/outbox?perPage=10&page=2').set(bearer(admin)).expect(200)).body;
    assert.deepEqual(page2.items.map((m: any) => m.id), all.items.slice(10, 20).map((m: any) => m.id));
    const found = (await request(t.url).get('/api/outbox?q=KEPT7@').set(bearer(admin)).expect(200)).body;
    assert.deepEqual(found.items.map((m: any) => m.to), ['kept7@retail.example']);
    const bySubject = (await request(t.url).get('/api/outbox').query({ q: '[test]' }).set(bearer(admin)).expect(200)).body;
    assert.equal(bySubject.total, 2);
    const none = (await request(t.url).get('/api/outbox').query({ q: '100%_' }).set(bearer(admin)).expect(200)).body;
    assert.equal(none.total, 0);
    await request(t.url).get('/api/outbox?page=0').set(bearer(admin)).expect(400);

    const one = (await request(t.url).get(`/api/outbox/${found.items[0].id}`).set(bearer(admin)).expect(200)).body;
    assert.match(one.html, /Hello Kept,/);
    assert.match(one.text, /Retail 7/);
    assert.match(one.headers['List-Unsubscribe'], /unsubscribe/);
    await request(t.url).get('/api/outbox/999999').set(bearer(admin)).expect(404);
    await request(t.url).get('/api/outbox/abc').set(bearer(admin)).expect(404);

    const list = await request(t.url).get('/admin/outbox').set(bearer(admin)).set('accept-language', 'en').expect(200);
    assert.equal((list.text.match(/data-test="outbox-row"/g) ?? []).length, 15);
    assert.match(list.text, /kept7@retail\.example/);
    assert.match(list.text, /data-label="Subject"/);
    const searched = await request(t.url).get('/admin/outbox?q=kept7').set(bearer(admin)).expect(200);
    assert.equal((searched.text.match(/data-test="outbox-row"/g) ?? []).length, 1);
    const nothing = await request(t.url).get('/admin/outbox?q=nobody-here').set(bearer(admin)).set('accept-language', 'en').expect(200);
    assert.match(nothing.text, /No message matches “nobody-here”/);

    const show = await request(t.url).get(`/admin/outbox/${one.id}`).set(bearer(admin)).set('accept-language', 'en').expect(200);
    assert.match(show.text, /<iframe[^>]*sandbox=""[^>]*src="\/admin\/outbox\/\d+\/html"/);
    assert.match(show.text, /data-test="outbox-text">[^<]*Retail 7/);
    assert.match(show.text, /List-Unsubscribe/);
    const html = await request(t.url).get(`/admin/outbox/${one.id}/html`).set(bearer(admin)).expect(200);
    assert.match(html.headers['content-security-policy'], /^sandbox; default-src 'none'/);
    assert.match(html.text, /Hello Kept,/);

    for (const role of [Role.Marketer, Role.Finance]) {
      const token = role === Role.Marketer ? marketer : await staffToken(t, role);
      await request(t.url).get('/api/outbox').set(bearer(token)).expect(403);
      await request(t.url).get(`/api/outbox/${one.id}`).set(bearer(token)).expect(403);
      await request(t.url).get('/admin/outbox').set(bearer(token)).expect(403);
      await request(t.url).get(`/admin/outbox/${one.id}/html`).set(bearer(token)).expect(403);
    }
    const referrer = await registerReferrer(t);
    await request(t.url).get('/api/outbox').set(bearer(referrer.token)).expect(403);
    await request(t.url).get('/api/outbox').expect(401);
  });
});

describe('scheduling', () => {
  it('refuses a schedule time in the past with SCHEDULE_IN_PAST and leaves the draft as it was', async () => {
    const { id } = await createAudience(t, marketer, 'past-audience', csvOf([['past@retail.example', 'P', 'P']]));
    const c = await createCampaign(t, marketer, id);
    const at = new Date(Date.now() - 60_000).toISOString();
    const res = await request(t.url).post(`/api/campaigns/${c.id}/schedule`).set(bearer(marketer)).send({ at }).expect(422);
    assert.equal(res.body.error.code, 'SCHEDULE_IN_PAST');
    const after = (await request(t.url).get(`/api/campaigns/${c.id}`).set(bearer(marketer)).expect(200)).body;
    assert.deepEqual({ status: after.status, listed: after.progress.listed }, { status: 'draft', listed: 0 });
    const later = await request(t.url).post(`/api/campaigns/${c.id}/schedule`).set(bearer(marketer)).send({ at: new Date(Date.now() + 3600_000).toISOString() }).expect(200);
    assert.equal(later.body.status, 'scheduled');
  });
});

describe('the program name is the brand of emails', () => {
  it('accepts a trimmed name of 1–80 characters and refuses others', async () => {
    for (const bad of ['   ', 'x'.repeat(81), 'Bad\u0000Name', 'Tab\tName']) {
      const res = await request(t.url).patch('/api/program').set(bearer(admin)).send({ name: bad }).expect(400);
      // A NUL is refused for every text field of every request before any handler (VALIDATION_FAILED).
      assert.equal(res.body.error.code, bad.includes('\u0000') ? 'VALIDATION_FAILED' : 'PROGRAM_NAME_INVALID', JSON.stringify(bad));
    }
    await request(t.url).patch('/api/program').set(bearer(marketer)).send({ name: 'Nope' }).expect(403);
    assert.equal((await request(t.url).get('/api/program').expect(200)).body.name, 'Handshake');
    const ok = await request(t.url).patch('/api/program').set(bearer(admin)).send({ name: '  Партнёрский клуб Север  ' }).expect(200);
    assert.equal(ok.body.name, 'Партнёрский клуб Север');
    assert.equal((await request(t.url).get('/api/program').expect(200)).body.name, 'Партнёрский клуб Север');
  });

  it('puts the name in the footer and signature of campaign and payout emails, in the recipient\'s language', async () => {
    const { id } = await createAudience(t, marketer, 'brand-audience', 'email,name,company,lang\nen@retail.example,Ed,E,en\nru@retail.example,Иван,И,ru-RU\n');
    const c = await createCampaign(t, marketer, id, { name: 'Brand' });
    await request(t.url).post(`/api/campaigns/${c.id}/schedule`).set(bearer(marketer)).send({}).expect(200);
    await t.app.get(CampaignSender).drain();
    const [en] = await t.db.query(`SELECT html, text_body FROM mail_outbox WHERE to_address = 'en@retail.example'`);
    assert.match(en.html, /class="footer"[\s\S]*on the partner list of Партнёрский клуб Север/);
    assert.match(en.html, /— The Партнёрский клуб Север partner team/);
    assert.match(en.text_body, /on the partner list of Партнёрский клуб Север\.\nUnsubscribe: http/);
    assert.doesNotMatch(en.html, /Handshake/);
    const [ru] = await t.db.query(`SELECT html, text_body FROM mail_outbox WHERE to_address = 'ru@retail.example'`);
    assert.match(ru.html, /<html lang="ru"/);
    assert.match(ru.html, /в партнёрском списке Партнёрский клуб Север/);
    assert.match(ru.text_body, /Отписаться: http/);
    const r = await registerReferrer(t);
    await queuePayout(t, { id: '900002', referrerId: r.id, amount: 100_000n, currency: 'RUB', method: 'stripe_connect' }, 'ru');
    const [payout] = await t.db.query(`SELECT subject, html, text_body FROM mail_outbox WHERE kind = 'payout' AND to_address = $1`, [r.email]);
    assert.match(payout.subject, /^Выплата отправлена: /);
    assert.match(payout.html, /участник партнёрской программы Партнёрский клуб Север/);
    assert.match(payout.text_body, /Партнёрский клуб Север/);
    assert.doesNotMatch(payout.html + payout.text_body, /Handshake/);
  });
});

describe('with SMTP_URL set (another instance on the same database), mail goes over SMTP and not to the outbox', () => {
  it('sends a test message, a campaign and a payout email over SMTP; the outbox stays empty', async () => {
    const keptBefore = await outboxCount(withSmtp);
    const { id } = await createAudience(withSmtp, smtpMarketer, 'smtp-audience', csvOf([['s1@retail.example', 'S One', 'S'], ['s2@retail.example', 'S Two', 'S']]));
    const c = await createCampaign(withSmtp, smtpMarketer, id);
    const test = await request(withSmtp.url).post(`/api/campaigns/${c.id}/test`).set(bearer(smtpMarketer)).send({ to: 'smtp-test@handshake.example' }).expect(200);
    assert.equal(test.body.delivery, 'smtp');
    const started = await request(withSmtp.url).post(`/api/campaigns/${c.id}/schedule`).set(bearer(smtpMarketer)).send({}).expect(200);
    assert.equal(started.body.delivery, 'smtp');
    await withSmtp.app.get(CampaignSender).drain();
    const done = (await request(withSmtp.url).get(`/api/campaigns/${c.id}`).set(bearer(smtpMarketer)).expect(200)).body;
    assert.deepEqual({ status: done.status, sent: done.progress.sent, outboxed: done.outboxed }, { status: 'sent', sent: 2, outboxed: 0 });
    const r = await registerReferrer(withSmtp);
    assert.equal(await queuePayout(withSmtp, { id: '1', referrerId: r.id, amount: 100_000n, currency: 'RUB', method: 'stripe_connect' }), 'smtp');
    await sink.waitFor(4);
    for (const to of ['smtp-test@handshake.example', 's1@retail.example', 's2@retail.example', r.email]) assert.equal(sink.to(to).length, 1, to);
    const payout = await sink.parse(sink.to(r.email)[0]);
    // The brand this instance renders with (a rename on the other instance reaches it within 15 s).
    const brand = withSmtp.app.get(EmailTemplateService).brand;
    assert.ok(brand.length > 0);
    assert.ok((payout.text ?? '').includes(brand));
    assert.equal(await outboxCount(withSmtp), keptBefore, 'nothing more in the outbox');
    const page = await request(withSmtp.url).post(`/console/campaigns/${c.id}/test`).set(bearer(smtpMarketer)).type('form').send({ to: 'again@handshake.example' }).expect(303);
    assert.match(page.headers.location, /delivery=smtp/);
    const shown = await request(withSmtp.url).get(page.headers.location).set(bearer(smtpMarketer)).set('accept-language', 'en').expect(200);
    assert.match(shown.text, /Test message sent to again@handshake\.example\./);
    assert.doesNotMatch(shown.text, /data-test="outboxed"/);
  });
});

/** A payout item settled: its notification is queued as settle() does, then the payout mailer delivers it. */
async function queuePayout(app: TestApp, item: { id: string; referrerId: string; amount: bigint; currency: string; method: string }, locale?: 'ru' | 'en') {
  if (locale) await app.db.query(`UPDATE users SET locale = $2 WHERE id = (SELECT user_id FROM referrers WHERE id = $1)`, [item.referrerId, locale]);
  await app.app.get(NotificationService).notify(
    app.db.manager,
    'referrer.payout_sent',
    { referrerId: item.referrerId },
    { referrerId: item.referrerId, payoutItemId: item.id, amount: item.amount.toString(), currency: item.currency, method: item.method },
    { dedupeKey: `payout-sent:${item.id}` },
  );
  return app.app.get(PayoutMailer).payoutSent({ id: item.id });
}
