import assert from 'node:assert/strict';
import { canMove, DEAL_STATUSES, DealStatus } from './deal-status';

describe('deal status order', () => {
  const allowed = new Set(['accepted>contacted', 'accepted>lost', 'contacted>proposal', 'contacted>lost', 'proposal>won', 'proposal>lost']);
  for (const from of DEAL_STATUSES) {
    for (const to of DEAL_STATUSES) {
      const key = `${from}>${to}`;
      it(`${from} → ${to} is ${allowed.has(key) ? 'allowed' : 'refused'}`, () => assert.equal(canMove(from as DealStatus, to as DealStatus), allowed.has(key)));
    }
  }
});
