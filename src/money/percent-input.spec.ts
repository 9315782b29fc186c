import assert from 'node:assert/strict';
import { parsePercentInput } from './percent-input';

describe('percent typed by people', () => {
  it('reads a comma or a point, a percent sign and spaces, as basis points', () => {
    assert.equal(parsePercentInput('2,5', 'f'), 250);
    assert.equal(parsePercentInput('2.55', 'f'), 255);
    assert.equal(parsePercentInput(' 10 % ', 'f'), 1000);
    assert.equal(parsePercentInput('0', 'f'), 0);
    assert.equal(parsePercentInput('100', 'f'), 10_000);
  });
  it('refuses more than two decimals, above 100 % and words, naming the field', () => {
    for (const bad of ['2,555', '100,01', 'abc', '', '-1', '1,2,3']) {
      assert.throws(() => parsePercentInput(bad, 'feePercent'), (e: Error & { code?: string }) => /feePercent/.test(e.message));
    }
  });
});
