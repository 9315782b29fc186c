import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { Role } from '../../src/access/role';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { staffToken } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

(browserSkipReason() ? describe.skip : describe)('the top bar', () => {
  let t: TestApp;
  let browser: Browser;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp('top_bar', { env: { COOKIE_SECURE: 'false' } });
    admin = await staffToken(t, Role.Admin);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('under 640 px folds behind a menu button that works from the keyboard without JavaScript', async () => {
    const base = t.config.publicBaseUrl;
    const ctx = await browser.newContext({ viewport: { width: 390, height: 800 }, javaScriptEnabled: false });
    await ctx.addCookies([{ name: 'hs_session', value: admin, url: base }, { name: 'lang', value: 'ru', url: base }]);
    const page = await ctx.newPage();
    await page.goto(`${base}/exchange/admin`);
    assert.equal(await page.isVisible('[data-test=menu-button]'), true);
    assert.equal(await page.isVisible('#site-nav'), false);
    // Tab from the top: skip link, brand, then the menu toggle; Space opens it.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.id'), 'nav-toggle');
    await page.keyboard.press('Space');
    assert.equal(await page.isVisible('#site-nav'), true);
    // Only the admin's sections, the current one marked, and log out.
    const links = await page.$$eval('.nav-sections a', (as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('aria-current')]));
    assert.deepEqual(links, [
      ['/admin', null],
      ['/admin/settings', null],
      ['/admin/referrers', null],
      ['/admin/staff', null],
      ['/finance/payouts', null],
      ['/console/campaigns', null],
      ['/exchange/admin', 'page'],
    ]);
    assert.equal(await page.isVisible('[data-test=logout]'), true);
    assert.deepEqual(await page.evaluate('[document.scrollingElement.scrollWidth, innerWidth]'), [390, 390]);
    await page.click('.nav-sections >> text=Программа');
    assert.ok(page.url().endsWith('/admin/settings'));
    await ctx.close();
  });

  it('the Russian admin bar does not overflow at 390 px, opened or folded, on each admin section', async () => {
    const base = t.config.publicBaseUrl;
    const ctx = await browser.newContext({ viewport: { width: 390, height: 800 }, javaScriptEnabled: false });
    await ctx.addCookies([{ name: 'hs_session', value: admin, url: base }, { name: 'lang', value: 'ru', url: base }]);
    const page = await ctx.newPage();
    for (const path of ['/admin', '/admin/settings', '/admin/referrers', '/admin/staff']) {
      await page.goto(`${base}${path}`);
      assert.deepEqual(await page.evaluate('[document.scrollingElement.scrollWidth, innerWidth]'), [390, 390], `${path} folded`);
      await page.focus('#nav-toggle');
      await page.keyboard.press('Space');
      assert.equal(await page.isVisible('#site-nav'), true);
      assert.deepEqual(await page.evaluate('[document.scrollingElement.scrollWidth, innerWidth]'), [390, 390], `${path} opened`);
      const widest = (await page.$$eval('.nav-sections a', (as) => Math.max(...as.map((a) => a.getBoundingClientRect().right)))) as number;
      assert.ok(widest <= 390, `every entry inside the screen on ${path} (${widest})`);
    }
    await ctx.close();
  });

  it('at 1280 px shows the sections in the bar, without the menu button; logging out is a POST', async () => {
    const base = t.config.publicBaseUrl;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await ctx.addCookies([{ name: 'hs_session', value: admin, url: base }]);
    const page = await ctx.newPage();
    await page.goto(`${base}/console/campaigns`);
    assert.equal(await page.isVisible('[data-test=menu-button]'), false);
    assert.equal(await page.isVisible('.nav-sections a[href="/exchange/admin"]'), true);
    // The admin's overview is marked current on its own pages without a section (/admin/offer).
    await page.goto(`${base}/admin/offer`);
    assert.equal(await page.getAttribute('.nav-sections a[href="/admin"]', 'aria-current'), 'page');
    await page.goto(`${base}/console/campaigns`);
    assert.equal(await page.getAttribute('form.nav-logout', 'method'), 'post');
    await page.click('[data-test=logout]');
    await page.waitForURL(`${base}/login`);
    assert.equal(await page.isVisible('.nav-sections a[href="/register"]'), true);
    await ctx.close();
  });
});
