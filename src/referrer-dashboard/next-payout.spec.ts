import assert from 'node:assert/strict';
import { nextPayout } from './next-payout';

const d = (s: string) => new Date(s);

describe('nextPayout', () => {
  it('is ready when available reaches the minimum and details are usable', () => {
    assert.deepEqual(nextPayout({ available: 150_000n, pending: 5n }, 100_000n, true, []), { state: 'ready', amount: 150_000n, expectedAt: null, blockers: [] });
  });

  it('says how much is missing, that details are needed, and until when money is held; expects the payout when the holds bring it over the minimum', () => {
    const plan = nextPayout({ available: 40_000n, pending: 90_000n }, 100_000n, false, [
      { availableAt: d('2026-12-10T00:00:00Z'), amount: 30_000n },
      { availableAt: d('2026-12-20T00:00:00Z'), amount: 40_000n },
      { availableAt: d('2027-01-05T00:00:00Z'), amount: 20_000n },
    ]);
    assert.equal(plan.state, 'blocked');
    assert.deepEqual(plan.blockers, [
      { kind: 'below_minimum', amount: 60_000n, until: null },
      { kind: 'no_payout_details', amount: 0n, until: null },
      { kind: 'on_hold', amount: 90_000n, until: d('2027-01-05T00:00:00Z') },
    ]);
    assert.deepEqual([plan.expectedAt, plan.amount], [d('2026-12-20T00:00:00Z'), 110_000n]);
  });

  it('a negative balance must be earned back first; nothing earned is no blocker', () => {
    const plan = nextPayout({ available: -2_500n, pending: 0n }, 100_000n, true, []);
    assert.deepEqual(plan.blockers, [{ kind: 'negative_balance', amount: 2_500n, until: null }]);
    assert.deepEqual(nextPayout({ available: 0n, pending: 0n }, 100_000n, false, []), { state: 'nothing', amount: 0n, expectedAt: null, blockers: [] });
  });
});
