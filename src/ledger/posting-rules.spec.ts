import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LedgerException } from './ledger.exception';
import { ACCOUNT_KIND_OVERDRAFT, AccountKind, OverdraftPolicy, PLATFORM_ACCOUNT_KINDS, PostingCause, PostingRequest } from './ledger.types';
import { canonicalPosting, mayOverdraw, normalizePosting } from './posting-rules';

const OWNER = '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const pending = (ownerId = OWNER, currency = 'RUB') => ({ kind: AccountKind.ReferrerPending, ownerId, currency });
const expense = (currency = 'RUB') => ({ kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency });

function request(overrides: Partial<PostingRequest> = {}): PostingRequest {
  return {
    idempotencyKey: 'commission:in_1',
    cause: PostingCause.Invoice,
    causeRef: 'in_1',
    description: 'Commission on invoice in_1',
    lines: [
      { account: expense(), amount: -1500n },
      { account: pending(), amount: 1500n },
    ],
    ...overrides,
  };
}

function refusedWith(code: string, req: unknown): void {
  assert.throws(
    () => normalizePosting(req as PostingRequest),
    (err: unknown) => err instanceof LedgerException && err.code === code,
  );
}

describe('posting validation', () => {
  it('accepts a balanced two-line posting and normalizes the owner id', () => {
    const p = normalizePosting(request({ lines: [{ account: expense(), amount: -5n }, { account: pending(OWNER.toUpperCase()), amount: 5n }] }));
    assert.equal(p.lines[1].account.ownerId, OWNER);
    assert.match(p.requestHash, /^[0-9a-f]{64}$/);
  });

  it('refuses fewer than two lines', () => {
    refusedWith('LEDGER_INVALID_LINES', request({ lines: [{ account: pending(), amount: 5n }] }));
    refusedWith('LEDGER_INVALID_LINES', request({ lines: [] }));
  });

  it('refuses zero, non-bigint and out-of-range amounts', () => {
    refusedWith('LEDGER_INVALID_LINES', request({ lines: [{ account: expense(), amount: 0n }, { account: pending(), amount: 0n }] }));
    refusedWith('LEDGER_INVALID_LINES', request({ lines: [{ account: expense(), amount: -5 as unknown as bigint }, { account: pending(), amount: 5n }] }));
    refusedWith('LEDGER_INVALID_LINES', request({ lines: [{ account: expense(), amount: -(2n ** 63n) }, { account: pending(), amount: 2n ** 63n }] }));
  });

  it('refuses unknown kinds, bad currencies and wrong owners', () => {
    refusedWith('LEDGER_INVALID_LINES', request({ lines: [{ account: expense(), amount: -5n }, { account: { kind: 'wallet' as AccountKind, ownerId: OWNER, currency: 'RUB' }, amount: 5n }] }));
    refusedWith('LEDGER_INVALID_LINES', request({ lines: [{ account: expense('rub'), amount: -5n }, { account: pending(OWNER, 'rub'), amount: 5n }] }));
    refusedWith('LEDGER_INVALID_LINES', request({ lines: [{ account: { ...expense(), ownerId: OWNER }, amount: -5n }, { account: pending(), amount: 5n }] }));
    refusedWith('LEDGER_INVALID_LINES', request({ lines: [{ account: expense(), amount: -5n }, { account: pending(null as unknown as string), amount: 5n }] }));
    refusedWith('LEDGER_INVALID_LINES', request({ lines: [{ account: expense(), amount: -5n }, { account: pending('not-a-uuid'), amount: 5n }] }));
  });

  it('refuses postings that do not sum to zero per currency, even when the grand total is zero', () => {
    refusedWith('LEDGER_UNBALANCED', request({ lines: [{ account: expense(), amount: -5n }, { account: pending(), amount: 6n }] }));
    refusedWith(
      'LEDGER_UNBALANCED',
      request({
        lines: [
          { account: expense('RUB'), amount: -5n },
          { account: pending(OWNER, 'USD'), amount: 5n },
        ],
      }),
    );
  });

  it('refuses a request without key, cause, cause reference or description', () => {
    refusedWith('LEDGER_INVALID_REQUEST', request({ idempotencyKey: '' }));
    refusedWith('LEDGER_INVALID_REQUEST', request({ cause: 'gift' as PostingCause }));
    refusedWith('LEDGER_INVALID_REQUEST', request({ causeRef: ' ' }));
    refusedWith('LEDGER_INVALID_REQUEST', request({ description: '' }));
    refusedWith('LEDGER_INVALID_REQUEST', request({ occurredAt: new Date('nope') }));
  });

  it('hashes the same lines in any order alike, and different lines or causes differently', () => {
    const a = normalizePosting(request());
    const b = normalizePosting(request({ lines: [...request().lines].reverse(), description: 'other words', metadata: { x: 1 } }));
    assert.equal(a.requestHash, b.requestHash);
    const c = normalizePosting(request({ lines: [{ account: expense(), amount: -1501n }, { account: pending(), amount: 1501n }] }));
    assert.notEqual(a.requestHash, c.requestHash);
    assert.notEqual(a.requestHash, normalizePosting(request({ causeRef: 'in_2' })).requestHash);
  });

  it('keeps the canonical form and hash stable (stored request hashes and bulk writers depend on it)', () => {
    const p = normalizePosting(
      request({
        idempotencyKey: 'payout-item:item-1',
        cause: PostingCause.Payout,
        causeRef: 'item-1',
        lines: [
          { account: { kind: AccountKind.ReferrerAvailable, ownerId: OWNER, currency: 'RUB' }, amount: -500n },
          { account: { kind: AccountKind.PayoutsInTransit, ownerId: OWNER, currency: 'RUB' }, amount: 500n },
        ],
      }),
    );
    assert.equal(
      canonicalPosting(p.cause, p.causeRef, p.lines),
      `{"cause":"payout","causeRef":"item-1","lines":[["payouts_in_transit","${OWNER}","RUB","500"],["referrer_available","${OWNER}","RUB","-500"]]}`,
    );
    assert.equal(p.requestHash, 'bb05c1792580b53d4d7b00f1610235e219d2894c45d43b4026f7705197f90f04');
  });

  it('any random balanced set of lines is accepted; changing one amount makes it unbalanced', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 1, maxLength: 8 }), fc.bigInt({ min: 1n, max: 1000n }), (amounts, bump) => {
        const total = amounts.reduce((s, x) => s + x, 0n);
        const lines = [{ account: expense(), amount: -total }, ...amounts.map((amount) => ({ account: pending(), amount }))];
        normalizePosting(request({ lines }));
        const broken = lines.map((l, i) => (i === 1 ? { ...l, amount: l.amount + bump } : l));
        refusedWith('LEDGER_UNBALANCED', request({ lines: broken }));
      }),
    );
  });
});

