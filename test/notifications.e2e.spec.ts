import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { NotificationService } from '../src/mail/notifications.service';
import { FakeStripe } from './support/fake-stripe';
import { CommissionService } from '../src/commissions/commission.service';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { registerReferrer, staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let admin: string;
let billing: FakeStripeBilling;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('notifications', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  admin = await staffToken(t, Role.Admin);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

const kept = (to: string) => t.db.query(`SELECT * FROM mail_outbox WHERE kind = 'notification' AND to_address = $1 ORDER BY id`, [to]);

describe('referrer notification: a supplier signed up with your code', () => {
  it('is queued with the sign-up and delivered after commit through the mailer (the outbox without SMTP), with a link and a stop-this-kind footer', async () => {
    const r = await registerReferrer(t, { fullName: 'Nina Notify' });
    await signUpSupplier(t.url, { promoCode: r.code, companyName: 'Wholesale Nord' });
    assert.equal((await kept(r.email)).length, 0, 'nothing is sent inside the sign-up');
    assert.ok((await t.app.get(NotificationService).deliverDue()) >= 1);
    const [mail] = await kept(r.email);
    assert.ok(mail, 'the notification is in the outbox');
    assert.equal(mail.subject, 'A supplier signed up with your code: Wholesale Nord');
    assert.match(mail.html, /Hello, Nina Notify!/);
    assert.match(mail.html, /href="http:\/\/localhost:\d+\/cabinet\/earnings"/);
    assert.match(mail.text_body, /See my suppliers \(http:\/\/localhost:\d+\/cabinet\/earnings\)/);
    assert.match(mail.text_body, /Stop emails of this kind: http:\/\/localhost:\d+\/notifications\/unsubscribe\//);
    assert.match(mail.headers['List-Unsubscribe'], /^<http:\/\/localhost:\d+\/notifications\/unsubscribe\/[^>]+>$/);
    const [row] = await t.db.query(`SELECT status, delivery FROM notifications WHERE id = $1`, [mail.related.notificationId]);
    assert.deepEqual(row, { status: 'sent', delivery: 'outbox' });
    // The admin outbox lists it as a notification.
    const list = (await request(t.url).get('/api/outbox').query({ q: r.email }).set('authorization', `Bearer ${admin}`).expect(200)).body;
    assert.deepEqual(list.items.map((m: any) => m.kind), ['notification']);
    // Delivering again sends nothing more.
    await t.app.get(NotificationService).deliverDue();
    assert.equal((await kept(r.email)).length, 1);
  });

  it('stops that kind from the footer link: GET shows a page, POST turns it off; later sign-ups mail nothing', async () => {
    const r = await registerReferrer(t, { fullName: 'Oleg Optout' });
    await signUpSupplier(t.url, { promoCode: r.code, companyName: 'First Co' });
    await t.app.get(NotificationService).deliverDue();
    const [mail] = await kept(r.email);
    const path = new URL(/<([^>]+)>/.exec(mail.headers['List-Unsubscribe'])![1]).pathname;
    const page = await request(t.url).get(path).set('accept-language', 'ru').expect(200);
    assert.match(page.text, /Больше не присылать такие письма\?/);
    assert.match(page.text, /data-test="unsubscribe-button"/);
    assert.equal((await t.db.query(`SELECT count(*)::int AS n FROM notification_preferences WHERE enabled = false`))[0].n, 0, 'a GET changes nothing');
    const done = await request(t.url).post(path).type('form').send('List-Unsubscribe=One-Click').set('accept-language', 'en').expect(200);
    assert.match(done.text, /Done: you will no longer receive emails of this kind: a supplier signed up with your code\./);
    await request(t.url).post(path.slice(0, -3) + 'AAA').expect(404);
    await signUpSupplier(t.url, { promoCode: r.code, companyName: 'Second Co' });
    await t.app.get(NotificationService).deliverDue();
    assert.equal((await kept(r.email)).length, 1, 'no second email');
    const rows = await t.db.query(`SELECT n.status FROM notifications n JOIN referrers r ON r.user_id = n.user_id WHERE r.id = $1 ORDER BY n.id`, [r.id]);
    assert.deepEqual(rows.map((x: any) => x.status), ['sent', 'skipped']);
  });
});

describe('referrer notification: commission became available', () => {
  it('mails once per released commission, with the amount and the supplier, after the hold ends', async () => {
    const r = await registerReferrer(t, { fullName: 'Vera Wait' });
    await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1000 }).expect(200);
    const s = await signUpSupplier(t.url, { promoCode: r.code, companyName: 'Paying Foods' });
    const paid = billing.paidInvoice(s.customerId!, { total: 12_005, tax: 2_000, paidAt: Math.floor(Date.now() / 1000) - 3600 });
    await deliver(t.url, stripeEvent('invoice.paid', paid.invoice)).expect(200);
    await t.app.get(StripeInboxService).whenIdle();
    const notifier = t.app.get(NotificationService);
    await notifier.deliverDue();
    const available = async () => (await kept(r.email)).filter((m: any) => m.related.notificationKind === 'referrer.commission_available');
    assert.equal((await available()).length, 0, 'still on hold: nothing');
    assert.equal(await t.app.get(CommissionService).releaseDue(new Date(Date.now() + 31 * 86400_000)), 1);
    await notifier.deliverDue();
    await notifier.deliverDue();
    const mails = await available();
    assert.equal(mails.length, 1, 'exactly one email');
    assert.match(mails[0].subject, /^Commission available: RUB\u00a010\.01/, 'the amount in the reader\'s notation');
    assert.match(mails[0].html, /on the payment of Paying Foods is now available for payout/);
    assert.match(mails[0].text_body, /Open my earnings \(http:\/\/localhost:\d+\/cabinet\/earnings\)/);
    assert.match(mails[0].text_body, /Stop emails of this kind: http/);
  });
});
