import assert from 'node:assert/strict';
import { deliver, stripeEvent } from './support/fake-stripe-billing';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('webhook_ts', { env: { STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_API_BASE: 'http://127.0.0.1:9', JOBS_ENABLED: 'false' } });
});
afterAll(() => t.close());

const stored = async (id: string) => Number((await t.db.query('SELECT count(*) AS n FROM stripe_webhook_events WHERE id = $1', [id]))[0].n);
const now = () => Math.floor(Date.now() / 1000);

it('refuses a correctly signed event dated more than the tolerance in the future, storing nothing', async () => {
  const event = stripeEvent('customer.tax_id.created', { id: 'txi_future' });
  const res = await deliver(t.url, event, { timestamp: now() + 3600 }).expect(400);
  assert.equal(res.body.error.code, 'WEBHOOK_SIGNATURE_INVALID');
  assert.match(res.body.error.message, /future/i);
  await deliver(t.url, event, { timestamp: now() + 301 + 5 }).expect(400);
  assert.equal(await stored(event.id), 0);
});

it('refuses an old one as before and accepts one within the tolerance either side', async () => {
  const old = stripeEvent('customer.tax_id.created', { id: 'txi_old' });
  await deliver(t.url, old, { timestamp: now() - 3600 }).expect(400);
  assert.equal(await stored(old.id), 0);
  const slightlyAhead = stripeEvent('customer.tax_id.created', { id: 'txi_ahead' });
  await deliver(t.url, slightlyAhead, { timestamp: now() + 60 }).expect(200);
  const slightlyBehind = stripeEvent('customer.tax_id.created', { id: 'txi_behind' });
  await deliver(t.url, slightlyBehind, { timestamp: now() - 60 }).expect(200);
  assert.equal(await stored(slightlyAhead.id), 1);
});
