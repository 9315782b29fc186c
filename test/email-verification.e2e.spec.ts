import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { NotificationService } from '../src/mail/notifications.service';
import { Role } from '../src/access/role';
import { nextPayout } from '../src/referrer-dashboard/next-payout';
import { registerReferrer, staffToken } from './support/fixtures';
import { formPost } from './support/browser-form';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

/** A self-registered referrer confirms the address by a link the cabinet's banner mails on asking. */
let t: TestApp;
let sink: SmtpSink;
beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startTestApp('email_verification', { env: { SMTP_URL: sink.url, JOBS_ENABLED: 'false', PAYOUT_EMAIL_VERIFICATION: 'required' } });
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

const session = (token: string) => `hs_session=${token}`;

async function linkFor(email: string, count: number): Promise<{ token: string; subject: string }> {
  await t.app.get(NotificationService).deliverDue();
  await sink.waitFor(count);
  const parsed = await sink.parse(sink.to(email).at(-1)!);
  const m = /\/verify-email\/([A-Za-z0-9_.-]+)/.exec(String(parsed.text));
  assert.ok(m, 'the mail carries a confirmation link');
  return { token: m[1], subject: String(parsed.subject) };
}

/** Presses the banner's button, as the person would. */
async function ask(token: string): Promise<void> {
  const res = await formPost(t, '/cabinet/verify-email', session(token)).expect(303);
  assert.equal(res.headers.location, '/cabinet?verify=sent');
}

it('the banner mails a link on asking (nothing at sign-up); the link page asks, the button confirms; the banner goes away', async () => {
  const before = sink.received.length;
  const r = await registerReferrer(t);
  await t.app.get(NotificationService).deliverDue();
  assert.equal(sink.to(r.email).length, 0, 'sign-up mails nothing');
  const [u] = await t.db.query(`SELECT email_verified_at FROM users WHERE email = $1`, [r.email]);
  assert.equal(u.email_verified_at, null, 'a self-registered referrer starts unconfirmed');

  const cabinet = await request(t.url).get('/cabinet?lang=ru').set('cookie', session(r.token)).expect(200);
  assert.match(cabinet.text, /data-test="verify-banner"/);
  assert.match(cabinet.text, /ещё не подтверждён/);
  assert.match(cabinet.text, /До подтверждения выплаты не отправляются/);
  await ask(r.token);
  const { token, subject } = await linkFor(r.email, before + 1);
  assert.match(subject, /Confirm your email address/);

  // Opening the link (as a mail scanner would) changes nothing.
  const page = await request(t.url).get(`/verify-email/${token}?lang=ru`).expect(200);
  assert.match(page.text, /data-test="verify-ask"/);
  assert.match(page.text, new RegExp(r.email.replace(/[.]/g, '\\.')));
  const [still] = await t.db.query(`SELECT email_verified_at FROM users WHERE email = $1`, [r.email]);
  assert.equal(still.email_verified_at, null);

  const done = await formPost(t, `/verify-email/${token}?lang=en`).expect(200);
  assert.match(done.text, /data-test="verify-done"/);
  assert.match(done.text, /is confirmed/);
  const [after] = await t.db.query(`SELECT email_verified_at FROM users WHERE email = $1`, [r.email]);
  assert.ok(after.email_verified_at);
  // Twice is harmless.
  await formPost(t, `/verify-email/${token}`).expect(200);

  const cabinetAfter = await request(t.url).get('/cabinet').set('cookie', session(r.token)).expect(200);
  assert.doesNotMatch(cabinetAfter.text, /data-test="verify-banner"/);
});

it('the dashboard names the unconfirmed address as what stops a payout (required mode)', async () => {
  const r = await registerReferrer(t);
  const blockers = async () => (await request(t.url).get('/api/referrers/me/dashboard').set('Authorization', `Bearer ${r.token}`).expect(200)).body.nextPayout;
  assert.equal((await blockers()).blockers.some((b: { kind: string }) => b.kind === 'email_unconfirmed'), false, 'nothing earned: nothing to block');
  const finance = await staffToken(t, Role.Finance);
  await request(t.url).post('/api/adjustments').set('Authorization', `Bearer ${finance}`).send({ referrerId: r.id, amount: '5000000', reason: 'Commission for an offline invoice', idempotencyKey: randomUUID() }).expect(201);
  const np = await blockers();
  assert.equal(np.state, 'blocked');
  assert.deepEqual(np.blockers.map((b: { kind: string }) => b.kind).filter((k: string) => k === 'email_unconfirmed'), ['email_unconfirmed']);
  const page = await request(t.url).get('/cabinet?lang=ru').set('cookie', session(r.token)).expect(200);
  assert.match(page.text, /data-kind="email_unconfirmed"/);
  assert.match(page.text, /Адрес почты ещё не подтверждён/);
  // The pure rule: the same money, confirmed, is ready.
  assert.equal(nextPayout({ available: 500_000n, pending: 0n }, 100_000n, true, [], 'RUB', true).state, 'blocked');
  assert.equal(nextPayout({ available: 500_000n, pending: 0n }, 100_000n, true, [], 'RUB', false).state, 'ready');
});

it('refuses a forged, expired or other-address link with a page in words, and writes nothing', async () => {
  const before = sink.received.length;
  const r = await registerReferrer(t);
  await ask(r.token);
  const { token } = await linkFor(r.email, before + 1);
  const [payload, mac] = token.split('.');
  for (const bad of [`${payload}.${mac.slice(0, -2)}xx`, 'not-a-token', `${payload}x.${mac}`]) {
    const page = await request(t.url).get(`/verify-email/${encodeURIComponent(bad)}?lang=ru`).expect(400);
    assert.match(page.text, /Ссылка для подтверждения недействительна/);
    await formPost(t, `/verify-email/${encodeURIComponent(bad)}`).expect(400);
  }
  // The account's address changed since the link was sent: the old link confirms nothing.
  await t.db.query(`UPDATE users SET email = 'changed-' || email WHERE email = $1`, [r.email]);
  await formPost(t, `/verify-email/${token}`).expect(400);
  const [u] = await t.db.query(`SELECT email_verified_at FROM users WHERE email = $1`, [`changed-${r.email}`]);
  assert.equal(u.email_verified_at, null);
});

it('asking again mails a fresh link, at most one in two minutes', async () => {
  const before = sink.received.length;
  const r = await registerReferrer(t);
  await ask(r.token);
  await linkFor(r.email, before + 1);
  // Asking again at once is throttled (no second mail); two minutes later it sends.
  await ask(r.token);
  await t.app.get(NotificationService).deliverDue();
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(sink.to(r.email).length, 1, 'throttled');
  await t.db.query(`UPDATE notifications SET created_at = now() - interval '3 minutes' WHERE kind = 'referrer.verify_email'`);
  await ask(r.token);
  const { token } = await linkFor(r.email, before + 2);
  const shown = await request(t.url).get('/cabinet?verify=sent&lang=en').set('cookie', session(r.token)).expect(200);
  assert.match(shown.text, /We sent a confirmation link to/);
  await formPost(t, `/verify-email/${token}`).expect(200);
  const again = await formPost(t, '/cabinet/verify-email', session(r.token)).expect(303);
  assert.equal(again.headers.location, '/cabinet?verify=done');
  // Staff accounts start confirmed.
  const [staff] = await t.db.query(`SELECT count(*)::int AS n FROM users WHERE role <> 'referrer' AND email_verified_at IS NULL`);
  assert.equal(staff.n, 0);
});
