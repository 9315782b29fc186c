import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { Role } from '../../src/access/role';
import { CampaignSender } from '../../src/campaigns/campaign-sender';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { staffToken } from '../support/fixtures';
import { linksOf, SmtpSink } from '../support/smtp-sink';
import { startTestApp, TestApp } from '../support/test-app';
import { contextFor } from './support/pages';

const SHOTS = '/tmp/marketer-shots';
const HUMAN = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';

(browserSkipReason() ? describe.skip : describe)('a marketer imports, browses contacts, suppresses, sends and reads the funnel', () => {
  let t: TestApp;
  let browser: Browser;
  let sink: SmtpSink;
  let base: string;
  let token: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await startTestApp('browser_marketer', { env: { JOBS_ENABLED: 'false', SMTP_URL: sink.url, MAIL_RATE_PER_SECOND: '1000', TRUST_PROXY: 'loopback' } });
    base = t.config.publicBaseUrl;
    token = await staffToken(t, Role.Marketer);
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  /** Looks at the page at 390 and 1280 px: no sideways scroll, and a screenshot of each. */
  async function look(page: Page, name: string): Promise<void> {
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
      assert.ok(overflow <= 1, `${name} scrolls sideways by ${overflow}px at ${width}`);
      await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
    }
  }

  for (const lang of ['en', 'ru'] as const) {
    it(`walks the whole job in ${lang}`, async () => {
      const ctx = await contextFor(browser, base, { token, width: 1280, lang });
      const page = await ctx.newPage();
      const name = `Journey ${lang}`;
      await page.goto(`${base}/console/audiences`);
      await page.fill('[data-test=create-audience] input[name=name]', name);
      await page.click('[data-test=create-audience] button');
      await page.waitForSelector('[data-test=notice]');
      const domain = `${lang}.buyer.example`;
      const csv = `email,name,company\nanna@${domain},Anna Petrova,Retail One\nboris@${domain},Boris Orlov,Retail Two\nvera@${domain},Vera Sokolova,Retail One\nanna@${domain},Dup,Dup\nnot-an-address,X,Y\n`;
      await page.selectOption('[data-test=import-form] select[name=audience]', { label: name });
      await page.setInputFiles('[data-test=import-form] input[type=file]', { name: 'buyers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.click('[data-test=import-form] button');
      await page.waitForSelector('[data-test=import-report][data-status=ok]');
      const report = (await page.textContent('[data-test=import-report]')) ?? '';
      assert.match(report, lang === 'ru' ? /Строка 5: тот же адрес, что в строке 2/ : /Line 5: the same address as line 2/);
      assert.match(report, lang === 'ru' ? /Строка 6: «not-an-address» — не адрес/ : /Line 6: "not-an-address" is not a valid email address/);
      await look(page, `audiences-${lang}`);

      // Browse and search the contacts, open one.
      await page.click(`a:text("${name}")`);
      await page.fill('#contact-q', 'retail one');
      await page.click('form[role=search] button');
      assert.deepEqual(await page.$$eval('[data-test=contacts] tr[data-email]', (rows) => rows.map((r) => r.getAttribute('data-email'))), [`anna@${domain}`, `vera@${domain}`]);
      await look(page, `audience-${lang}`);
      await page.click(`a:text("anna@${domain}")`);
      await page.waitForSelector('[data-test=no-history]');
      await look(page, `contact-${lang}`);

      // Suppress Vera by hand.
      await page.click('nav a[href="/console/suppressions"]');
      await page.fill('#sup-email', `vera@${domain}`);
      await page.selectOption('#sup-reason', 'unsubscribed');
      await page.fill('#sup-detail', 'asked by phone');
      await page.click('[data-test=add-suppression] button');
      await page.waitForSelector(`tr[data-email="vera@${domain}"]`);
      await look(page, `suppressions-${lang}`);

      // Send.
      await page.goto(`${base}/console/campaigns`);
      await page.fill('[data-test=create-campaign] input[name=name]', `Campaign ${lang}`);
      await page.selectOption('[data-test=create-campaign] select[name=audienceId]', { label: name });
      await page.click('[data-test=create-campaign] button[type=submit]');
      await page.waitForSelector('[data-test=progress][data-status=draft]');
      await page.click('[data-test=send-now]');
      await page.click('[data-test=confirm-yes]');
      await page.waitForSelector('[data-test=progress][data-status=sending]');
      await t.app.get(CampaignSender).drain();
      await t.db.query(`UPDATE campaign_sends SET sent_at = sent_at - interval '1 minute' WHERE email LIKE $1`, [`%@${domain}`]);
      const links = async (email: string) => linksOf((await sink.parse(sink.to(email)[0])).html || '');
      const anna = await links(`anna@${domain}`);
      const boris = await links(`boris@${domain}`);
      await request(t.url).get(new URL(anna.pixel!).pathname).set('user-agent', HUMAN).expect(200);
      await request(t.url).get(new URL(anna.clicks[0]).pathname).set('user-agent', HUMAN).expect(302);
      await request(t.url).get(new URL(boris.pixel!).pathname).set('user-agent', 'Mozilla/5.0').set('x-forwarded-for', '17.0.0.9').expect(200);
      await request(t.url).get(new URL(boris.clicks[0]).pathname).set('user-agent', 'Mozilla/5.0 (compatible; Barracuda Sentinel)').expect(302);

      await page.goto(`${base}/console/campaigns`);
      const row = page.locator('[data-test=campaigns] tr[data-campaign-row]', { hasText: `Campaign ${lang}` });
      assert.deepEqual(
        await Promise.all(['sent', 'delivered', 'opened', 'registered'].map((k) => row.locator(`[data-test=${k}]`).textContent())),
        ['2', '2', '1', '0'],
      );
      await look(page, `campaigns-${lang}`);
      await row.locator('a').first().click();
      await page.waitForSelector('[data-test=timeline-chart]');
      await look(page, `campaign-${lang}`);

      // Read the funnel.
      await page.click('[data-test=funnel-link]');
      await page.waitForSelector('[data-test=funnel-legend]');
      const figure = async (sel: string) => (await page.textContent(sel))?.trim();
      assert.equal(await figure('[data-cause=privacyProxy] [data-test=cause-opens]'), '1');
      assert.equal(await figure('[data-cause=scanner] [data-test=cause-clicks]'), '1');
      assert.equal(await figure('[data-left-out=unsubscribed] dd'), '1');
      assert.match((await page.textContent('.sr-figures [data-stage=openedHuman]')) ?? '', /1$/);
      assert.match((await page.textContent('.sr-figures [data-stage=clickedMachine]')) ?? '', /1$/);
      // The chart is drawn large enough to read on a phone: its text at least 11 px tall at 390 px.
      await page.setViewportSize({ width: 390, height: 900 });
      const textHeight = await page.$eval('[data-test=funnel-chart] g[data-stage] text', (el) => el.getBoundingClientRect().height);
      assert.ok(textHeight >= 11, `funnel text is ${textHeight}px tall at 390 px`);
      await look(page, `funnel-${lang}`);
      await ctx.close();
    });
  }
});
