import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/access/role';
import { LedgerService } from '../../src/ledger/ledger.service';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { FakeStripe } from '../support/fake-stripe';
import { connectEnv, connectReferrer, FakeStripeConnect, seedAvailable, StaffUser, staffUser } from '../support/fake-stripe-connect';
import { PASSWORD } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

(browserSkipReason() ? describe.skip : describe)('the payout console in the browser', () => {
  let t: TestApp;
  let fake: FakeStripe;
  let connect: FakeStripeConnect;
  let browser: Browser;
  let base: string;
  let alice: StaffUser;
  let bob: StaffUser;

  beforeAll(async () => {
    fake = await new FakeStripe().start();
    connect = new FakeStripeConnect(fake);
    t = await startTestApp('browser_payouts', { env: connectEnv(fake) });
    base = t.config.publicBaseUrl;
    alice = await staffUser(t, Role.Finance);
    bob = await staffUser(t, Role.Finance);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fake?.stop();
  });

  async function logIn(email: string, next: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}${next}`);
    return page;
  }

  it('one finance user creates a batch, a second approves and executes it', async () => {
    const r = await connectReferrer(t, connect);
    await seedAvailable(t, r.id, 150_000n);

    const a = await logIn(alice.email, '/finance/payouts');
    assert.equal(await a.getAttribute('[data-test=preview-summary]', 'data-eligible'), '1');
    assert.match((await a.textContent('[data-test=eligible-row]')) ?? '', /RUB\u00a01,500\.00/);
    await a.click('[data-test=create-batch]');
    await a.waitForURL(/\/finance\/payouts\/batches\/[0-9a-f-]{36}\?done=created$/);
    const batchPath = new URL(a.url()).pathname;
    assert.equal(await a.getAttribute('[data-test=batch-status]', 'data-status'), 'created');
    assert.ok(await a.isVisible('[data-test=own-batch]'), 'the creator is told a second user must approve');
    assert.equal(await a.locator('[data-test=approve]').count(), 0, 'the creator has no approve button');

    const b = await logIn(bob.email, batchPath);
    await b.click('[data-test=approve]');
    assert.equal((await b.textContent('[data-test=confirm-question]'))?.trim(), 'Approve paying 1 referrer RUB\u00a01,500.00?');
    await b.click('[data-test=confirm-yes]');
    await b.waitForURL(/done=approve$/);
    assert.equal(await b.getAttribute('[data-test=batch-status]', 'data-status'), 'approved');
    await b.click('[data-test=execute]');
    assert.equal((await b.textContent('[data-test=confirm-question]'))?.trim(), 'Pay 1 referrer RUB\u00a01,500.00 now?', 'execution asks first, in words, with the count and the amount');
    await b.click('[data-test=confirm-yes]');
    await b.waitForURL(/done=execute$/);
    assert.equal(await b.getAttribute('[data-test=batch-status]', 'data-status'), 'completed');
    assert.equal((await b.textContent('[data-test=item-status]'))?.trim(), 'Paid');
    assert.equal(await b.getAttribute('[data-test=item-row]', 'data-status'), 'paid');

    const transfers = connect.transfers((tr) => tr.destination === r.accountId);
    assert.equal(transfers.length, 1);
    assert.equal(transfers[0].amount, 150_000);
    const balances = await t.app.get(LedgerService).balances(r.id, 'RUB');
    assert.deepEqual([balances.available, balances.inTransit, balances.paid], [0n, 0n, 150_000n]);
    assert.ok((await t.app.get(LedgerService).verify()).ok);
  });
});
