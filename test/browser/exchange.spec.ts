import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/access/role';
import { StaffService } from '../../src/auth/staff.service';
import { addTags, adminToken, member, Member } from '../exchange-fixtures';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { PASSWORD, uniqueEmail } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

(browserSkipReason() ? describe.skip : describe)('the lead exchange in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let sender: Member;
  let receiver: Member;
  const adminEmail = uniqueEmail('operator', 'handshake.example');

  beforeAll(async () => {
    t = await startTestApp('browser_exchange', { env: { COOKIE_SECURE: 'true', JOBS_ENABLED: 'false' } });
    base = t.config.publicBaseUrl;
    const admin = await adminToken(t);
    await t.app.get(StaffService).create(adminEmail, PASSWORD, Role.Admin);
    await addTags(t, admin, ['wms']);
    sender = await member(t, admin, { company: 'Sender LLC' });
    receiver = await member(t, admin, { company: 'Receiver LLC', tags: ['wms'] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page expression (a string: the test code is compiled without DOM types). */
  const dealStatusIs = (status: string) => `document.querySelector('[data-test=inbox-row] [data-test=deal-status]')?.dataset.status === '${status}'`;

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

  it('a member submits a lead, another accepts it and marks it won, the operator sees it in the analytics', async () => {
    const a = await logIn(sender.email, '/exchange');
    await a.fill('[data-test=lead-company]', 'Warehouse Client');
    await a.fill('[data-test=lead-contact]', 'Nina Kovaleva');
    await a.fill('[data-test=lead-tags]', 'wms');
    await a.fill('[data-test=lead-needs]', 'Warehouse management for three sites');
    // A negative budget is refused on the page, with the error code shown.
    await a.fill('[data-test=lead-budget]', '-1');
    await a.selectOption('[data-test=lead-authority]', 'decision_maker');
    await a.selectOption('[data-test=lead-need]', 'urgent');
    await a.fill('[data-test=lead-timeline]', '14');
    await a.click('[data-test=lead-submit]');
    assert.equal(await a.getAttribute('[data-test=error]', 'data-code'), 'BUDGET_NEGATIVE');
    await a.fill('[data-test=lead-budget]', '4 000 000'); // major units as people type them (4,000,000.00 RUB)
    await a.selectOption('[data-test=lead-authority]', 'decision_maker');
    await a.selectOption('[data-test=lead-need]', 'urgent');
    await a.click('[data-test=lead-submit]');
    await a.waitForSelector('[data-test=notice]');
    assert.match((await a.textContent('[data-test=notice]')) ?? '', /score 500, sales-ready/);
    assert.equal((await a.textContent('[data-test=submitted-row] [data-test=submitted-status]'))?.trim(), '—');

    const b = await logIn(receiver.email, '/exchange');
    const row = '[data-test=inbox-row][data-company="Warehouse Client"]';
    await b.click(`${row} [data-test=accept]`);
    await b.waitForSelector(`${row} [data-test=status-form]`);
    for (const status of ['contacted', 'proposal']) {
      await b.selectOption(`${row} [data-test=status-select]`, status);
      // The value, reason and note fields sit folded under the select (compact rows).
      await b.click(`${row} [data-test=deal-details] summary`);
      await b.fill(`${row} [data-test=note]`, `private ${status} note`);
      await b.click(`${row} [data-test=move]`);
      await b.waitForFunction(dealStatusIs(status));
    }
    await b.selectOption(`${row} [data-test=status-select]`, 'won');
    await b.click(`${row} [data-test=deal-details] summary`);
    await b.fill(`${row} [data-test=won-value]`, '75000');
    await b.click(`${row} [data-test=move]`);
    await b.waitForFunction(dealStatusIs('won'));

    // The sender sees the status, not the notes.
    await a.reload();
    assert.equal((await a.textContent('[data-test=submitted-row] [data-test=submitted-status]'))?.trim(), 'Won');
    assert.ok(!(await a.content()).includes('private contacted note'));

    const op = await logIn(adminEmail, '/exchange/admin/analytics');
    const rec = '[data-test=receiver-row][data-company="Receiver LLC"]';
    assert.equal((await op.textContent(`${rec} [data-test=won]`))?.trim(), '1');
    assert.equal((await op.textContent(`${rec} [data-test=won-value]`))?.trim(), 'RUB\u00a075,000.00');
    assert.equal((await op.textContent(`${rec} [data-test=win-rate]`))?.trim(), '100.00%');
    assert.equal((await op.textContent('[data-test=source-row][data-company="Sender LLC"] [data-test=source-leads]'))?.trim(), '1');
  });
});
