import assert from 'node:assert/strict';
import { effectiveSplit, isWithinBounds } from './split';

const program = { budgetBp: 2000, discountMinBp: 500, discountMaxBp: 1500 };

describe('split math', () => {
  it('commission is the budget minus the discount', () => assert.deepEqual(effectiveSplit(1200, program), { discountBp: 1200, commissionBp: 800, budgetBp: 2000 }));
  it('accepts the bounds themselves', () => {
    assert.ok(isWithinBounds(500, program));
    assert.ok(isWithinBounds(1500, program));
  });
  it('refuses outside the bounds and fractions', () => {
    assert.ok(!isWithinBounds(499, program));
    assert.ok(!isWithinBounds(1501, program));
    assert.ok(!isWithinBounds(1000.5, program));
  });
  it('clamps an old choice into narrowed bounds', () => {
    assert.deepEqual(effectiveSplit(1800, program), { discountBp: 1500, commissionBp: 500, budgetBp: 2000 });
    assert.deepEqual(effectiveSplit(0, program), { discountBp: 500, commissionBp: 1500, budgetBp: 2000 });
  });
});
