import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/access/role';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { StaffUser, staffUser } from '../support/fake-stripe-connect';
import { PASSWORD, uniqueEmail } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';
import { contextFor } from './support/pages';

/**
 * An admin's staff work in the browser, in each language: invite a finance person (the invitation
 * in the chosen language), the invitee sets a password from the link and lands in their pages,
 * then the admin disables them (a confirm page first) and their open page stops working at once.
 */
(browserSkipReason() ? describe.skip : describe)('staff journey in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let admin: StaffUser;

  beforeAll(async () => {
    t = await startTestApp('browser_staff_journey', { env: { COOKIE_SECURE: 'false', JOBS_ENABLED: 'false' } });
    base = t.config.publicBaseUrl;
    admin = await staffUser(t, Role.Admin);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function logIn(email: string, next: string, lang: 'ru' | 'en', width = 1280): Promise<Page> {
    const ctx = await contextFor(browser, base, { width, lang });
    const page = await ctx.newPage();
    await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('[data-test=login-form] button[type=submit]');
    await page.waitForURL(`${base}${next}`);
    return page;
  }

  const words = {
    en: { subject: /You are invited to/, invited: 'Invitation sent to', role: 'Finance', disabled: 'Disabled', question: 'Disable', done: 'is disabled' },
    ru: { subject: /Приглашение в/, invited: 'Приглашение отправлено на', role: 'Финансы', disabled: 'Отключён', question: 'Отключить', done: 'отключён(а)' },
  };

  for (const lang of ['ru', 'en'] as const) {
    it(`${lang}: invite finance, the invitee sets a password from the link, the admin disables them`, async () => {
      const w = words[lang];
      const email = uniqueEmail(`fin-${lang}`, 'handshake.example');
      const a = await logIn(admin.email, '/admin/staff', lang);
      await a.click('[data-test=invite-link]');
      await a.waitForSelector('[data-test=invite-form]');
      await a.fill('[data-test=invite-email]', email);
      await a.selectOption('[data-test=invite-role]', 'finance');
      await a.selectOption('[data-test=invite-locale]', lang);
      await a.click('[data-test=invite-submit]');
      await a.waitForSelector('[data-test=notice]');
      assert.ok((await a.textContent('[data-test=notice]'))!.includes(`${w.invited} ${email}`));
      const row = `[data-test=staff-row][data-email="${email}"]`;
      assert.equal(await a.getAttribute(row, 'data-status'), 'invited');
      assert.ok((await a.textContent(row))!.includes(w.role));

      // The invitation, in the chosen language, in the outbox.
      const [mail] = await t.db.query(`SELECT subject, text_body FROM mail_outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1`, [email]);
      assert.match(mail.subject, w.subject);
      const link = /(http\S+\/invite\/[A-Za-z0-9_-]+)/.exec(mail.text_body)![1];

      // The invitee opens the link on a phone, chooses a password and is signed in.
      const ctx = await contextFor(browser, base, { width: 390, lang });
      const p = await ctx.newPage();
      await p.goto(link);
      await p.waitForSelector('[data-test=invite-accept-form]');
      assert.deepEqual(await p.evaluate('[document.scrollingElement.scrollWidth, innerWidth]'), [390, 390]);
      await p.fill('[data-test=invite-password]', 'password1234');
      await p.click('[data-test=invite-accept]');
      await p.waitForSelector('[data-test=field-error][data-field=password]');
      await p.fill('[data-test=invite-password]', 'marble-kettle-sunrise-48');
      await p.click('[data-test=invite-accept]');
      await p.waitForURL((u) => u.pathname === '/finance' || u.pathname === '/account/two-factor');
      // The link is used up.
      const again = await ctx.newPage();
      await again.goto(link);
      await again.waitForSelector('[data-test=invite-state][data-state=used]');
      await again.close();

      // The admin sees them active, then disables them after a confirm page.
      await a.goto(`${base}/admin/staff`);
      assert.equal(await a.getAttribute(row, 'data-status'), 'active');
      await a.click(`${row} [data-test=disable]`);
      await a.waitForSelector('[data-test=confirm-question]');
      assert.ok((await a.textContent('[data-test=confirm-question]'))!.includes(`${w.question} ${email}`));
      assert.ok(await a.isVisible('[data-test=confirm-detail]'));
      await a.click('[data-test=confirm-yes]');
      await a.waitForSelector('[data-test=notice]');
      assert.ok((await a.textContent('[data-test=notice]'))!.includes(w.done));
      assert.equal(await a.getAttribute(row, 'data-status'), 'disabled');
      assert.ok((await a.textContent(row))!.includes(w.disabled));

      // Their open page no longer opens: back to the login form.
      await p.goto(`${base}/finance`);
      await p.waitForURL((u) => u.pathname === '/login');
      await ctx.close();
      await a.context().close();
    });
  }
});
