import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/config';
import { loggableUrl } from '../src/observability/logger';
import { signEvent, stripeEvent } from './support/fake-stripe-billing';
import { RU_ACCOUNT, RU_BIC } from './support/fake-stripe-connect';
import { PASSWORD, registerReferrer } from './support/fixtures';
import { formPost } from './support/browser-form';
import { createTestDatabase, TestApp } from './support/test-app';

// The whole log of a scenario at debug level, captured line by line.
const lines: string[] = [];
let app: NestExpressApplication;
let url: string;
let config: ReturnType<typeof loadConfig>;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase('logs');
  config = loadConfig({
    NODE_ENV: 'test',
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'debug',
    PORT: '0',
    PROMO_CHECK_LIMIT_PER_MINUTE: '100000',
    STRIPE_WEBHOOK_SECRET: 'whsec_logs',
    STRIPE_SECRET_KEY: 'sk_test_logs',
    STRIPE_API_BASE: 'http://127.0.0.1:9',
    JOBS_ENABLED: 'false',
  });
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  app = await createApp(config, databaseUrl, pino({ level: 'debug' }, sink));
  await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});
afterAll(() => app.close());

it('a full scenario leaves no token, cookie, password, signature or account number in the log', async () => {
  const t = { url, config } as TestApp;
  const r = await registerReferrer(t);
  // API login with the password, and a failed one.
  const apiLogin = await request(url).post('/api/auth/login').send({ email: r.email, password: PASSWORD }).expect(200);
  const wrongPassword = `wrong-${randomBytes(6).toString('hex')}-pass`;
  await request(url).post('/api/auth/login').send({ email: r.email, password: wrongPassword }).expect(401);
  // Web login: the session cookie, then the cabinet page with it.
  const web = await formPost(t, '/login').send({ email: r.email, password: PASSWORD }).expect(303);
  const cookie = (web.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('hs_session='))!;
  const sessionValue = cookie.split(';')[0].slice('hs_session='.length);
  await request(url).get('/cabinet').set('Cookie', `hs_session=${sessionValue}`).expect(200);
  // Bearer API calls.
  await request(url).get('/api/auth/me').set('Authorization', `Bearer ${r.token}`).expect(200);
  await request(url).get('/api/auth/me').set('Authorization', `Bearer ${apiLogin.body.accessToken}`).expect(200);
  // Bank payout details.
  await request(url)
    .put('/api/payout-details/me/bank')
    .set('Authorization', `Bearer ${r.token}`)
    .send({ accountHolder: 'Anna Petrova', bankIdentifier: RU_BIC, accountNumber: RU_ACCOUNT })
    .expect(200);
  // A signed Stripe webhook.
  const { payload, header } = signEvent(stripeEvent('customer.tax_id.created', { id: 'txi_logs' }), { secret: 'whsec_logs' });
  await request(url).post('/api/stripe/webhooks').set('content-type', 'application/json').set('stripe-signature', header).send(payload).expect(200);
  // Links that carry tokens in the path and the query string.
  const linkToken = randomBytes(24).toString('base64url');
  await request(url).get(`/unsubscribe/${linkToken}`);
  await request(url).get(`/register?c=${linkToken}&lang=en`).expect(200);

  const log = lines.join('\n');
  // The log did record the scenario (so the checks below are not vacuous).
  assert.ok(lines.some((l) => l.includes('"url":"/cabinet"')), 'the cabinet request is logged');
  assert.ok(lines.some((l) => l.includes('/api/stripe/webhooks')), 'the webhook request is logged');
  assert.ok(lines.some((l) => l.includes('"lang=en"') || l.includes('lang=en')), 'safe query values stay');
  const secrets: Record<string, string> = {
    'registration token': r.token,
    'login token': apiLogin.body.accessToken,
    'session cookie': sessionValue,
    password: PASSWORD,
    'wrong password': wrongPassword,
    'account number': RU_ACCOUNT,
    'stripe signature': header.split('v1=')[1].split(',')[0],
    'link token': linkToken,
  };
  for (const [name, value] of Object.entries(secrets)) {
    assert.ok(value && value.length > 8, `${name} is known`);
    assert.ok(!log.includes(value), `the ${name} appears in the log`);
  }
  assert.ok(!/"authorization"|"cookie"|"set-cookie"|"stripe-signature"/i.test(log), 'no secret-bearing header is logged');
});

it('keeps ids and safe query values in logged URLs and replaces token-like parts', () => {
  assert.equal(loggableUrl('/api/audiences/7d0c8f7e-3b2a-4c1d-9e8f-0a1b2c3d4e5f/imports?limit=5&offset=10'), '/api/audiences/7d0c8f7e-3b2a-4c1d-9e8f-0a1b2c3d4e5f/imports?limit=5&offset=10');
  assert.equal(loggableUrl('/reset-password?token=abc&lang=ru'), '/reset-password?token=[redacted]&lang=ru');
  assert.equal(loggableUrl('/unsubscribe/eyJhbGciOiJIUzI1NiJ9abcdefghijk'), '/unsubscribe/[redacted]');
});