describe("overdraft: the account kind plus the posting's clawback flag", () => {
  it("platform accounts always may; a referrer's pending, available and disputed only by a clawback; in transit and paid never", () => {
    assert.deepEqual(Object.keys(ACCOUNT_KIND_OVERDRAFT).sort(), Object.values(AccountKind).sort(), 'every kind has a policy');
    const table = Object.values(AccountKind).map((k) => [k, mayOverdraw(k, false), mayOverdraw(k, true)]);
    assert.deepEqual(table, [
      [AccountKind.ReferrerPending, false, true],
      [AccountKind.ReferrerAvailable, false, true],
      [AccountKind.ReferrerDisputed, false, true],
      [AccountKind.PayoutsInTransit, false, false],
      [AccountKind.ReferrerPaid, false, false],
      [AccountKind.PlatformCommissionExpense, true, true],
      [AccountKind.PlatformAdjustments, true, true],
    ]);
    for (const k of PLATFORM_ACCOUNT_KINDS) assert.equal(ACCOUNT_KIND_OVERDRAFT[k], OverdraftPolicy.Always);
  });

  it("the flag is the caller's, whatever the cause, defaults to false, and is not hashed", () => {
    assert.equal(normalizePosting(request({ cause: PostingCause.Refund })).clawback, false);
    assert.equal(normalizePosting(request({ cause: PostingCause.Invoice, clawback: true })).clawback, true);
    assert.equal(normalizePosting(request({ clawback: true })).requestHash, normalizePosting(request()).requestHash);
    refusedWith('LEDGER_INVALID_REQUEST', request({ clawback: 1 as unknown as boolean }));
  });
});
