import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchBrowser } from '../support/browser';
import request from 'supertest';
import { formatBasisPointsPercent, formatMoney } from '../../src/money/money-format';
import { signUpSupplier } from '../support/fake-stripe-billing';
import { seedAvailable } from '../support/fake-stripe-connect';
import { PASSWORD, registerReferrer, uniqueEmail } from '../support/fixtures';
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
    // The live figures are written as the saved ones are, in the page's language (the server's {{bp}}).
    assert.equal(await page.textContent('[data-test=discount-pct]'), formatBasisPointsPercent('ru', 1250, 2, true));
    await page.fill('[data-test=discount-bp]', '1375');
    assert.equal(await page.textContent('[data-test=discount-pct]'), '13,75\u00a0%');
    assert.equal(await page.textContent('[data-test=commission-pct]'), formatBasisPointsPercent('ru', 625, 2, true));
    await page.close();
  });
  it('sees the dashboard figures first, the same as the API, in English and in Russian', async () => {
    const r = await registerReferrer(t);
    // A person visits the link; the headless browser itself is a bot and is counted apart.
    await request(t.url).get(`/join?ref=${r.code}`).set('user-agent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36').expect(303);
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${base}/join?ref=${r.code}`);
    await signUpSupplier(t.url, { promoCode: r.code });
    await seedAvailable(t, r.id, 50_000n);

    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', r.email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/cabinet`);
    const api = await (await page.request.get(`${base}/api/referrers/me/dashboard`)).json();
    assert.deepEqual([api.visits, api.suppliersSignedUp, api.earnings.available], [{ people: 1, bots: 1 }, 1, '50000']);
    // The figures come before the code and the split.
    const order = await page.evaluate("[...document.querySelectorAll('main [data-test]')].map((e) => e.getAttribute('data-test'))");
    assert.ok((order as string[]).indexOf('dashboard') < (order as string[]).indexOf('promo-code'));
    for (const lang of ['en', 'ru'] as const) {
      if (lang === 'ru') await page.click('[data-test=lang-switch]');
      const figure = async (name: string) => ((await page.textContent(`[data-test=${name}]`)) ?? '').trim();
      assert.equal(await figure('visits-people'), '1');
      assert.equal(await page.getAttribute('[data-test=visits-bots]', 'data-value'), '1');
      assert.equal(await figure('signed-up'), String(api.suppliersSignedUp));
      assert.equal(await figure('paying'), '0');
      assert.equal(await figure('available'), formatMoney(lang, api.earnings.available, 'RUB'));
      assert.equal(await figure('pending'), formatMoney(lang, api.earnings.pending, 'RUB'));
      assert.equal(await figure('paid'), formatMoney(lang, api.earnings.paid, 'RUB'));
      assert.equal(await page.locator('[data-test=month-row]').count(), 12);
      const thisMonth = page.locator('[data-test=month-row]').last();
      assert.equal(await thisMonth.getAttribute('data-amount'), api.months[11].amount);
      assert.equal(((await thisMonth.locator('td.num').textContent()) ?? '').trim(), formatMoney(lang, api.months[11].amount, 'RUB'));
      // Below the minimum and no payout details: said in words, with what is missing.
      const missing = formatMoney(lang, '50000', 'RUB');
      assert.ok(((await page.textContent('[data-test=below-minimum]')) ?? '').includes(missing), `${lang}: missing amount`);
      assert.ok(await page.isVisible('[data-test=needs-details]'));
    }
    await page.close();
  });
});
