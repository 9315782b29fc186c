import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { Role } from '../../src/access/role';
import { createAudience, createCampaign, csvOf } from '../support/campaign-fixtures';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { registerReferrer, staffToken } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';
import { TEMPLATES_DIR } from '../../src/web/view.service';
import { contextFor, watchCsp } from './support/pages';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('security_headers', { env: { TRUST_PROXY: 'loopback' } });
});
afterAll(() => t?.close());

describe('security headers', () => {
  it('every page answers with a CSP without unsafe-inline, no framing, nosniff and a referrer policy; HSTS only over https', async () => {
    for (const path of ['/', '/login', '/register', '/no-such-page', '/assets/site.css']) {
      const res = await request(t.url).get(path).set('accept', 'text/html');
      const csp = res.headers['content-security-policy'] ?? '';
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.match(csp, /style-src 'self'(;|$)/, path);
      assert.doesNotMatch(csp, /unsafe-inline/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
      assert.equal(res.headers['referrer-policy'], 'strict-origin-when-cross-origin', path);
      assert.equal(res.headers['strict-transport-security'], undefined, path);
    }
    // Behind a TLS-terminating proxy (trusted: loopback) the request is https: HSTS is sent.
    const https = await request(t.url).get('/login').set('x-forwarded-proto', 'https').expect(200);
    assert.match(https.headers['strict-transport-security'] ?? '', /max-age=\d+/);
  });

  it('the templates carry no inline script, style block, style attribute or event handler', async () => {
    const offenders: string[] = [];
    for (const dir of ['layouts', 'partials', 'views']) {
      for (const f of readdirSync(join(TEMPLATES_DIR, dir)).filter((x) => x.endsWith('.hbs'))) {
        const text = readFileSync(join(TEMPLATES_DIR, dir, f), 'utf8');
        if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(text) || /<style/i.test(text) || /\sstyle="/i.test(text) || /\son[a-z]+="/i.test(text)) offenders.push(`${dir}/${f}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  (browserSkipReason() ? describe.skip : describe)('in chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(() => browser?.close());

    it('pages with scripts, styles and the framed email preview load with no CSP violation', async () => {
      const base = t.config.publicBaseUrl;
      const r = await registerReferrer(t);
      const marketer = await staffToken(t, Role.Marketer);
      const { id: audienceId } = await createAudience(t, marketer, 'csp-audience', csvOf([['nina@shop.example', 'Nina Petrova', 'Shop']]));
      const campaign = await createCampaign(t, marketer, audienceId);
      const visits: [string | undefined, string][] = [
        [undefined, '/'],
        [undefined, '/login'],
        [undefined, '/suppliers/signup'],
        [r.token, '/cabinet'],
        [marketer, '/console/audiences'],
        [marketer, `/console/campaigns/${campaign.id}`],
      ];
      const problems: string[] = [];
      for (const [token, path] of visits) {
        const ctx = await contextFor(browser, base, { token, width: 1280 });
        const page = await ctx.newPage();
        const violations = watchCsp(page);
        await page.goto(base + path, { waitUntil: 'load' });
        if (path.startsWith('/console/campaigns/')) await (await (await page.waitForSelector('[data-test=preview]')).contentFrame())!.waitForSelector('text=Hello Nina,');
        if (path === '/cabinet') {
          // The page's script runs (it is served from /assets, so CSP allows it).
          await page.fill('[data-test=discount-bp]', '1250');
          assert.equal(await page.textContent('[data-test=discount-pct]'), '12.5%');
        }
        for (const v of await violations()) problems.push(`${path}: ${v}`);
        await ctx.close();
      }
      assert.deepEqual(problems, []);
    });
  });
});
