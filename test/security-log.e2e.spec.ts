import assert from 'node:assert/strict';
import { generate } from 'otplib';
import request from 'supertest';
import { Role } from '../src/access/role';
import { PASSWORD, registerReferrer, staffToken, uniqueEmail } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

/** Sign-ins, failures, lockouts, password, two-factor and staff changes reach the admin's security log. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('security_log', { env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' } });
});
afterAll(() => t?.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const codeAt = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });
const kinds = async (email: string): Promise<string[]> =>
  (await t.db.query(`SELECT kind FROM security_events WHERE email = $1 ORDER BY id`, [email])).map((r: { kind: string }) => r.kind);

it('records a failed and a good sign-in, one lockout (not one per refused attempt), a password change and two-factor on and off', async () => {
  const r = await registerReferrer(t);
  await request(t.url).post('/api/auth/login').send({ email: r.email, password: 'wrong-password-123' }).expect(401);
  const ok = await request(t.url).post('/api/auth/login').send({ email: r.email, password: PASSWORD }).expect(200);
  const token = ok.body.accessToken as string;
  const setup = await request(t.url).post('/api/auth/two-factor/setup').set(auth(token)).expect(200);
  await request(t.url).post('/api/auth/two-factor/confirm').set(auth(token)).send({ code: await codeAt(setup.body.secret) }).expect(200);
  await request(t.url).post('/api/auth/two-factor/disable').set(auth(token)).send({ code: await codeAt(setup.body.secret, 30) }).expect((res) => assert.ok(res.status < 300, String(res.status)));
  await request(t.url).post('/api/auth/password').set(auth(token)).send({ currentPassword: PASSWORD, newPassword: 'harbor-velvet-copper-92' }).expect((res) => assert.ok(res.status < 300, String(res.status)));
  for (let i = 0; i < 5; i++) await request(t.url).post('/api/auth/login').send({ email: r.email, password: 'wrong-password-123' });
  assert.deepEqual(await kinds(r.email), ['sign_in_failed', 'sign_in', 'two_factor_enabled', 'two_factor_disabled', 'password_changed', 'sign_in_failed', 'sign_in_failed', 'sign_in_failed', 'locked_out']);
  // An address nobody has is recorded as typed, with no account.
  const nobody = uniqueEmail('nobody');
  await request(t.url).post('/api/auth/login').send({ email: nobody, password: 'whatever-password-1' }).expect(401);
  const [row] = await t.db.query(`SELECT kind, user_id, ip FROM security_events WHERE email = $1`, [nobody]);
  assert.equal(row.kind, 'sign_in_failed');
  assert.equal(row.user_id, null);
  assert.ok(row.ip);
  // Secrets never reach the log.
  const [leak] = await t.db.query(`SELECT count(*)::int AS n FROM security_events WHERE detail::text ILIKE '%password%' OR detail::text ILIKE '%wrong-password%'`);
  assert.equal(leak.n, 0);
});

it('records who disabled and re-enabled an account; the admin reads it in words, filtered, and nobody else can', async () => {
  const adminEmail = uniqueEmail('admin', 'handshake.example');
  const admin = await staffToken(t, Role.Admin, adminEmail);
  const financeEmail = uniqueEmail('finance', 'handshake.example');
  await staffToken(t, Role.Finance, financeEmail);
  const [f] = await t.db.query(`SELECT id FROM users WHERE email = $1`, [financeEmail]);
  await request(t.url).post(`/api/users/${f.id}/disable`).set(auth(admin)).expect((res) => assert.ok(res.status < 300, String(res.status)));
  await request(t.url).post(`/api/users/${f.id}/enable`).set(auth(admin)).expect((res) => assert.ok(res.status < 300, String(res.status)));
  const rows = await t.db.query(`SELECT e.kind, a.email AS actor FROM security_events e JOIN users a ON a.id = e.actor_id WHERE e.email = $1 ORDER BY e.id`, [financeEmail]);
  assert.deepEqual(rows, [{ kind: 'account_disabled', actor: adminEmail }, { kind: 'account_enabled', actor: adminEmail }]);

  const cookie = `hs_session=${admin}`;
  const ru = await request(t.url).get(`/admin/security?lang=ru&email=${encodeURIComponent(financeEmail)}`).set('cookie', cookie).expect(200);
  assert.match(ru.text, /Журнал безопасности/);
  assert.match(ru.text, /Учётная запись отключена/);
  assert.match(ru.text, new RegExp(`сделал\\(а\\) ${adminEmail.replace(/[.]/g, '\\.')}`));
  assert.deepEqual([...ru.text.matchAll(/data-test="security-row" data-kind="(\w+)"/g)].map((m) => m[1]), ['account_enabled', 'account_disabled', 'sign_in'], 'filtered to that account, newest first');
  const en = await request(t.url).get('/admin/security?kind=account_enabled').set('cookie', cookie).expect(200);
  assert.match(en.text, /Account enabled again/);
  assert.doesNotMatch(en.text, /data-kind="sign_in"/);
  // Nonsense filters show everything rather than failing; a NUL byte is refused as bad input.
  await request(t.url).get('/admin/security?kind=bad&email=%25_&page=99999999999').set('cookie', cookie).expect(200);
  await request(t.url).get('/admin/security?email=%00').set('cookie', cookie).expect(400);

  const finance = await staffToken(t, Role.Finance);
  await request(t.url).get('/admin/security').set('cookie', `hs_session=${finance}`).expect(403);
  await request(t.url).get('/admin/security').expect((res) => assert.ok([302, 303, 401].includes(res.status), String(res.status)));
});
