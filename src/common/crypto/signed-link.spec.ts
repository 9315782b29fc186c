import assert from 'node:assert/strict';
import { signLink, verifyLink } from './signed-link';

describe('signed links', () => {
  const later = new Date(Date.now() + 3600_000);
  it('round-trips its fields until it expires', () => {
    const t = signLink('s3cret', 'verify-email', ['id-1', 'anna@buyer.ru'], later);
    assert.deepEqual(verifyLink('s3cret', 'verify-email', t), ['id-1', 'anna@buyer.ru']);
    assert.equal(verifyLink('s3cret', 'verify-email', t, new Date(later.getTime() + 1000)), undefined);
  });
  it('refuses another secret, another purpose, a changed field or garbage', () => {
    const t = signLink('s3cret', 'verify-email', ['id-1', 'anna@buyer.ru'], later);
    assert.equal(verifyLink('other', 'verify-email', t), undefined);
    assert.equal(verifyLink('s3cret', 'invite', t), undefined);
    const [payload, mac] = t.split('.');
    const forged = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('anna', 'eve')).toString('base64url');
    assert.equal(verifyLink('s3cret', 'verify-email', `${forged}.${mac}`), undefined);
    for (const bad of [undefined, 42, '', 'a.b.c', 'x'.repeat(2000), '.', `${payload}.`]) assert.equal(verifyLink('s3cret', 'verify-email', bad), undefined);
  });
});
