import assert from 'node:assert/strict';
import { feeFor, feePostingSides } from './fee';

describe('referral fee on a won deal', () => {
  it('is zero by default', () => assert.equal(feeFor({ kind: 'none' }, 1_000_000n), 0n));
  it('is basis points of the won value, rounded half-up', () => {
    assert.equal(feeFor({ kind: 'percent', bp: 500 }, 1_000_000n), 50_000n);
    assert.equal(feeFor({ kind: 'percent', bp: 1 }, 5_000n), 1n); // 0.5 → 1
    assert.equal(feeFor({ kind: 'percent', bp: 1 }, 4_999n), 0n);
  });
  it('is the fixed amount whatever the value', () => assert.equal(feeFor({ kind: 'fixed', amount: 12_345n }, 1n), 12_345n));
});

describe('who funds the fee', () => {
  it('is the operator by default: nobody but the submitter is touched', () => assert.deepEqual(feePostingSides('operator', 'sub', 'rec'), { debitMemberId: null, creditMemberId: 'sub' }));
  it('is the receiving member when the exchange says so', () => assert.deepEqual(feePostingSides('receiving_member', 'sub', 'rec'), { debitMemberId: 'rec', creditMemberId: 'sub' }));
  it('falls back to the operator when there is no other member to charge', () => {
    assert.deepEqual(feePostingSides('receiving_member', 'sub', null), { debitMemberId: null, creditMemberId: 'sub' });
    assert.deepEqual(feePostingSides('receiving_member', 'sub', 'sub'), { debitMemberId: null, creditMemberId: 'sub' });
  });
});
