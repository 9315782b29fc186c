import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { Role } from '../../src/access/role';
import { StaffService } from '../../src/auth/staff.service';
import { CampaignSender } from '../../src/campaigns/campaign-sender';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { PASSWORD, uniqueEmail } from '../support/fixtures';
import { linksOf, SmtpSink } from '../support/smtp-sink';
import { startTestApp, TestApp } from '../support/test-app';

(browserSkipReason() ? describe.skip : describe)('a marketer runs a campaign in the console', () => {
  let t: TestApp;
  let browser: Browser;
  let sink: SmtpSink;
  let base: string;
  const marketer = uniqueEmail('marketer', 'handshake.example');

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await startTestApp('browser_campaign', { env: { JOBS_ENABLED: 'false', SMTP_URL: sink.url, MAIL_RATE_PER_SECOND: '1000' } });
    base = t.config.publicBaseUrl;
    await t.app.get(StaffService).create(marketer, PASSWORD, Role.Marketer);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  it('imports an audience, sends a campaign, and sees a registration in the funnel', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${base}/login?next=${encodeURIComponent('/console/audiences')}`);
    await page.fill('input[name=email]', marketer);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/console/audiences`);

    await page.fill('[data-test=create-audience] input[name=name]', 'Browser buyers');
    await page.click('[data-test=create-audience] button');
    await page.waitForSelector('[data-test=notice]');
    const csv = 'email,name,company,city\nnina@buyer.example,Nina Kovaleva,Buyer One,Kazan\noleg@buyer.example,Oleg Ivanov,Buyer Two,Perm\nbroken-address,X,Y,Z\n';
    await page.setInputFiles('[data-test=import-form] input[type=file]', { name: 'buyers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('[data-test=import-form] button');
    await page.waitForSelector('[data-test=import-report][data-status=ok]');
    const report = (await page.textContent('[data-test=import-report]')) ?? '';
    assert.match(report, /Imported: 2\. Updated: 0\. Refused: 1\./);
    assert.match(report, /Line 4: "broken-address" is not a valid email address/);

    await page.goto(`${base}/console/campaigns`);
    await page.fill('[data-test=create-campaign] input[name=name]', 'Browser campaign');
    await page.click('[data-test=create-campaign] button[type=submit]');
    await page.waitForSelector('[data-test=progress][data-status=draft]');
    // The preview is rendered for the audience's first contact.
    const preview = await (await page.waitForSelector('[data-test=preview]')).contentFrame();
    await preview!.waitForSelector('text=Hello Nina,');
    // A template error is refused with its line, and the draft stays as it was.
    await page.fill('[data-test=edit-campaign] textarea[name=body]', '<p>ok</p>\n{{#if x}}');
    await page.click('[data-test=edit-campaign] button[type=submit]');
    assert.equal(await page.getAttribute('[data-test=error]', 'data-code'), 'TEMPLATE_SYNTAX_ERROR');

    await page.click('[data-test=send-now]');
    // Sending cannot be called back: the page asks first, with the number of recipients.
    assert.equal((await page.textContent('[data-test=confirm-question]'))?.trim(), 'Send to 2 recipients now?');
    await page.click('[data-test=confirm-yes]');
    await page.waitForSelector('[data-test=progress][data-status=sending]');
    await t.app.get(CampaignSender).drain();
    await page.reload();
    assert.equal(await page.getAttribute('[data-test=progress]', 'data-status'), 'sent');
    assert.equal(await page.textContent('[data-test=status]'), 'Sent');
    assert.equal(await page.textContent('[data-test=sent]'), '2');

    // Nina follows her personal link and registers as a referrer.
    const parsed = await sink.parse(sink.to('nina@buyer.example')[0]);
    const registerClick = linksOf(parsed.html || '').clicks[0];
    await t.db.query(`UPDATE campaign_sends SET sent_at = sent_at - interval '1 minute'`);
    // Headless Chromium announces itself and would be counted as a link scanner: browse as a person.
    const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
    const buyer = await (await browser.newContext({ locale: 'en-US', userAgent })).newPage();
    await buyer.goto(registerClick);
    assert.match(buyer.url(), /\/register\?c=/);
    await buyer.fill('input[name=email]', 'nina@buyer.example');
    await buyer.fill('input[name=password]', PASSWORD);
    await buyer.fill('input[name=fullName]', 'Nina Kovaleva');
    await buyer.fill('input[name=companyName]', 'Buyer One');
    await buyer.check('[data-test=accept-offer]');
    await buyer.click('[data-test=register-form] button[type=submit]');
    await buyer.waitForURL(`${base}/cabinet`);

    await page.click('[data-test=funnel-link]');
    await page.waitForSelector('[data-test=funnel-chart]');
    assert.match((await page.textContent('[data-stage=registered]')) ?? '', /1$/);
    assert.match((await page.textContent('[data-stage=clickedHuman]')) ?? '', /1$/);
    assert.match((await page.textContent('[data-rate=registration]')) ?? '', /100\.00%/);
    assert.match((await page.textContent('[data-rate=registration]')) ?? '', /Registration rate/, 'a label, not the field name');
  });
});
