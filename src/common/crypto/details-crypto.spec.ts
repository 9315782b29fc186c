import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decryptDetails, encryptDetails } from './details-crypto';

describe('payout details encryption', () => {
  const key = randomBytes(32);
  it('round-trips and hides the plaintext', () => {
    const blob = encryptDetails(key, 'owner-1', { accountNumber: '40702810900000012345' });
    assert.ok(!blob.toString('latin1').includes('40702810900000012345'));
    assert.deepEqual(decryptDetails(key, 'owner-1', blob), { accountNumber: '40702810900000012345' });
  });
  it('refuses another owner, another key, or a flipped bit', () => {
    const blob = encryptDetails(key, 'owner-1', { a: 1 });
    assert.throws(() => decryptDetails(key, 'owner-2', blob));
    assert.throws(() => decryptDetails(randomBytes(32), 'owner-1', blob));
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] ^= 1;
    assert.throws(() => decryptDetails(key, 'owner-1', tampered));
  });
});
