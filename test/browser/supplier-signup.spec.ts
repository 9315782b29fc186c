import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { FakeStripe } from '../support/fake-stripe';
import { billingEnv, FakeStripeBilling, uniqueTaxId } from '../support/fake-stripe-billing';
import { PASSWORD, registerReferrer } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

(browserSkipReason() ? describe.skip : describe)('a supplier signs up through a referral link', () => {
  let t: TestApp;
  let fake: FakeStripe;
  let browser: Browser;

  beforeAll(async () => {
    fake = await new FakeStripe().start();
    new FakeStripeBilling(fake);
    t = await startTestApp('browser_supplier', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fake?.stop();
  });

  it('follows /join?ref=, sees the discount before submitting, signs up and sees it applied', async () => {
    const base = t.config.publicBaseUrl;
    const r = await registerReferrer(t);
    await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1250 }).expect(200);
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();

    await page.goto(`${base}/join?ref=${r.code}`);
    await page.waitForURL(`${base}/suppliers/signup`);
    assert.equal(await page.inputValue('[data-test=promo-code]'), r.code);
    assert.match((await page.textContent('[data-test=code-discount]')) ?? '', /12\.5% off/);
    const cookie = (await context.cookies()).find((c) => c.name === 'hs_ref')!;
    assert.equal(cookie.value, r.code);
    assert.ok(cookie.expires * 1000 - Date.now() > 89 * 86_400_000);

    // Typing a bad code shows why at once; typing the good one shows the discount again.
    await page.fill('[data-test=promo-code]', 'ZZZZZZZZZZ');
    await page.waitForSelector('[data-test=code-error]:not([hidden])');
    assert.match((await page.textContent('[data-test=code-error]')) ?? '', /There is no promo code/);
    await page.fill('[data-test=promo-code]', r.code.toLowerCase());
    await page.waitForSelector('[data-test=code-discount]:not([hidden])');
    assert.match((await page.textContent('[data-test=code-discount]')) ?? '', /12\.5%/);

    await page.fill('input[name=companyName]', 'Browser Wholesale');
    await page.fill('input[name=companyTaxId]', uniqueTaxId());
    await page.fill('input[name=email]', `owner-${Date.now()}@browser-wholesale.example`);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('[data-test=supplier-submit]');
    await page.waitForURL(`${base}/supplier`);
    assert.match((await page.textContent('[data-test=supplier-discount]')) ?? '', /Your discount: 12\.5%/);
    assert.match((await page.textContent('[data-test=referred-by]')) ?? '', /Anna Petrova/);
    assert.equal(await page.getAttribute('[data-test=subscription-state]', 'data-state'), 'incomplete');
    assert.match((await page.textContent('[data-test=subscription-state]')) ?? '', /waiting for the first payment/, 'the Stripe state in words, not its code');
    assert.match((await page.getAttribute('[data-test=pay-link]', 'href')) ?? '', /^https:\/\/invoice\.stripe\.test\//);
    const [a] = await t.db.query(`SELECT via, discount_bp FROM supplier_attributions WHERE referrer_id = $1`, [r.id]);
    assert.deepEqual(a, { via: 'link', discount_bp: 1250 });
    await context.close();
  });
});
