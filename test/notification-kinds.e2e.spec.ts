import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { NotificationService } from '../src/mail/notifications.service';
import { formPost } from './support/browser-form';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, signUpSupplier } from './support/fake-stripe-billing';
import { registerReferrer, staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let notifier: NotificationService;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  t = await startTestApp('notification_kinds', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  notifier = t.app.get(NotificationService);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

const kept = (to: string) => t.db.query(`SELECT * FROM mail_outbox WHERE to_address = $1 ORDER BY id`, [to]);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const userOf = async (referrerId: string) => (await t.db.query(`SELECT user_id FROM referrers WHERE id = $1`, [referrerId]))[0].user_id as string;

describe('the reader’s language', () => {
  it('is set from the page language at registration and first login, and every notification is rendered in it', async () => {
    const email = `ru-${Date.now()}@retail.example`;
    await request(t.url)
      .post('/api/referrers')
      .set('accept-language', 'ru-RU,ru;q=0.9')
      .send({ email, password: 'Quiet-Lantern-Orbit-57', fullName: 'Ирина Петрова', companyName: 'Ритейл', acceptedOfferVersion: 1 })
      .expect(201);
    assert.equal((await t.db.query(`SELECT locale FROM users WHERE email = $1`, [email]))[0].locale, 'ru');
    const [{ id: referrerId }] = await t.db.query(`SELECT r.id FROM referrers r JOIN users u ON u.id = r.user_id WHERE u.email = $1`, [email]);
    const code = (await t.db.query(`SELECT code FROM promo_codes WHERE referrer_id = $1`, [referrerId]))[0]?.code;
    await signUpSupplier(t.url, { promoCode: code, companyName: 'Опт Север' });
    await notifier.deliverDue();
    const [mail] = await kept(email);
    assert.equal(mail.subject, 'По вашему коду зарегистрировался поставщик: Опт Север');
    assert.match(mail.html, /<html lang="ru"/);
    assert.match(mail.html, /Здравствуйте, Ирина Петрова!/);
    assert.match(mail.text_body, /Настройки уведомлений: http:\/\/localhost:\d+\/account\/notifications/);
    assert.doesNotMatch(mail.text_body, /Hello|Stop emails/);

    // A staff account created without a page language learns it at first login.
    const staffEmail = `fin-${Date.now()}@handshake.example`;
    await staffToken(t, Role.Finance, staffEmail);
    await t.db.query(`UPDATE users SET locale = NULL WHERE email = $1`, [staffEmail]);
    await request(t.url).post('/api/auth/login').set('accept-language', 'ru').send({ email: staffEmail, password: 'Quiet-Lantern-Orbit-57' }).expect(200);
    assert.equal((await t.db.query(`SELECT locale FROM users WHERE email = $1`, [staffEmail]))[0].locale, 'ru');
    await request(t.url).post('/api/auth/login').set('accept-language', 'en').send({ email: staffEmail, password: 'Quiet-Lantern-Orbit-57' }).expect(200);
    assert.equal((await t.db.query(`SELECT locale FROM users WHERE email = $1`, [staffEmail]))[0].locale, 'ru', 'a later login does not change it');
  });

  it('the password-reset mail is in the person’s language, in the layout with a footer', async () => {
    const r = await registerReferrer(t);
    await request(t.url).put('/api/account/notifications').set(bearer(r.token)).send({ locale: 'ru' }).expect(200);
    await request(t.url).post('/api/auth/password-reset').set('accept-language', 'en').send({ email: r.email }).expect((res) => assert.ok(res.status < 300));
    for (let i = 0; i < 40 && (await kept(r.email)).length === 0; i++) await new Promise((ok) => setTimeout(ok, 50));
    const [mail] = await kept(r.email);
    assert.match(mail.subject, /^Сброс пароля /);
    assert.equal(mail.kind, 'password_reset');
    assert.match(mail.html, /class="footer"/);
    assert.match(mail.text_body, /reset-password\?token=/);
  });
});

describe('who gets what', () => {
  it('finance: a batch awaiting approval goes to finance users other than its creator', async () => {
    const creatorEmail = `creator-${Date.now()}@handshake.example`;
    const creator = await staffToken(t, Role.Finance, creatorEmail);
    const other = `approver-${Date.now()}@handshake.example`;
    await staffToken(t, Role.Finance, other);
    const me = (await request(t.url).get('/api/account/notifications').set(bearer(creator)).expect(200)).body;
    assert.deepEqual(me.kinds.map((k: any) => k.kind), ['finance.batch_awaits_approval', 'finance.execution_failed']);
    const [{ id: creatorId }] = await t.db.query(`SELECT id FROM users WHERE email = $1`, [creatorEmail]);
    const [batch] = await t.db.query(`INSERT INTO payout_batches (currency, status, item_count, total, created_by) VALUES ('RUB', 'created', 2, 150000, $1) RETURNING id`, [creatorId]);
    await t.db.transaction((m) => notifier.notify(m, 'finance.batch_awaits_approval', { role: Role.Finance, except: creatorId }, { batchId: batch.id }, { dedupeKey: `batch-created:${batch.id}` }));
    await notifier.deliverDue();
    const [mail] = await kept(other);
    assert.match(mail.subject, /^A payout batch awaits your approval: RUB\u00a01,500\.00$/);
    assert.match(mail.html, new RegExp(`href="http://localhost:\\d+/finance/payouts/batches/${batch.id}"`));
    assert.equal((await kept(creatorEmail)).length, 0, 'not to its creator');
  });

  it('nothing is sent for a fact whose transaction rolled back', async () => {
    const r = await registerReferrer(t);
    await assert.rejects(
      t.db.transaction(async (m) => {
        await notifier.notify(m, 'referrer.supplier_signed_up', { referrerId: r.id }, { referrerId: r.id, supplierId: null });
        throw new Error('the fact fails');
      }),
    );
    await notifier.deliverDue();
    assert.equal((await kept(r.email)).length, 0);
    assert.equal((await t.db.query(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1`, [await userOf(r.id)]))[0].n, 0);
  });

  it('admin: failing webhooks mail at most once an hour', async () => {
    const admin = `adm-${Date.now()}@handshake.example`;
    await staffToken(t, Role.Admin, admin);
    for (let i = 0; i < 3; i++) await notifier.notify(t.db.manager, 'admin.webhook_failing', { role: Role.Admin }, { eventId: `evt_${i}`, type: 'invoice.paid', status: 'failed' });
    await notifier.deliverDue();
    const mails = await kept(admin);
    assert.equal(mails.length, 1);
    assert.equal(mails[0].subject, 'Stripe webhook events are failing');
  });
});

describe('settings', () => {
  it('the page turns a kind off and the language to Russian; the footer link turns off that kind only', async () => {
    const r = await registerReferrer(t);
    const page = await request(t.url).get('/account/notifications').set(bearer(r.token)).set('accept-language', 'en').expect(200);
    assert.match(page.text, /<label for="kind-referrer-supplier-signed-up">a supplier signed up with your code<\/label>/);
    assert.match(page.text, /checked disabled data-test="referrer.payout_failed"/);
    const cookie = `hs_session=${r.token}`;
    const form: Record<string, string> = { locale: 'ru' };
    for (const k of ['supplier_signed_up', 'commission_available', 'payout_sent', 'balance_negative']) form[`kind_referrer.${k}`] = 'on';
    const saved = await formPost(t, '/account/notifications', cookie).send(form).expect(303);
    assert.equal(saved.headers.location, '/account/notifications?saved=1');
    let s = (await request(t.url).get('/api/account/notifications').set(bearer(r.token)).expect(200)).body;
    assert.equal(s.locale, 'ru');
    const on = (kind: string) => s.kinds.find((k: any) => k.kind === kind).enabled;
    assert.equal(on('referrer.supplier_converted'), false, 'unticked: off');
    assert.equal(on('referrer.supplier_signed_up'), true);
    assert.equal(on('referrer.payout_failed'), true, 'required stays on');
    // Footer link of one kind.
    await signUpSupplier(t.url, { promoCode: r.code, companyName: 'Footer Co' });
    await notifier.deliverDue();
    const [mail] = await kept(r.email);
    const path = new URL(/<([^>]+)>/.exec(mail.headers['List-Unsubscribe'])![1]).pathname;
    await formPost(t, path).expect(200);
    s = (await request(t.url).get('/api/account/notifications').set(bearer(r.token)).expect(200)).body;
    assert.equal(on('referrer.supplier_signed_up'), false);
    assert.equal(on('referrer.commission_available'), true, 'other kinds untouched');
    await signUpSupplier(t.url, { promoCode: r.code, companyName: 'Second Footer Co' });
    await notifier.deliverDue();
    assert.equal((await kept(r.email)).length, 1, 'opted out: nothing more');
  });
});
