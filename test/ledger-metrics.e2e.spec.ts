import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app';

// A fresh install whose ledger verifies says so in /metrics from the start, not only after the
// first nightly verification.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('ledger-metrics', { env: { JOBS_ENABLED: 'true' } });
});
afterAll(() => t.close());

describe('/metrics on a fresh install', () => {
  it('reports ledger_verify_ok 1 and when it was verified', async () => {
    const started = Math.floor(Date.now() / 1000) - 600;
    let text = '';
    for (let i = 0; i < 100; i++) {
      text = (await request(t.url).get('/metrics').set('Authorization', `Bearer ${t.config.metricsToken}`).expect(200)).text;
      if (/^ledger_verify_ok 1$/m.test(text)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(text, /^ledger_verify_ok 1$/m);
    const at = Number(/^ledger_verify_last_run_timestamp_seconds (\d+)$/m.exec(text)?.[1]);
    assert.ok(at >= started, `last run ${at} is recent`);
  });
});
