import assert from 'node:assert/strict';
import { feeFor } from './fee';

describe('referral fee on a won deal', () => {
  it('is zero by default', () => assert.equal(feeFor({ kind: 'none' }, 1_000_000n), 0n));
  it('is basis points of the won value, rounded half-up', () => {
    assert.equal(feeFor({ kind: 'percent', bp: 500 }, 1_000_000n), 50_000n);
    assert.equal(feeFor({ kind: 'percent', bp: 1 }, 5_000n), 1n); // 0.5 → 1
    assert.equal(feeFor({ kind: 'percent', bp: 1 }, 4_999n), 0n);
  });
  it('is the fixed amount whatever the value', () => assert.equal(feeFor({ kind: 'fixed', amount: 12_345n }, 1n), 12_345n));
});
