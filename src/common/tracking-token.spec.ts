import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSendId, signClick, signToken, signUnsubscribe, verifyClick, verifyToken, verifyUnsubscribe } from './tracking-token';

const secret = 'x'.repeat(40);

describe('tracking tokens', () => {
  it('round-trips and refuses another kind, another secret, or any tampering', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (payload) => {
        const token = signToken(secret, 'o', payload);
        assert.equal(verifyToken(secret, 'o', token), payload);
        assert.equal(verifyToken(secret, 'r', token), undefined);
        assert.equal(verifyToken('y'.repeat(40), 'o', token), undefined);
      }),
    );
    // Every single-character change anywhere is refused (including the spare bits of the last base64 character).
    for (const payload of ['12345', '7|https://example.com/x']) {
      const token = signToken(secret, 'o', payload);
      for (let i = 0; i < token.length; i++) {
        for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') {
          if (ch === token[i]) continue;
          assert.equal(verifyToken(secret, 'o', token.slice(0, i) + ch + token.slice(i + 1)), undefined, `tampered at ${i} with ${ch}`);
        }
      }
    }
    for (const junk of ['', '.', 'abc', 'a.b.c', '%%%.%%%', 12, null, undefined]) assert.equal(verifyToken(secret, 'o', junk), undefined);
  });

  it('click tokens carry only http(s) URLs; unsubscribe tokens carry the address', () => {
    assert.deepEqual(verifyClick(secret, signClick(secret, '7', 'https://example.com/a?b=1|2')), { sendId: '7', url: 'https://example.com/a?b=1|2' });
    assert.equal(verifyClick(secret, signClick(secret, '7', 'javascript:alert(1)')), undefined);
    assert.equal(verifyClick(secret, signToken(secret, 'c', 'x|https://evil.example')), undefined);
    assert.deepEqual(verifyUnsubscribe(secret, signUnsubscribe(secret, '0', 'a@b.example')), { sendId: '0', email: 'a@b.example' });
    assert.equal(parseSendId('12a'), undefined);
  });
});
