import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { LedgerException } from '../src/ledger/ledger.exception';
import { LedgerService } from '../src/ledger/ledger.service';
import { AccountKind, AccountRef, PostingCause, PostingRequest } from '../src/ledger/ledger.types';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let second: TestApp;

beforeAll(async () => {
  t = await startTestApp('ledger_concurrency', { env: { JOBS_ENABLED: 'false' } });
  second = await startTestApp('ledger_concurrency', { databaseUrl: t.databaseUrl, env: { JOBS_ENABLED: 'false' } });
});
afterAll(async () => {
  await second.close();
  await t.close();
});

const expense: AccountRef = { kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency: 'RUB' };
const adjustments: AccountRef = { kind: AccountKind.PlatformAdjustments, ownerId: null, currency: 'RUB' };

describe('concurrent postings', () => {
  it('40 concurrent postings across overlapping (partly new) accounts keep stored balances equal to the entries', async () => {
    const owners = Array.from({ length: 5 }, () => randomUUID());
    const expected = new Map<string, bigint>();
    const requests: PostingRequest[] = [];
    for (let i = 0; i < 40; i++) {
      // each posting touches two or three owners and both platform accounts, in varying line order
      const a = owners[i % 5];
      const b = owners[(i * 3 + 1) % 5];
      const c = owners[(i * 7 + 2) % 5];
      const amounts = [BigInt(100 + i), BigInt(10 + (i % 7)), BigInt(1 + (i % 3))];
      const lines = [
        { account: { kind: AccountKind.ReferrerPending, ownerId: a, currency: 'RUB' }, amount: amounts[0] },
        { account: { kind: AccountKind.ReferrerAvailable, ownerId: b, currency: 'RUB' }, amount: amounts[1] },
        { account: { kind: AccountKind.ReferrerPending, ownerId: c, currency: 'RUB' }, amount: amounts[2] },
        { account: expense, amount: -(amounts[0] + amounts[2]) },
        { account: adjustments, amount: -amounts[1] },
      ];
      if (i % 2) lines.reverse();
      for (const l of lines) {
        const k = `${l.account.kind}|${l.account.ownerId}`;
        expected.set(k, (expected.get(k) ?? 0n) + l.amount);
      }
      requests.push({ idempotencyKey: `adjustment:many:${i}`, cause: PostingCause.Adjustment, causeRef: `many-${i}`, description: `overlap ${i}`, lines });
    }
    const apps = [t, second];
    const results = await Promise.all(requests.map((req, i) => apps[i % 2].db.transaction((m) => apps[i % 2].app.get(LedgerService).post(m, req))));
    assert.ok(results.every((r) => r.created));
    assert.equal(new Set(results.map((r) => r.postingId)).size, 40);

    const ledger = t.app.get(LedgerService);
    for (const owner of owners) {
      const b = await ledger.balances(owner, 'RUB');
      assert.equal(b.pending, expected.get(`${AccountKind.ReferrerPending}|${owner}`) ?? 0n);
      assert.equal(b.available, expected.get(`${AccountKind.ReferrerAvailable}|${owner}`) ?? 0n);
    }
    const report = await ledger.verify();
    assert.equal(report.ok, true, report.firstDiscrepancy);
  });

  it('the same key posted 20 times concurrently, from two app instances, posts once', async () => {
    const owner = randomUUID();
    const req: PostingRequest = {
      idempotencyKey: `commission:in_race_${owner}`,
      cause: PostingCause.Invoice,
      causeRef: `in_race_${owner}`,
      description: 'Commission on a twice-delivered invoice',
      lines: [
        { account: expense, amount: -333n },
        { account: { kind: AccountKind.ReferrerPending, ownerId: owner, currency: 'RUB' }, amount: 333n },
      ],
    };
    const apps = [t, second];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => apps[i % 2].db.transaction((m) => apps[i % 2].app.get(LedgerService).post(m, req))));
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.postingId)).size, 1);
    const [{ n }] = await t.db.query(`SELECT count(*) AS n FROM ledger_postings WHERE idempotency_key = $1`, [req.idempotencyKey]);
    assert.equal(Number(n), 1);
    assert.equal((await t.app.get(LedgerService).balances(owner, 'RUB')).pending, 333n);
    assert.equal((await t.app.get(LedgerService).verify()).ok, true);
  });

  it('the same key with different payloads concurrently: one posts, the others get IDEMPOTENCY_CONFLICT', async () => {
    const owner = randomUUID();
    const key = `commission:in_split_${owner}`;
    const make = (amount: bigint): PostingRequest => ({
      idempotencyKey: key,
      cause: PostingCause.Invoice,
      causeRef: key,
      description: 'conflicting',
      lines: [
        { account: expense, amount: -amount },
        { account: { kind: AccountKind.ReferrerPending, ownerId: owner, currency: 'RUB' }, amount },
      ],
    });
    const apps = [t, second];
    const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => apps[i % 2].db.transaction((m) => apps[i % 2].app.get(LedgerService).post(m, make(BigInt(100 + i))))));
    const won = settled.filter((s) => s.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const s of settled.filter((s) => s.status === 'rejected')) {
      assert.ok(s.reason instanceof LedgerException && s.reason.code === 'IDEMPOTENCY_CONFLICT', String(s.reason));
    }
    const b = await t.app.get(LedgerService).balances(owner, 'RUB');
    assert.ok(b.pending >= 100n && b.pending < 110n);
  });
});
