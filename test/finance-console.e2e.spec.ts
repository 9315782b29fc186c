import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { formatMoney } from '../src/money/money-format';
import { homeOf } from '../src/web/sections';
import { FakeStripe } from './support/fake-stripe';
import { auth, bankReferrer, clawBack, connectEnv, FakeStripeConnect, seedAvailable, StaffUser, staffUser } from './support/fake-stripe-connect';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let fake: FakeStripe;
let alice: StaffUser;
let bob: StaffUser;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  new FakeStripeConnect(fake);
  t = await startTestApp('finance_console', { env: connectEnv(fake) });
  alice = await staffUser(t, Role.Finance);
  bob = await staffUser(t, Role.Finance);
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

const page = (path: string, who: StaffUser) => request(t.url).get(path).set('cookie', `hs_session=${who.token}`).set('accept', 'text/html').expect(200);
const attr = (html: string, test: string, name: string) => new RegExp(`data-test="${test}"[^>]*data-${name}="([^"]*)"`).exec(html)?.[1];

describe('finance dashboard', () => {
  it('shows what needs action, from known data', async () => {
    // A batch alice created: bob may approve it, alice waits for someone else.
    const paid = await bankReferrer(t, 'Olga Smirnova');
    await seedAvailable(t, paid.id, 250_000n);
    const batch = await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send({}).expect(201);
    // A second batch, approved by bob, with its bank payment marked failed.
    const failing = await bankReferrer(t, 'Pavel Orlov');
    await seedAvailable(t, failing.id, 120_000n);
    const second = await request(t.url).post('/api/payouts/batches').set(auth(bob.token)).send({}).expect(201);
    await request(t.url).post(`/api/payouts/batches/${second.body.id}/approve`).set(auth(alice.token)).expect(200);
    const items = await request(t.url).get(`/api/payouts/batches/${second.body.id}`).set(auth(alice.token)).expect(200);
    await request(t.url).post(`/api/payouts/items/${items.body.items[0].id}/mark-failed`).set(auth(alice.token)).send({ reason: 'Account closed' }).expect(200);
    // A clawback below zero: a negative balance carried.
    const owing = await bankReferrer(t, 'Irina Volkova');
    await clawBack(t, owing.id, 30_000n);
    // The two seeded commissions name invoices Stripe never saw: two reconciliation differences.

    const forBob = (await page('/finance', bob)).text;
    assert.equal(attr(forBob, 'to-approve', 'count'), '1');
    assert.match(forBob, new RegExp(`/finance/payouts/batches/${batch.body.id}`));
    assert.equal(attr(forBob, 'failed', 'count'), '1');
    assert.ok(forBob.includes(failing.email), 'the failed payment names its referrer');
    assert.match(forBob, /Account closed/);
    assert.equal(attr(forBob, 'negative', 'count'), '1');
    assert.equal(attr(forBob, 'negative', 'total'), '-30000');
    assert.ok(forBob.includes(formatMoney('en', -30_000n, 'RUB')), 'the debt in money');
    assert.equal(attr(forBob, 'reconciliation', 'state'), 'checked');
    assert.equal(attr(forBob, 'reconciliation', 'count'), '2');

    const forAlice = (await page('/finance?lang=ru', alice)).text;
    assert.equal(attr(forAlice, 'to-approve', 'count'), '0', 'her own batch is not hers to approve');
    assert.equal(attr(forAlice, 'waiting-for-others', 'count'), '1');
    assert.match(forAlice, /Отрицательные балансы/);
    assert.ok(forAlice.includes(formatMoney('ru', -30_000n, 'RUB')));
    assert.doesNotMatch(forAlice, new RegExp(owing.id.replace(/-/g, '\\-') + '<'), 'no UUID as a visible text');
  });

  it('a batch page names each referrer (name · company), not an id', async () => {
    const r = await bankReferrer(t);
    await seedAvailable(t, r.id, 200_000n);
    const batch = await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send({}).expect(201);
    const [who] = await t.db.query(`SELECT full_name, company_name FROM referrers WHERE id = $1`, [r.id]);
    const html = (await page(`/finance/payouts/batches/${batch.body.id}`, bob)).text;
    assert.ok(html.includes(`${who.full_name} · ${who.company_name}`), 'name and company on the batch page');
  });

  it('finance lands on the dashboard; a referrer may not open it', async () => {
    assert.equal(homeOf(Role.Finance), '/finance');
    const r = await bankReferrer(t);
    await request(t.url).get('/finance').set('cookie', `hs_session=${r.token}`).set('accept', 'text/html').expect(403);
  });
});
