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
});
