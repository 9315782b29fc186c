import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config';

const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/handshake-config-spec' };

describe('config: TRUST_PROXY', () => {
  it('trusts no proxy by default, as the README says', () => {
    assert.equal(loadConfig({ ...base }).trustProxy, false);
    assert.equal(loadConfig({ ...base, TRUST_PROXY: '' }).trustProxy, false);
    assert.equal(loadConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy, false);
  });

  it('takes true, a hop count or a list of addresses, subnets and names', () => {
    assert.equal(loadConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ ...base, TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).trustProxy, ['loopback', '10.0.0.0/8', '::1']);
  });

  it('refuses anything else with one line naming the variable', () => {
    assert.throws(() => loadConfig({ ...base, TRUST_PROXY: 'nginx' }), (e: Error) => e instanceof ConfigError && /TRUST_PROXY/.test(e.message));
    assert.throws(() => loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8/1' }), ConfigError);
  });
});

describe('config: LOG_FORMAT', () => {
  it('is pretty in development and test, json in production, and can be set', () => {
    assert.equal(loadConfig({ ...base, NODE_ENV: 'development' }).logFormat, 'pretty');
    assert.equal(loadConfig({ ...base, LOG_FORMAT: 'json' }).logFormat, 'json');
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), TRACKING_SECRET: 'y'.repeat(32), PAYOUT_DETAILS_KEY: '00'.repeat(32) };
    assert.equal(loadConfig(prod).logFormat, 'json');
    assert.equal(loadConfig({ ...prod, LOG_FORMAT: 'pretty' }).logFormat, 'pretty');
    assert.throws(() => loadConfig({ ...base, LOG_FORMAT: 'xml' }), /LOG_FORMAT must be pretty or json/);
  });
});

describe('config: AUDIENCE_IMPORT_MAX_MB', () => {
  it('defaults to 50 MB and is validated like every number', () => {
    assert.equal(loadConfig({ ...base }).audienceImportMaxBytes, 50 * 1024 * 1024);
    assert.equal(loadConfig({ ...base, AUDIENCE_IMPORT_MAX_MB: '2' }).audienceImportMaxBytes, 2 * 1024 * 1024);
    assert.throws(() => loadConfig({ ...base, AUDIENCE_IMPORT_MAX_MB: 'lots' }), /AUDIENCE_IMPORT_MAX_MB must be an integer/);
  });
});
