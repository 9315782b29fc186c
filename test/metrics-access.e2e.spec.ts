import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import request from 'supertest';
import { loadConfig } from '../src/config/config';
import { Role } from '../src/access/role';
import { registerReferrer, staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('metrics_access', { env: { METRICS_TOKEN: 'metrics-token-for-this-test-0123456789' } });
});
afterAll(() => t.close());

describe('/metrics', () => {
  it('answers only the configured bearer token', async () => {
    const none = await request(t.url).get('/metrics').expect(401);
    assert.equal(none.body.error.code, 'UNAUTHENTICATED');
    assert.ok(!none.text.includes('http_requests_total'));
    await request(t.url).get('/metrics').set('Authorization', 'Bearer metrics-token-for-this-test-0123456788').expect(401);
    await request(t.url).get('/metrics').set('Authorization', 'metrics-token-for-this-test-0123456789').expect(401);
    // a user's session token is not the metrics token
    const admin = await staffToken(t, Role.Admin);
    await request(t.url).get('/metrics').set('Authorization', `Bearer ${admin}`).expect(401);
    const ok = await request(t.url).get('/metrics').set('Authorization', 'Bearer metrics-token-for-this-test-0123456789').expect(200);
    assert.match(ok.text, /http_requests_total/);
  });

  it('development generates a token into the data directory; production without METRICS_TOKEN keeps metrics closed', () => {
    const dataDir = `/tmp/metrics-token-test-${process.pid}`;
    const dev = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    assert.ok(dev.metricsToken && dev.metricsToken.length >= 32);
    assert.equal(dev.metricsTokenFile, `${dataDir}/metrics-token`);
    assert.equal(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }).metricsToken, dev.metricsToken, 'kept across restarts');
    rmSync(dataDir, { recursive: true, force: true });
    const prod = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@localhost/db', JWT_SECRET: 'j'.repeat(40), TRACKING_SECRET: 't'.repeat(40), PAYOUT_DETAILS_KEY: '1'.repeat(64) });
    assert.equal(prod.metricsToken, undefined);
    assert.throws(() => loadConfig({ NODE_ENV: 'test', METRICS_TOKEN: 'short' }), /METRICS_TOKEN must be at least 32/);
  });
});

describe('403 answers', () => {
  it('do not list the roles a route needs', async () => {
    const r = await registerReferrer(t);
    for (const [method, path] of [['get', '/api/stripe/webhooks/events'], ['post', '/api/staff'], ['get', '/api/audiences']] as const) {
      const res = await request(t.url)[method](path).set('Authorization', `Bearer ${r.token}`).send({}).expect(403);
      assert.equal(res.body.error.code, 'FORBIDDEN');
      assert.equal(res.body.error.details, undefined);
      const text = JSON.stringify(res.body);
      for (const role of ['admin', 'finance', 'marketer', 'partner', 'supplier']) assert.ok(!text.includes(role), `${path}: the answer names ${role}: ${text}`);
    }
  });
});
