import assert from 'node:assert/strict';
import { describeMemberStatementLine, memberStatement } from './fee-statement';

describe('member fee statement', () => {
  const at = (s: string) => new Date(s);
  const lines = memberStatement(
    [
      { leadId: 'l1', leadCompany: 'Romashka', amount: 30_864n, at: at('2026-11-01T10:00:00Z'), side: 'earned' },
      { leadId: 'l2', leadCompany: 'Vasilek', amount: 5_000n, at: at('2026-11-03T10:00:00Z'), side: 'charged' },
    ],
    [
      { id: 'p1', amount: 30_864n, method: 'bank', status: 'paid', at: at('2026-11-05T10:00:00Z'), failureReason: null },
      { id: 'p0', amount: 10_000n, method: 'bank', status: 'failed', at: at('2026-11-02T10:00:00Z'), failureReason: 'account closed' },
    ],
  );

  it('puts fees and payouts together, newest first, signed as the change to what the member is owed', () => {
    assert.deepEqual(
      lines.map((l) => [l.kind, l.amount]),
      [
        ['payout_paid', -30_864n],
        ['fee_charged', -5_000n],
        ['payout_returned', 0n],
        ['fee_earned', 30_864n],
      ],
    );
  });

  it('says each line in words, in both languages, with formatted money and the lead', () => {
    assert.equal(describeMemberStatementLine('en', lines[3], 'RUB'), 'Referral fee for the lead “Romashka” you passed: it was won');
    assert.match(describeMemberStatementLine('ru', lines[1], 'RUB'), /«Vasilek»/);
    assert.match(describeMemberStatementLine('en', lines[0], 'RUB'), /^Payout of .*308[.,]64.* sent to your bank account$/);
    assert.match(describeMemberStatementLine('ru', lines[2], 'RUB'), /100,00\s?₽.*account closed/);
  });
});
