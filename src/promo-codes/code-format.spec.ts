import assert from 'node:assert/strict';
import { CODE_ALPHABET, generateCode, isWellFormedCode, normalizeCode } from './code-format';

describe('promo code format', () => {
  it('has no look-alike characters', () => {
    for (const c of '0O1IL') assert.ok(!CODE_ALPHABET.includes(c), c);
  });
  it('generates well-formed, distinct codes of at least 8 characters', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateCode();
      assert.ok(code.length >= 8);
      assert.ok(isWellFormedCode(code), code);
      seen.add(code);
    }
    assert.equal(seen.size, 2000);
  });
  it('is case-insensitive and ignores dashes', () => assert.equal(normalizeCode(' abcd-efgh2 '), 'ABCDEFGH2'));
  it('rejects malformed input', () => {
    for (const bad of ['SHORT', 'ABCDEFG0', 'ABCDEFGI', 'ABC$EFGHJ', 'A'.repeat(17)]) assert.ok(!isWellFormedCode(normalizeCode(bad)), bad);
  });
});
