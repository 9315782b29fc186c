import assert from 'node:assert/strict';
import request from 'supertest';
import { hashingLoad } from '../src/auth/password';
import { PASSWORD, registerReferrer, uniqueEmail } from './support/fixtures';
import { formPost } from './support/browser-form';
import { startTestApp, TestApp } from './support/test-app';

// Two instances on one database.
const WINDOW_SECONDS = 600;
const env = { LOGIN_MAX_FAILURES_PER_ACCOUNT: '10', LOGIN_MAX_FAILURES_PER_ADDRESS: '30', LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS), TRUST_PROXY: 'loopback' };
let t: TestApp;
let t2: TestApp;
beforeAll(async () => {
  t = await startTestApp('login_limits', { env });
  t2 = await startTestApp('login_limits_2', { databaseUrl: t.databaseUrl, env });
});
afterAll(async () => {
  await t2.close();
  await t.close();
});

let ipSeq = 0;
/** A client address of its own (the app trusts X-Forwarded-For from loopback proxies). */
const freshIp = () => `198.51.100.${++ipSeq}`;
const attempt = (app: TestApp, email: string, password: string, ip: string) =>
  request(app.url).post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

it('40 wrong passwords for one account (from many addresses, on two instances): then the right one is refused with 429 until the window passes', async () => {
  const r = await registerReferrer(t);
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(i % 2 ? t2 : t, r.email, `wrong-password-${i}-x`, freshIp())));
  const statuses = results.map((x) => x.status);
  assert.equal(statuses.filter((s) => s === 401).length, 10, `exactly the allowed 10 were checked: ${statuses.join(',')}`);
  assert.equal(statuses.filter((s) => s === 429).length, 30);
  for (const app of [t, t2]) {
    const right = await attempt(app, r.email, PASSWORD, freshIp()).expect(429);
    assert.equal(right.body.error.code, 'RATE_LIMITED');
    assert.ok(right.body.error.message);
    const retryAfter = Number(right.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= WINDOW_SECONDS, `Retry-After ${retryAfter}`);
  }
  const ru = await attempt(t, r.email, PASSWORD, freshIp()).set('Accept-Language', 'ru').expect(429);
  assert.match(ru.body.error.message, /Слишком много попыток/);
  // The web form is refused the same way.
  const page = await formPost(t, '/login').set('X-Forwarded-For', freshIp()).send({ email: r.email, password: PASSWORD });
  assert.equal(page.status, 429);
  // Once the window has passed (moved into the past here), the right password works again.
  const moved = await t.db.query(`UPDATE rate_limits SET expire = $2 WHERE key = $1 RETURNING key`, [`login-account:${r.email}`, Date.now() - 1]);
  assert.equal(moved[1], 1, 'the account counter is one row in PostgreSQL');
  await attempt(t2, r.email, PASSWORD, freshIp()).expect(200);
});

it('limits attempts per client address across accounts and instances; other addresses are unaffected; hashing stays bounded', async () => {
  const r = await registerReferrer(t);
  const ip = freshIp();
  let maxActive = 0;
  let sawQueue = false;
  const probe = setInterval(() => {
    const load = hashingLoad();
    maxActive = Math.max(maxActive, load.active);
    sawQueue ||= load.pending > 0;
  }, 2);
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(i % 2 ? t2 : t, uniqueEmail('nobody'), `wrong-password-${i}-x`, ip)));
  clearInterval(probe);
  const statuses = results.map((x) => x.status);
  assert.equal(statuses.filter((s) => s === 401).length, 30, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 429).length, 10);
  assert.ok(maxActive >= 1 && maxActive <= 3, `at most 3 argon2 computations at once, saw ${maxActive}`);
  assert.ok(sawQueue, 'the burst queued for hashing');
  await attempt(t, r.email, PASSWORD, ip).expect(429);
  await attempt(t2, r.email, PASSWORD, freshIp()).expect(200);
});

it('a successful sign-in clears the account failures', async () => {
  const r = await registerReferrer(t);
  for (let i = 0; i < 9; i++) await attempt(t, r.email, 'wrong-password-again', freshIp()).expect(401);
  await attempt(t, r.email, PASSWORD, freshIp()).expect(200);
  for (let i = 0; i < 9; i++) await attempt(t2, r.email, 'wrong-password-again', freshIp()).expect(401);
  await attempt(t2, r.email, PASSWORD, freshIp()).expect(200);
});
