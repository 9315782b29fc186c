import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/access/role';
import { formatBasisPointsPercent } from '../../src/money/money-format';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { StaffUser, staffUser } from '../support/fake-stripe-connect';
import { PASSWORD } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';
import { contextFor, watchCsp } from './support/pages';

/**
 * An admin's round, in the browser and in each language: sign in and land on the overview, change
 * the budget on the program page and read the change in the history, publish a new offer text and
 * read what changed in the diff.
 */
(browserSkipReason() ? describe.skip : describe)('admin journey in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let admin: StaffUser;

  beforeAll(async () => {
    t = await startTestApp('browser_admin_journey', { env: { COOKIE_SECURE: 'false' } });
    base = t.config.publicBaseUrl;
    admin = await staffUser(t, Role.Admin);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function logIn(lang: 'ru' | 'en'): Promise<Page> {
    const ctx = await contextFor(browser, base, { width: 1280, lang });
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', admin.email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('[data-test=login-form] button[type=submit]');
    await page.waitForURL(`${base}/admin`);
    return page;
  }

  const words = {
    ru: { program: 'Программа', overview: 'Обзор', saved: 'Настройки сохранены.', budget: 'Бюджет', offer: 'Текст оферты', added: 'Добавлено', published: (v: number) => `Версия ${v} опубликована` },
    en: { program: 'Program', overview: 'Overview', saved: 'The settings are saved.', budget: 'Budget', offer: 'Offer text', added: 'Added', published: (v: number) => `Version ${v} is published` },
  };
  const runs = [
    { lang: 'ru' as const, from: 2000, to: 2250, version: 2 },
    { lang: 'en' as const, from: 2250, to: 2500, version: 3 },
  ];

  for (const run of runs) {
    it(`in ${run.lang}: changes the budget and the offer, reads the history and the diff`, async () => {
      const w = words[run.lang];
      const page = await logIn(run.lang);
      const csp = watchCsp(page);
      assert.equal(await page.textContent('.nav-sections a[aria-current=page]'), w.overview);

      // The budget, typed the way the reader writes a percent.
      await page.click(`.nav-sections >> text=${w.program}`);
      await page.waitForURL(`${base}/admin/settings`);
      const typed = formatBasisPointsPercent(run.lang, run.to, 2, true).replace(/\s*%$/, '');
      assert.equal(await page.inputValue('[data-test=f-budget]'), formatBasisPointsPercent(run.lang, run.from, 2, true).replace(/\s*%$/, ''));
      // A wrong value first: the error under the field, the typed value kept.
      await page.fill('[data-test=f-budget]', 'twenty');
      await page.click('[data-test=save-settings]');
      assert.equal(await page.isVisible('[data-test=field-error][data-field=budget]'), true);
      assert.equal(await page.inputValue('[data-test=f-budget]'), 'twenty');
      await page.fill('[data-test=f-budget]', typed);
      await page.click('[data-test=save-settings]');
      await page.waitForURL(`${base}/admin/settings?done=saved`);
      assert.equal((await page.textContent('[data-test=notice]'))?.trim(), w.saved);
      const first = page.locator('[data-test=change]').first();
      assert.equal((await first.locator('[data-test=change-field]').textContent())?.trim(), w.budget);
      assert.equal((await first.locator('[data-test=change-before]').textContent())?.trim(), formatBasisPointsPercent(run.lang, run.from, 2, true));
      assert.equal((await first.locator('[data-test=change-after]').textContent())?.trim(), formatBasisPointsPercent(run.lang, run.to, 2, true));
      assert.ok((await first.textContent())?.includes(admin.email));
      const [budget] = await t.db.query(`SELECT budget_bp FROM program_settings`);
      assert.equal(budget.budget_bp, run.to);

      // The offer: from the overview's Manage card; a new line published as a new version.
      await page.click(`.nav-sections >> text=${w.overview}`);
      await page.click(`[data-test=manage] >> text=${w.offer}`);
      await page.waitForURL(`${base}/admin/offer`);
      const line = `Clause ${run.lang}-${run.version}: payouts are made twice a month.`;
      const text = await page.inputValue('[data-test=offer-text]');
      await page.fill('[data-test=offer-text]', `${text}\n${line}`);
      await page.click('[data-test=publish-offer]');
      await page.waitForURL(`${base}/admin/offer?published=${run.version}`);
      assert.ok((await page.textContent('[data-test=notice]'))?.includes(w.published(run.version)));
      assert.equal(await page.locator('[data-test=offer-version]').count(), run.version);
      await page.click(`[data-test=offer-version][data-version="${run.version}"] [data-test=diff-link]`);
      await page.waitForURL(`${base}/admin/offer/diff?from=${run.version - 1}&to=${run.version}`);
      const added = page.locator('[data-test=diff-line][data-kind=added]');
      assert.equal(await added.count(), 1);
      assert.equal((await added.locator('.diff-tag').textContent())?.trim(), w.added, 'marked by a word, not colour alone');
      assert.equal((await added.locator('.diff-text').textContent())?.trim(), line);
      assert.deepEqual(await page.evaluate('[document.scrollingElement.scrollWidth, innerWidth]'), [1280, 1280]);
      assert.deepEqual(await csp(), []);
      await page.context().close();
    });
  }
});
