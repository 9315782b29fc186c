import assert from 'node:assert/strict';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { Role } from '../src/access/role';
import { PASSWORD, registerReferrer, staffToken } from './support/fixtures';
import { formPost } from './support/browser-form';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('sessions');
});
afterAll(() => t.close());

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const me = (token: string) => request(t.url).get('/api/auth/me').set(bearer(token));
const login = async (email: string, password = PASSWORD): Promise<string> =>
  (await request(t.url).post('/api/auth/login').send({ email, password }).expect(200)).body.accessToken;
const sidOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid;

describe('logout', () => {
  it('POST /api/auth/logout ends the session of the bearer token; other sessions go on', async () => {
    const r = await registerReferrer(t);
    const a = await login(r.email);
    const b = await login(r.email);
    await me(a).expect(200);
    await request(t.url).post('/api/auth/logout').set(bearer(a)).expect(204);
    const after = await me(a).expect(401);
    assert.equal(after.body.error.code, 'UNAUTHENTICATED');
    await me(b).expect(200);
    const [row] = await t.db.query('SELECT revoked_at FROM auth_sessions WHERE id = $1', [sidOf(a)]);
    assert.ok(row.revoked_at, 'the session row is revoked');
  });

  it('POST /logout (page) ends the cookie session: the old cookie no longer opens /cabinet', async () => {
    const r = await registerReferrer(t);
    const web = await formPost(t, '/login').send({ email: r.email, password: PASSWORD }).expect(303);
    const cookie = (web.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('hs_session='))!.split(';')[0];
    await request(t.url).get('/cabinet').set('Cookie', cookie).expect(200);
    await formPost(t, '/logout', cookie).expect(303);
    const again = await request(t.url).get('/cabinet').set('Cookie', cookie).set('Accept', 'text/html');
    assert.notEqual(again.status, 200);
    assert.match(String(again.headers.location), /^\/login/);
    // the same token as a bearer is dead too
    await me(cookie.slice('hs_session='.length)).expect(401);
  });
});

describe('password change', () => {
  const next = 'violet-tractor-umbrella-93';

  it('refuses a wrong current password and a weak new one, changing nothing', async () => {
    const r = await registerReferrer(t);
    const wrong = await request(t.url).post('/api/auth/password').set(bearer(r.token)).send({ currentPassword: 'not-my-password-123', newPassword: next }).expect(400);
    assert.equal(wrong.body.error.code, 'CURRENT_PASSWORD_WRONG');
    const weak = await request(t.url).post('/api/auth/password').set(bearer(r.token)).send({ currentPassword: PASSWORD, newPassword: 'short1' }).expect(400);
    assert.equal(weak.body.error.code, 'WEAK_PASSWORD');
    await me(r.token).expect(200);
    await login(r.email);
  });

  it('ends every session of the account and answers with a new token', async () => {
    const r = await registerReferrer(t);
    const other = await login(r.email);
    const res = await request(t.url).post('/api/auth/password').set(bearer(r.token)).send({ currentPassword: PASSWORD, newPassword: next }).expect(200);
    await me(r.token).expect(401);
    await me(other).expect(401);
    await me(res.body.accessToken).expect(200);
    await request(t.url).post('/api/auth/login').send({ email: r.email, password: PASSWORD }).expect(401);
    await login(r.email, next);
  });
});

describe('disabling an account', () => {
  it('an admin disables an account: its sessions end at once and it cannot sign in until re-enabled', async () => {
    const admin = await staffToken(t, Role.Admin);
    const finance = await staffToken(t, Role.Finance);
    const r = await registerReferrer(t);
    const { id: userId } = (await me(r.token).expect(200)).body;

    const forbidden = await request(t.url).post(`/api/users/${userId}/disable`).set(bearer(finance)).expect(403);
    assert.equal(forbidden.body.error.code, 'FORBIDDEN');
    await request(t.url).post('/api/users/not-a-uuid/disable').set(bearer(admin)).expect(400);

    const res = await request(t.url).post(`/api/users/${userId}/disable`).set(bearer(admin)).expect(200);
    assert.ok(res.body.disabledAt);
    await me(r.token).expect(401);
    const refused = await request(t.url).post('/api/auth/login').send({ email: r.email, password: PASSWORD }).expect(403);
    assert.equal(refused.body.error.code, 'ACCOUNT_DISABLED');

    const enabled = await request(t.url).post(`/api/users/${userId}/enable`).set(bearer(admin)).expect(200);
    assert.equal(enabled.body.disabledAt, null);
    await me(r.token).expect(401); // ended sessions stay ended
    await me(await login(r.email)).expect(200);
  });

  it('an admin cannot disable their own account', async () => {
    const admin = await staffToken(t, Role.Admin);
    const { id } = (await me(admin).expect(200)).body;
    const res = await request(t.url).post(`/api/users/${id}/disable`).set(bearer(admin)).expect(409);
    assert.equal(res.body.error.code, 'CANNOT_DISABLE_SELF');
  });
});

describe('session life', () => {
  it('ends a session idle longer than the idle limit and renews one in use', async () => {
    const r = await registerReferrer(t);
    const active = await login(r.email);
    await t.db.query(`UPDATE auth_sessions SET last_seen_at = now() - interval '11 hours' WHERE id = $1`, [sidOf(active)]);
    await me(active).expect(200);
    const [row] = await t.db.query(`SELECT last_seen_at > now() - interval '1 minute' AS renewed FROM auth_sessions WHERE id = $1`, [sidOf(active)]);
    assert.equal(row.renewed, true);

    await t.db.query(`UPDATE auth_sessions SET last_seen_at = now() - interval '13 hours' WHERE id = $1`, [sidOf(r.token)]);
    await me(r.token).expect(401);
  });

  it('ends a session past its absolute end however active it is', async () => {
    const r = await registerReferrer(t);
    await t.db.query(`UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [sidOf(r.token)]);
    await me(r.token).expect(401);
  });

  it('refuses a validly signed token that names no session (tokens issued before sessions)', async () => {
    const r = await registerReferrer(t);
    const { id } = (await me(r.token).expect(200)).body;
    const legacy = t.app.get(JwtService).sign({ sub: id, role: 'referrer' }, { expiresIn: 3600 });
    await me(legacy).expect(401);
    const forged = t.app.get(JwtService).sign({ sub: id, role: 'referrer', sid: '00000000-0000-4000-8000-000000000000' }, { expiresIn: 3600 });
    await me(forged).expect(401);
  });
});
