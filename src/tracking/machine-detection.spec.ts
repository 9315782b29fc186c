import assert from 'node:assert/strict';
import { classifyClick, classifyOpen } from './machine-detection';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

describe('machine detection', () => {
  it('sets Apple privacy-proxy and scanner opens apart', () => {
    assert.deepEqual(classifyOpen(CHROME, '203.0.113.5', 'GET'), { machine: false, reason: null });
    assert.equal(classifyOpen('Mozilla/5.0', '203.0.113.5', 'GET').reason, 'privacy-proxy-agent');
    assert.equal(classifyOpen(CHROME, '17.58.1.2', 'GET').reason, 'apple-privacy-proxy');
    assert.equal(classifyOpen(CHROME, '::ffff:17.1.2.3', 'GET').reason, 'apple-privacy-proxy');
    assert.equal(classifyOpen('Barracuda Sentinel', '198.51.100.1', 'GET').reason, 'scanner-agent');
  });

  it('sets fast and scanner clicks apart', () => {
    assert.equal(classifyClick(CHROME, '203.0.113.5', 'GET', 3_000).reason, 'too-soon-after-delivery');
    assert.equal(classifyClick(CHROME, '203.0.113.5', 'GET', 60_000).machine, false);
    assert.equal(classifyClick('Mozilla/5.0 (compatible; Mimecast)', '203.0.113.5', 'GET', 60_000).reason, 'scanner-agent');
    assert.equal(classifyClick(CHROME, '203.0.113.5', 'HEAD', 60_000).machine, true);
  });

  const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';
  const IPHONE_MAIL = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
  const OUTLOOK = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)';

  it('knows scanners and HTTP libraries by isbot, including ones the old hand-written list missed', () => {
    for (const ua of [
      'Barracuda Sentinel (EE)',
      'Mozilla/5.0 (compatible; Proofpoint)',
      'Trend Micro InterScan',
      'Wget/1.21.4',
      'libwww-perl/6.72',
      'Mozilla/5.0 (compatible; Mimecast-URL-Protect)',
      'Microsoft Office SafeLinks',
      'python-requests/2.31.0',
      'Go-http-client/1.1',
      'curl/8.5.0',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36',
      // Missed by the old list:
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      'axios/1.6.7',
      'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
      'Apache-HttpClient/4.5.14 (Java/17.0.9)',
      'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
      'PostmanRuntime/7.36.1',
    ]) {
      assert.equal(classifyClick(ua, '203.0.113.5', 'GET', 60_000).reason, 'scanner-agent', ua);
      assert.equal(classifyOpen(ua, '203.0.113.5', 'GET').reason, 'scanner-agent', ua);
    }
  });

  it('leaves people alone: browsers, mail apps, and webmail proxies that fetch images on opening', () => {
    for (const ua of [CHROME, SAFARI, IPHONE_MAIL, OUTLOOK]) {
      assert.deepEqual(classifyOpen(ua, '203.0.113.5', 'GET'), { machine: false, reason: null }, ua);
      assert.deepEqual(classifyClick(ua, '203.0.113.5', 'GET', 60_000), { machine: false, reason: null }, ua);
    }
    assert.equal(classifyOpen('Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)', '66.249.84.1', 'GET').machine, false);
    assert.equal(classifyOpen('YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html', '98.136.1.1', 'GET').machine, false);
  });

  it('keeps our own rules over the agent list: Apple proxy address, bare agent, HEAD, click timing', () => {
    assert.equal(classifyOpen(SAFARI, '17.58.1.2', 'GET').reason, 'apple-privacy-proxy');
    assert.equal(classifyOpen('', '203.0.113.5', 'GET').reason, 'privacy-proxy-agent');
    assert.equal(classifyOpen(SAFARI, '203.0.113.5', 'HEAD').reason, 'head-request');
    assert.equal(classifyClick(SAFARI, '17.1.2.3', 'GET', 60_000).reason, 'apple-privacy-proxy');
    assert.equal(classifyClick(SAFARI, '203.0.113.5', 'GET', 9_999).reason, 'too-soon-after-delivery');
    assert.equal(classifyClick(SAFARI, '203.0.113.5', 'GET', null).machine, false);
    assert.equal(classifyClick('', '203.0.113.5', 'GET', 60_000).reason, 'scanner-agent');
  });
});
