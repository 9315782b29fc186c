import assert from 'node:assert/strict';
import request from 'supertest';
import { PASSWORD, registerReferrer, uniqueEmail } from './support/fixtures';
import { formPost } from './support/browser-form';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let sink: SmtpSink;
beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startTestApp('password_reset', { env: { SMTP_URL: sink.url, JOBS_ENABLED: 'false' } });
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

const NEW = 'marble-kettle-sunrise-48';
const me = (token: string) => request(t.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`);

async function linkTokenFor(email: string, count: number): Promise<string> {
  await sink.waitFor(count);
  const mail = sink.to(email).at(-1)!;
  const parsed = await sink.parse(mail);
  const m = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(String(parsed.text));
  assert.ok(m, 'the mail carries a reset link');
  return m[1];
}

it('answers the same whether or not the address has an account, and mails only real ones', async () => {
  const r = await registerReferrer(t);
  const before = sink.received.length;
  const known = await request(t.url).post('/api/auth/password-reset').send({ email: r.email }).expect(202);
  const unknown = await request(t.url).post('/api/auth/password-reset').send({ email: uniqueEmail('nobody') }).expect(202);
  assert.deepEqual(known.body, unknown.body);
  await sink.waitFor(before + 1);
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(sink.received.length, before + 1);
  assert.equal(sink.to(r.email).length, 1);
});

it('the link sets a new password once, ends every session, and expires', async () => {
  const r = await registerReferrer(t);
  const other = (await request(t.url).post('/api/auth/login').send({ email: r.email, password: PASSWORD }).expect(200)).body.accessToken;
  let before = sink.received.length;
  await request(t.url).post('/api/auth/password-reset').set('Accept-Language', 'ru').send({ email: r.email }).expect(202);
  const token = await linkTokenFor(r.email, before + 1);
  const parsed = await sink.parse(sink.to(r.email).at(-1)!);
  assert.match(String(parsed.subject), /Сброс пароля/);

  const weak = await request(t.url).post('/api/auth/password-reset/confirm').send({ token, newPassword: 'Password12' }).expect(400);
  assert.equal(weak.body.error.code, 'WEAK_PASSWORD');
  await request(t.url).post('/api/auth/password-reset/confirm').send({ token, newPassword: NEW }).expect(204);
  await me(r.token).expect(401);
  await me(other).expect(401);
  await request(t.url).post('/api/auth/login').send({ email: r.email, password: PASSWORD }).expect(401);
  await request(t.url).post('/api/auth/login').send({ email: r.email, password: NEW }).expect(200);

  const again = await request(t.url).post('/api/auth/password-reset/confirm').send({ token, newPassword: 'another-quiet-harbor-19' }).expect(400);
  assert.equal(again.body.error.code, 'RESET_TOKEN_INVALID');

  // A link older than an hour is refused.
  before = sink.received.length;
  await request(t.url).post('/api/auth/password-reset').send({ email: r.email }).expect(202);
  const late = await linkTokenFor(r.email, before + 1);
  await t.db.query(`UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
  await request(t.url).post('/api/auth/password-reset/confirm').send({ token: late, newPassword: 'another-quiet-harbor-19' }).expect(400);
  await request(t.url).post('/api/auth/password-reset/confirm').send({ token: 'made-up-token', newPassword: 'another-quiet-harbor-19' }).expect(400);
  const [row] = await t.db.query(`SELECT count(*) AS n FROM password_resets WHERE token_hash = convert_to($1, 'UTF8')`, [late]);
  assert.equal(Number(row.n), 0, 'tokens are stored hashed');
});

it('the reset pages: ask for a link, open it, set the password (ru and en)', async () => {
  const r = await registerReferrer(t);
  const ask = await request(t.url).get('/reset-password?lang=ru').expect(200);
  assert.match(ask.text, /data-test="reset-request-form"/);
  assert.match(ask.text, /Сброс пароля/);
  const before = sink.received.length;
  const sent = await formPost(t, '/reset-password').send({ email: r.email }).expect(200);
  assert.match(sent.text, /reset link is on its way/);
  const token = await linkTokenFor(r.email, before + 1);
  const open = await request(t.url).get(`/reset-password?token=${token}`).expect(200);
  assert.match(open.text, /data-test="reset-confirm-form"/);
  assert.ok(open.text.includes(`value="${token}"`));
  const weak = await formPost(t, '/reset-password/confirm').send({ token, newPassword: 'qwerty1234' }).expect(400);
  assert.match(weak.text, /data-code="WEAK_PASSWORD"/);
  const done = await formPost(t, '/reset-password/confirm').send({ token, newPassword: NEW }).expect(200);
  assert.match(done.text, /Password changed/);
  await me(r.token).expect(401);
  await request(t.url).post('/api/auth/login').send({ email: r.email, password: NEW }).expect(200);
  const used = await formPost(t, '/reset-password/confirm').send({ token, newPassword: 'another-quiet-harbor-19' }).expect(400);
  assert.match(used.text, /data-code="RESET_TOKEN_INVALID"/);
});
