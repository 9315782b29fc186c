import assert from 'node:assert/strict';
import request from 'supertest';
import { registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('ratelimit', { env: { PROMO_CHECK_LIMIT_PER_MINUTE: '5' } });
});
afterAll(() => t.close());

it('limits code checks per client address with RATE_LIMITED', async () => {
  const r = await registerReferrer(t);
  for (let i = 0; i < 5; i++) await request(t.url).get(`/api/promo-codes/${r.code}`).expect(200);
  const res = await request(t.url).get(`/api/promo-codes/${r.code}`).expect(429);
  assert.equal(res.body.error.code, 'RATE_LIMITED');
  // other routes are not limited
  await request(t.url).get('/api/program').expect(200);
});

it('limits supplier sign-up attempts (code redemptions) per client address too', async () => {
  for (let i = 0; i < 5; i++) {
    const res = await request(t.url).post('/api/suppliers').send({ promoCode: 'GUESS2345' + 'ABCDEFGHJK'[i] });
    assert.equal(res.status, 400);
  }
  const res = await request(t.url).post('/api/suppliers').send({ promoCode: 'GUESS2345M' }).expect(429);
  assert.equal(res.body.error.code, 'RATE_LIMITED');
});
