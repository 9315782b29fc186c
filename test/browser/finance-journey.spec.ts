import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { Role } from '../../src/access/role';
import { LedgerService } from '../../src/ledger/ledger.service';
import { formatMoney } from '../../src/money/money-format';
import { StripeInboxService } from '../../src/stripe-webhooks/stripe-inbox.service';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { FakeStripe } from '../support/fake-stripe';
import { connectEnv, FakeStripeConnect, StaffUser, staffUser } from '../support/fake-stripe-connect';
import { PASSWORD, registerReferrer } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';
import { contextFor } from './support/pages';

/**
 * A finance clerk's month, in the browser and in each language: find a referrer by name, credit
 * the balance with a reason, put the money into a payout batch, have a second finance user
 * approve and execute it (Stripe Connect, faked), and read the reconciliation that follows.
 */
(browserSkipReason() ? describe.skip : describe)('finance journey in the browser', () => {
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
    t = await startTestApp('browser_finance_journey', { env: { ...connectEnv(fake), COOKIE_SECURE: 'false' } });
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

  async function logIn(email: string, next: string, lang: 'ru' | 'en'): Promise<Page> {
    const ctx = await contextFor(browser, base, { width: 1280, lang });
    const page = await ctx.newPage();
    await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('[data-test=login-form] button[type=submit]');
    await page.waitForURL(`${base}${next}`);
    return page;
  }

  const words = {
    en: { credit: (amount: string, who: string) => `Credit ${amount} to ${who}?`, pay: (amount: string) => `Pay 1 referrer ${amount} now?`, paid: 'Paid' },
    ru: { credit: (amount: string, who: string) => `Начислить ${amount} партнёру ${who}?`, pay: (amount: string) => `Выплатить сейчас ${amount}? Получатели: 1 партнёр.`, paid: 'Выплачено' },
  };

  for (const lang of ['en', 'ru'] as const) {
    it(`${lang}: find, adjust, batch, approve by a second user, execute, reconcile`, async () => {
      const name = lang === 'en' ? 'Vera Journeyman' : 'Вера Путникова';
      const company = lang === 'en' ? 'Journey Foods' : 'Путь-Продукты';
      const r = await registerReferrer(t, { fullName: name, companyName: company });
      const connectRes = await request(t.url).post('/api/payout-details/me/stripe-connect').set('authorization', `Bearer ${r.token}`).expect(201);
      connect.activate(connectRes.body.stripeAccountId);
      await connect.sendAccountUpdated(t.url, connectRes.body.stripeAccountId);
      await t.app.get(StripeInboxService).whenIdle();
      const who = `${name} · ${company}`;
      const amount = formatMoney(lang, 150_000n, 'RUB');

      // Find her by part of her name and choose her.
      const a = await logIn(alice.email, '/finance/adjustments', lang);
      await a.fill('[data-test=find-q]', name.split(' ')[1].slice(0, 6));
      await a.click('[data-test=find-submit]');
      await a.waitForSelector(`[data-test=match][data-referrer="${r.id}"]`);
      await a.click(`[data-test=match][data-referrer="${r.id}"] [data-test=choose]`);
      await a.waitForSelector('[data-test=adjust-form]');
      assert.equal(await a.getAttribute('[data-test=chosen-balance]', 'data-available'), '0');

      // Credit 1 500,00 with a reason; the confirmation says it in words.
      await a.check('[data-test=adjust-credit]');
      await a.fill('[data-test=adjust-amount]', lang === 'ru' ? '1 500,00' : '1500.00');
      await a.fill('[data-test=adjust-reason]', lang === 'ru' ? 'Бонус за пилот' : 'Pilot bonus');
      await a.click('[data-test=adjust-submit]');
      assert.equal((await a.textContent('[data-test=confirm-question]'))?.trim(), words[lang].credit(amount, who));
      await a.click('[data-test=confirm-yes]');
      await a.waitForURL(/\/finance\/adjustments\?done=/);
      assert.ok(((await a.textContent('[data-test=notice]')) ?? '').includes(amount), 'the flash names the amount and the balance');
      assert.equal(await a.getAttribute('[data-test=adjustment-row]', 'data-amount'), '150000', 'newest first in the list');

      // The money is now payable: alice creates the batch.
      await a.goto(`${base}/finance/payouts`);
      assert.equal(await a.getAttribute('[data-test=preview-summary]', 'data-eligible'), '1');
      await a.click('[data-test=create-batch]');
      await a.waitForURL(/\/finance\/payouts\/batches\/[0-9a-f-]{36}\?done=created$/);
      const batchPath = new URL(a.url()).pathname;

      // Bob approves and executes.
      const b = await logIn(bob.email, batchPath, lang);
      await b.click('[data-test=approve]');
      await b.click('[data-test=confirm-yes]');
      await b.waitForURL(/done=approve$/);
      await b.click('[data-test=execute]');
      assert.equal((await b.textContent('[data-test=confirm-question]'))?.trim(), words[lang].pay(amount));
      await b.click('[data-test=confirm-yes]');
      await b.waitForURL(/done=execute$/);
      assert.equal(await b.getAttribute('[data-test=batch-status]', 'data-status'), 'completed');
      assert.equal((await b.textContent('[data-test=item-status]'))?.trim(), words[lang].paid);
      assert.equal(connect.transfers((tr) => tr.destination === connectRes.body.stripeAccountId).length, 1);

      // Reconciliation through the top bar: Stripe's transfers and our payouts agree.
      await b.click('nav a[href="/finance/reconciliation"]');
      await b.waitForSelector('[data-test=rec-state]');
      assert.equal(await b.getAttribute('[data-test=rec-state]', 'data-state'), 'checked');
      assert.equal(await b.getAttribute('[data-test=rec-total-payouts]', 'data-differs'), 'no');
      assert.ok(await b.isVisible('[data-test=rec-agree]'), 'no difference to explain');
      assert.ok(((await b.textContent('[data-test=rec-total-payouts]')) ?? '').includes(formatMoney(lang, lang === 'en' ? 150_000n : 300_000n, 'RUB')), 'both sides hold the payouts of the month');
      const balances = await t.app.get(LedgerService).balances(r.id, 'RUB');
      assert.deepEqual([balances.available, balances.inTransit, balances.paid], [0n, 0n, 150_000n]);
      await a.context().close();
      await b.context().close();
    });
  }
});
