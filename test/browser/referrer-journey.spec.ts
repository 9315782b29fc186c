import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { PASSWORD, uniqueEmail } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

(browserSkipReason() ? describe.skip : describe)('a buyer in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    // The default Secure session cookie: browsers accept it on http://localhost.
    t = await startTestApp('browser_referrer', { env: { COOKIE_SECURE: 'true' } });
    base = t.config.publicBaseUrl;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('registers, accepts the offer, sees the code, changes the split, logs out and in again', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    const email = uniqueEmail('browser');
    await page.goto(`${base}/register`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.fill('input[name=fullName]', 'Browser Buyer');
    await page.fill('input[name=companyName]', 'Browser Retail');
    // Submitting without accepting the offer is refused on the page.
    await page.click('button[type=submit]');
    assert.equal(await page.getAttribute('[data-test=error]', 'data-code'), 'OFFER_NOT_ACCEPTED');
    await page.fill('input[name=password]', PASSWORD);
    await page.check('[data-test=accept-offer]');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/cabinet`);
    const code = (await page.textContent('[data-test=promo-code]'))!.trim();
    assert.match(code, /^[2-9A-HJKMNP-Z]{10}$/);
    assert.equal(await page.inputValue('[data-test=referral-link]'), `${base}/join?ref=${code}`);
    assert.match((await page.textContent('[data-test=offer-text]')) ?? '', /partner offer/);

    // The number input drives the live figures; the server keeps the change.
    await page.fill('[data-test=discount-bp]', '1250');
    assert.equal(await page.textContent('[data-test=discount-pct]'), '12.5%');
    assert.equal(await page.textContent('[data-test=commission-pct]'), '7.5%');
    await page.click('[data-test=save-split]');
    await page.waitForURL(`${base}/cabinet?saved=split`);
    assert.equal(await page.inputValue('[data-test=discount-bp]'), '1250');
    assert.equal(await page.textContent('[data-test=commission-bp]'), '750');

    // Out of bounds: the server refuses with the error shown.
    await page.evaluate("document.getElementById('discount-bp').removeAttribute('max')");
    await page.fill('[data-test=discount-bp]', '1600');
    await page.click('[data-test=save-split]');
    assert.equal(await page.getAttribute('[data-test=error]', 'data-code'), 'SPLIT_OUT_OF_BOUNDS');

    await page.click('[data-test=logout]');
    await page.waitForURL(`${base}/login`);
    const gone = await page.goto(`${base}/cabinet`);
    assert.ok(gone!.url().startsWith(`${base}/login`));

    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/cabinet`);
    assert.equal((await page.textContent('[data-test=promo-code]'))!.trim(), code);
    assert.equal(await page.inputValue('[data-test=discount-bp]'), '1250');

    // The language switch.
    await page.click('[data-test=lang-switch]');
    assert.match((await page.textContent('h1')) ?? '', /Здравствуйте/);
    await page.close();
  });
});
