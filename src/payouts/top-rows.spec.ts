import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TopRows } from './top-rows';

describe('TopRows', () => {
  it('gives what a stable sort of every row and slice(0, limit) give, ties in offer order (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -5n, max: 5n }), { maxLength: 200 }), fc.integer({ min: 0, max: 30 }), (amounts, limit) => {
        const rows = amounts.map((available, i) => ({ available, i }));
        const top = new TopRows<{ available: bigint; i: number }>(limit, (a, b) => a.available > b.available);
        rows.forEach((r) => top.offer(r));
        const expected = [...rows].sort((a, b) => (b.available > a.available ? 1 : b.available < a.available ? -1 : 0)).slice(0, limit);
        assert.deepEqual(top.sorted(), expected);
      }),
      { numRuns: 500 },
    );
  });
});
