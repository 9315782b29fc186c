import assert from 'node:assert/strict';
import request from 'supertest';
import { registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

// Two instances on one database: the counters live in PostgreSQL, so they count together.
let t: TestApp;
let t2: TestApp;
beforeAll(async () => {
  t = await startTestApp('ratelimit', { env: { PROMO_CHECK_LIMIT_PER_MINUTE: '5', TRUST_PROXY: 'loopback' } });
  t2 = await startTestApp('ratelimit-2', { databaseUrl: t.databaseUrl, env: { PROMO_CHECK_LIMIT_PER_MINUTE: '5', TRUST_PROXY: 'loopback' } });
});
afterAll(async () => {
  await t2.close();
  await t.close();
});

const either = (i: number) => (i % 2 === 0 ? t : t2).url;

it('limits code checks per client address with RATE_LIMITED, counted across instances', async () => {
  const r = await registerReferrer(t);
  for (let i = 0; i < 5; i++) await request(either(i)).get(`/api/promo-codes/${r.code}`).expect(200);
  for (const app of [t, t2]) {
    const res = await request(app.url).get(`/api/promo-codes/${r.code}`).expect(429);
    assert.equal(res.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(res.headers['retry-after']) >= 1 && Number(res.headers['retry-after']) <= 60, 'Retry-After in seconds');
  }
  const ru = await request(t2.url).get(`/api/promo-codes/${r.code}`).set('Accept-Language', 'ru').expect(429);
  assert.match(ru.body.error.message, /Слишком много попыток/);
  // other routes are not limited
  await request(t.url).get('/api/program').expect(200);
  // another client address has its own count
  await request(t2.url).get(`/api/promo-codes/${r.code}`).set('X-Forwarded-For', '203.0.113.7').expect(200);
});

it('limits supplier sign-up attempts (code redemptions) per client address too, across instances', async () => {
  for (let i = 0; i < 5; i++) {
    const res = await request(either(i)).post('/api/suppliers').send({ promoCode: 'GUESS2345' + 'ABCDEFGHJK'[i] });
    assert.equal(res.status, 400);
  }
  for (const app of [t, t2]) {
    const res = await request(app.url).post('/api/suppliers').send({ promoCode: 'GUESS2345M' }).expect(429);
    assert.equal(res.body.error.code, 'RATE_LIMITED');
    assert.ok(res.headers['retry-after']);
  }
});
