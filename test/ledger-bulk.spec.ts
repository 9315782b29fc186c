import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { EntityManager } from 'typeorm';
import { LedgerException } from '../src/ledger/ledger.exception';
import { LedgerService } from '../src/ledger/ledger.service';
import { AccountKind, AccountRef, PostingCause, PostingRequest, PostingResult } from '../src/ledger/ledger.types';
import { normalizePosting } from '../src/ledger/posting-rules';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let second: TestApp;
let ledger: LedgerService;

beforeAll(async () => {
  t = await startTestApp('ledger_bulk', { env: { JOBS_ENABLED: 'false' } });
  second = await startTestApp('ledger_bulk', { databaseUrl: t.databaseUrl, env: { JOBS_ENABLED: 'false' } });
  ledger = t.app.get(LedgerService);
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

const count = async (table: string) => Number((await t.db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
const counts = async () => ({ postings: await count('ledger_postings'), entries: await count('ledger_entries'), accounts: await count('ledger_accounts') });
const acct = (kind: AccountKind, ownerId: string | null, currency = 'RUB'): AccountRef => ({ kind, ownerId, currency });
const expense = (currency = 'RUB') => acct(AccountKind.PlatformCommissionExpense, null, currency);

function move(cause: PostingCause, from: AccountRef, to: AccountRef, amount: bigint, key: string): PostingRequest {
  return { idempotencyKey: key, cause, causeRef: key, description: `${cause} ${amount}`, lines: [{ account: from, amount: -amount }, { account: to, amount }] };
}
const commission = (owner: string, amount: bigint, key = `commission:${randomUUID()}`, currency = 'RUB') =>
  move(PostingCause.Invoice, expense(currency), acct(AccountKind.ReferrerPending, owner, currency), amount, key);
const release = (owner: string, amount: bigint, key = `release:${randomUUID()}`, currency = 'RUB') =>
  move(PostingCause.HoldRelease, acct(AccountKind.ReferrerPending, owner, currency), acct(AccountKind.ReferrerAvailable, owner, currency), amount, key);

const bulk = (reqs: PostingRequest[], app: TestApp = t) => app.db.transaction((m: EntityManager) => app.app.get(LedgerService).postMany(m, reqs));

async function refused(promise: Promise<unknown>, code: string, index?: number): Promise<LedgerException> {
  let caught: LedgerException | undefined;
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof LedgerException, String(err));
    assert.equal(err.code, code, err.message);
    if (index !== undefined) assert.equal((err.details as { index?: number }).index, index, err.message);
    caught = err;
    return true;
  });
  return caught!;
}

describe('postMany', () => {
  it('posts a batch in request order: results, balances, running balances, verify', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const reqs = [commission(a, 100n), commission(b, 50n), release(a, 60n), commission(a, 7n), release(b, 50n)];
    const results = await bulk(reqs);
    assert.equal(results.length, 5);
    assert.ok(results.every((r) => r.created));
    const ids = results.map((r) => BigInt(r.postingId));
    assert.deepEqual([...ids].sort((x, y) => (x < y ? -1 : 1)), ids, 'posting ids follow request order');
    assert.deepEqual(await ledger.balances(a, 'RUB'), { currency: 'RUB', pending: 47n, available: 60n, disputed: 0n, inTransit: 0n, paid: 0n });
    assert.deepEqual(await ledger.balances(b, 'RUB'), { currency: 'RUB', pending: 0n, available: 50n, disputed: 0n, inTransit: 0n, paid: 0n });
    const statement = await ledger.statement(a, 'RUB');
    assert.deepEqual(
      statement.map((l) => [l.account, l.amount, l.balanceAfter]).reverse(),
      [
        [AccountKind.ReferrerPending, 100n, 100n],
        [AccountKind.ReferrerPending, -60n, 40n],
        [AccountKind.ReferrerAvailable, 60n, 60n],
        [AccountKind.ReferrerPending, 7n, 47n],
      ],
    );
    assert.equal(statement[0].postingId, results[3].postingId);
    const report = await ledger.verify();
    assert.equal(report.ok, true, report.firstDiscrepancy);
  });

  it('keeps each posting\'s metadata, occurredAt and description', async () => {
    const owner = randomUUID();
    const occurredAt = new Date('2026-01-02T03:04:05.678Z');
    const metadata = { invoiceId: 'in_"quoted"\\back{,}', nested: { list: [1, 'two', null] } };
    const key = `commission:meta-${owner}`;
    await bulk([commission(owner, 1n), { ...commission(owner, 2n, key), causeRef: `meta-${owner}`, description: 'with, "commas"', metadata, occurredAt }]);
    const [view] = await ledger.postingsByCause(PostingCause.Invoice, `meta-${owner}`);
    assert.deepEqual(view.metadata, metadata);
    assert.equal(view.occurredAt.toISOString(), occurredAt.toISOString());
    assert.equal(view.description, 'with, "commas"');
    assert.equal(view.idempotencyKey, key);
  });

  it('an empty batch writes nothing; a manager outside a transaction gets its own', async () => {
    assert.deepEqual(await ledger.postMany(t.db.manager, []), []);
    const owner = randomUUID();
    const [r] = await ledger.postMany(t.db.manager, [commission(owner, 9n)]);
    assert.equal(r.created, true);
    assert.equal((await ledger.balances(owner, 'RUB')).pending, 9n);
  });

  it('replays a whole batch (and keys repeated inside it) without writing anything', async () => {
    const owner = randomUUID();
    const reqs = [commission(owner, 10n), commission(owner, 20n), release(owner, 30n)];
    const withRepeat = [...reqs, { ...reqs[1], lines: [...reqs[1].lines].reverse(), description: 'redelivered' }];
    const first = await bulk(withRepeat);
    assert.deepEqual(
      first.map((r) => r.created),
      [true, true, true, false],
    );
    assert.equal(first[3].postingId, first[1].postingId);
    const before = await counts();
    const again = await bulk(withRepeat);
    assert.deepEqual(
      again,
      first.map((r) => ({ ...r, created: false })),
    );
    assert.deepEqual(await counts(), before);
    // a batch mixing replays and new postings writes only the new ones
    const mixed = await bulk([reqs[0], commission(owner, 5n), reqs[2]]);
    assert.deepEqual(
      mixed.map((r) => r.created),
      [false, true, false],
    );
    assert.equal((await count('ledger_postings')) - before.postings, 1);
    assert.equal((await ledger.balances(owner, 'RUB')).pending, 5n);
  });

  it('a key posted with different lines is IDEMPOTENCY_CONFLICT for the batch: nothing written, transaction still usable', async () => {
    const owner = randomUUID();
    const stored = commission(owner, 100n);
    await bulk([stored]);
    const before = await counts();
    const fresh = commission(owner, 1n);
    await t.db.transaction(async (m) => {
      const err = await refused(ledger.postMany(m, [fresh, commission(owner, 101n, stored.idempotencyKey)]), 'IDEMPOTENCY_CONFLICT', 1);
      assert.equal(err.httpStatus, 409);
      assert.equal((err.details as { idempotencyKey: string }).idempotencyKey, stored.idempotencyKey);
      // the refusal wrote nothing and the caller's transaction goes on
      const [r] = await ledger.postMany(m, [fresh]);
      assert.equal(r.created, true);
    });
    assert.equal((await counts()).postings, before.postings + 1);
    // inside one batch too
    await refused(bulk([commission(owner, 3n, 'commission:twice-in-a-batch'), commission(owner, 4n, 'commission:twice-in-a-batch')]), 'IDEMPOTENCY_CONFLICT', 1);
    assert.equal((await counts()).postings, before.postings + 1);
    assert.equal((await ledger.balances(owner, 'RUB')).pending, 101n);
  });

  it('checks the overdraft rule against running balances and refuses the whole batch', async () => {
    const owner = randomUUID();
    const available = acct(AccountKind.ReferrerAvailable, owner);
    // a release may use a commission earlier in the same batch...
    await bulk([commission(owner, 100n), release(owner, 40n)]);
    const before = await counts();
    // ...but not one that comes after it
    const err = await refused(bulk([commission(owner, 1n), release(owner, 50n), release(owner, 20n), commission(owner, 500n)]), 'LEDGER_NEGATIVE_BALANCE', 2);
    assert.equal((err.details as { kind: string }).kind, AccountKind.ReferrerPending);
    assert.equal((err.details as { balance: string }).balance, '-9');
    assert.deepEqual(await counts(), before);
    // a clawback may take available below zero; a payout after it may not
    await bulk([{ ...move(PostingCause.Refund, available, expense(), 70n, `refund:${randomUUID()}`), clawback: true }]);
    await refused(bulk([commission(owner, 5n), move(PostingCause.Payout, available, acct(AccountKind.PayoutsInTransit, owner), 1n, `payout:${randomUUID()}`)]), 'LEDGER_NEGATIVE_BALANCE', 1);
    assert.deepEqual(await ledger.balances(owner, 'RUB'), { currency: 'RUB', pending: 60n, available: -30n, disputed: 0n, inTransit: 0n, paid: 0n });
    // the flag decides, not the cause: a refund without it is refused; in transit never goes below zero, even by a clawback
    const more = await counts();
    await refused(bulk([commission(owner, 5n), move(PostingCause.Refund, available, expense(), 1n, `refund:${randomUUID()}`)]), 'LEDGER_NEGATIVE_BALANCE', 1);
    const transit = await refused(
      bulk([{ ...move(PostingCause.Refund, available, expense(), 1n, `refund:${randomUUID()}`), clawback: true }, { ...move(PostingCause.Refund, acct(AccountKind.PayoutsInTransit, owner), expense(), 1n, `refund:${randomUUID()}`), clawback: true }]),
      'LEDGER_NEGATIVE_BALANCE',
      1,
    );
    assert.equal((transit.details as { kind: string }).kind, AccountKind.PayoutsInTransit);
    assert.deepEqual(await counts(), more);
    assert.equal((await ledger.verify()).ok, true);
  });

  it('validates every request first and names the bad one', async () => {
    const owner = randomUUID();
    const before = await counts();
    const unbalanced = { ...commission(owner, 5n), lines: [{ account: expense(), amount: -5n }, { account: acct(AccountKind.ReferrerPending, owner), amount: 6n }] };
    await refused(bulk([commission(owner, 5n), unbalanced]), 'LEDGER_UNBALANCED', 1);
    await refused(bulk([commission(owner, 5n), commission(owner, 5n), { ...commission(owner, 5n), description: '' }]), 'LEDGER_INVALID_REQUEST', 2);
    assert.deepEqual(await counts(), before);
  });
});

/** A fresh currency per side and run: the two sides' accounts (platform ones included) never meet. */
let currencySeq = 0;
function freshCurrency(): string {
  const n = currencySeq++;
  const letter = (i: number) => String.fromCharCode(65 + (i % 26));
  return `Q${letter(Math.floor(n / 26))}${letter(n)}`;
}

type Op = { type: 'commission' | 'release' | 'refund' | 'payout' | 'adjust'; owner: number; amount: number; key: number };

function request(op: Op, owners: string[], currency: string, prefix: string): PostingRequest {
  const o = owners[op.owner];
  const amount = BigInt(op.amount);
  const key = `${prefix}:${op.key}`;
  const a = (kind: AccountKind) => acct(kind, o, currency);
  switch (op.type) {
    case 'commission':
      return move(PostingCause.Invoice, expense(currency), a(AccountKind.ReferrerPending), amount, key);
    case 'release':
      return move(PostingCause.HoldRelease, a(AccountKind.ReferrerPending), a(AccountKind.ReferrerAvailable), amount, key);
    case 'refund':
      return { ...move(PostingCause.Refund, a(AccountKind.ReferrerAvailable), expense(currency), amount, key), clawback: true };
    case 'payout':
      return move(PostingCause.Payout, a(AccountKind.ReferrerAvailable), a(AccountKind.PayoutsInTransit), amount, key);
    case 'adjust': {
      // three lines, two owners, the same account twice
      const other = owners[(op.owner + 1) % owners.length];
      return {
        idempotencyKey: key,
        cause: PostingCause.Adjustment,
        causeRef: key,
        description: 'adjust',
        clawback: true,
        lines: [
          { account: a(AccountKind.ReferrerAvailable), amount },
          { account: acct(AccountKind.ReferrerAvailable, other, currency), amount: -1n },
          { account: acct(AccountKind.PlatformAdjustments, null, currency), amount: -amount },
          { account: a(AccountKind.ReferrerAvailable), amount: 1n },
        ],
      };
    }
  }
}

/** Every entry in the currency, in id order, with keys stripped of the side's prefix. */
async function entriesOf(currency: string): Promise<string[]> {
  const rows: { idempotency_key: string; kind: string; owner_id: string | null; amount: bigint; balance_after: bigint }[] = await t.db.query(
    `SELECT p.idempotency_key, a.kind, a.owner_id, e.amount, e.balance_after
     FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id JOIN ledger_postings p ON p.id = e.posting_id
     WHERE a.currency = $1 ORDER BY e.id`,
    [currency],
  );
  return rows.map((r) => `${r.idempotency_key.split(':').slice(1).join(':')} ${r.kind} ${r.owner_id ?? '-'} ${r.amount} ${r.balance_after}`);
}

/** Which results share a posting, as a shape independent of the ids themselves. */
const shape = (results: PostingResult[]) => results.map((r) => [results.findIndex((x) => x.postingId === r.postingId), r.created]);

describe('postMany equals post() one by one', () => {
  it('on random batches with replays, repeats, clawbacks and refused overdrafts (fast-check)', async () => {
    const opArb = fc.record({
      type: fc.constantFrom<Op['type']>('commission', 'commission', 'release', 'release', 'refund', 'payout', 'adjust'),
      owner: fc.nat({ max: 2 }),
      amount: fc.integer({ min: 1, max: 60 }),
      key: fc.nat({ max: 40 }),
    });
    let refusals = 0;
    let successes = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 12 }), fc.array(opArb, { minLength: 1, maxLength: 30 }), async (earlier, batch) => {
        const owners = [randomUUID(), randomUUID(), randomUUID()];
        const run = randomUUID().slice(0, 8);
        // a key always stands for one payload (a repeat is a redelivery, not a conflict)
        const byKey = new Map<number, Op>();
        const canon = (op: Op) => byKey.get(op.key) ?? (byKey.set(op.key, op), op);
        const pre = earlier.map(canon);
        const ops = batch.map(canon);
        const sides = { seq: freshCurrency(), bulk: freshCurrency() };
        const prefix = (side: string) => `${side}-${run}`;
        // the same history before the batch, on both sides (refused ones simply left out)
        for (const [side, currency] of Object.entries(sides)) {
          for (const op of pre) await ledger.post(t.db.manager, request(op, owners, currency, prefix(side))).catch((err) => assert.ok(err instanceof LedgerException));
        }
        const seqOutcome = await t.db
          .transaction(async (m) => {
            const out: PostingResult[] = [];
            for (const op of ops) out.push(await ledger.post(m, request(op, owners, sides.seq, prefix('seq'))));
            return out;
          })
          .catch((err: unknown) => (err instanceof LedgerException ? err.code : Promise.reject(err)));
        const bulkOutcome = await bulk(ops.map((op) => request(op, owners, sides.bulk, prefix('bulk')))).catch((err: unknown) =>
          err instanceof LedgerException ? err.code : Promise.reject(err),
        );
        if (typeof seqOutcome === 'string') {
          refusals++;
          assert.equal(bulkOutcome, seqOutcome);
        } else {
          successes++;
          assert.ok(typeof bulkOutcome !== 'string', `bulk refused with ${bulkOutcome}`);
          assert.deepEqual(shape(bulkOutcome), shape(seqOutcome));
        }
        assert.deepEqual(await entriesOf(sides.bulk), await entriesOf(sides.seq));
        for (const owner of owners) {
          const { currency: _b, ...bulkBalances } = await ledger.balances(owner, sides.bulk);
          const { currency: _s, ...seqBalances } = await ledger.balances(owner, sides.seq);
          assert.deepEqual(bulkBalances, seqBalances);
        }
      }),
      { numRuns: 40 },
    );
    assert.ok(refusals > 0 && successes > 0, `both outcomes exercised (refused ${refusals}, posted ${successes})`);
    const report = await ledger.verify();
    assert.equal(report.ok, true, report.firstDiscrepancy);
  });
});

describe('concurrent postMany', () => {
  it('overlapping batches from two app instances, sharing accounts and keys in different orders, stay consistent', async () => {
    const owners = Array.from({ length: 12 }, () => randomUUID());
    const run = randomUUID().slice(0, 8);
    // 8 batches of 150 commissions over the same owners; batches i and i+1 share a third of their keys
    const all = Array.from({ length: 600 }, (_, k) => commission(owners[k % owners.length], BigInt(1 + (k % 97)), `commission:${run}-${k}`));
    const batches = Array.from({ length: 8 }, (_, i) => {
      const picked = Array.from({ length: 150 }, (_, j) => all[(i * 75 + j) % all.length]);
      return i % 2 ? picked.reverse() : picked;
    });
    const apps = [t, second];
    const results = await Promise.all(batches.map((b, i) => bulk(b, apps[i % 2])));
    // each key posted exactly once, by exactly one batch
    const created = new Map<string, number>();
    batches.forEach((b, i) => b.forEach((req, j) => results[i][j].created && created.set(req.idempotencyKey, (created.get(req.idempotencyKey) ?? 0) + 1)));
    assert.equal(created.size, all.length);
    assert.ok([...created.values()].every((n) => n === 1));
    const ids = new Map<string, string>();
    batches.forEach((b, i) => b.forEach((req, j) => assert.equal(ids.get(req.idempotencyKey) ?? (ids.set(req.idempotencyKey, results[i][j].postingId), results[i][j].postingId), results[i][j].postingId)));
    for (const [i, owner] of owners.entries()) {
      const expected = all.filter((_, k) => k % owners.length === i).reduce((s, r) => s + r.lines[1].amount, 0n);
      assert.equal((await ledger.balances(owner, 'RUB')).pending, expected);
    }
    const report = await ledger.verify();
    assert.equal(report.ok, true, report.firstDiscrepancy);
  });

  it('the same key with different lines in concurrent batches: one batch posts, the others get IDEMPOTENCY_CONFLICT', async () => {
    const owner = randomUUID();
    const key = `commission:split-${owner}`;
    const apps = [t, second];
    const settled = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => bulk([commission(owner, 1n), commission(owner, BigInt(100 + i), key), commission(owner, 1n)], apps[i % 2])),
    );
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 1);
    for (const s of settled) if (s.status === 'rejected') assert.ok(s.reason instanceof LedgerException && s.reason.code === 'IDEMPOTENCY_CONFLICT', String(s.reason));
    const b = await ledger.balances(owner, 'RUB');
    assert.ok(b.pending >= 102n && b.pending < 108n, String(b.pending));
    assert.equal((await ledger.verify()).ok, true);
  });

  it('postMany and post() running at once on the same accounts keep balances and running balances exact', async () => {
    const owners = Array.from({ length: 4 }, () => randomUUID());
    const run = randomUUID().slice(0, 8);
    const bulkBatches = Array.from({ length: 4 }, (_, i) => Array.from({ length: 100 }, (_, j) => commission(owners[(i + j) % 4], 3n, `commission:${run}-b${i}-${j}`)));
    const singles = Array.from({ length: 40 }, (_, j) => commission(owners[j % 4], 5n, `commission:${run}-s${j}`));
    const apps = [t, second];
    await Promise.all([
      ...bulkBatches.map((b, i) => bulk(b, apps[i % 2])),
      ...singles.map((r, j) => apps[j % 2].db.transaction((m) => apps[j % 2].app.get(LedgerService).post(m, r))),
    ]);
    for (const owner of owners) assert.equal((await ledger.balances(owner, 'RUB')).pending, 100n * 3n + 10n * 5n);
    const report = await ledger.verify();
    assert.equal(report.ok, true, report.firstDiscrepancy);
  });
});

describe('postOwnerMoves (bulk owner moves built in the database)', () => {
  type Row = { key: string; ref: string; owner: string; amount: bigint };
  const shape = { cause: PostingCause.Payout, description: 'Bulk move test', metadata: { batchId: 'b-1', n: 2 }, currency: 'RUB', from: AccountKind.ReferrerAvailable, to: AccountKind.PayoutsInTransit };
  const source = (rows: Row[]) => ({
    sql: `SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::uuid[], $5::bigint[]) AS x(ord, idempotency_key, cause_ref, owner_id, amount)`,
    params: [rows.map((_, i) => rows.length - i), rows.map((r) => r.key), rows.map((r) => r.ref), rows.map((r) => r.owner), rows.map((r) => r.amount.toString())],
  });
  /** What post() would be given for a row (OwnerMoves' contract); rows are posted in ord order, here reversed. */
  const asRequest = (r: Row): PostingRequest => ({
    idempotencyKey: r.key,
    cause: shape.cause,
    causeRef: r.ref,
    description: shape.description,
    metadata: shape.metadata,
    lines: [
      { account: acct(shape.from, r.owner), amount: -r.amount },
      { account: acct(shape.to, r.owner), amount: r.amount },
    ],
  });
  const moves = (rows: Row[]) => t.db.transaction((m: EntityManager) => ledger.postOwnerMoves(m, { ...shape, source: source(rows) }));

  async function funded(n: number): Promise<string[]> {
    const owners = Array.from({ length: n }, () => randomUUID());
    await bulk(owners.flatMap((o) => [commission(o, 1000n), release(o, 1000n)]));
    return owners;
  }

  it('writes what postMany would: same hashes (a replay through postMany is created:false), lines, order, balances', async () => {
    const owners = await funded(3);
    const rows: Row[] = [
      // Posted in ord order, the reverse of this list: the move back (-150) comes last.
      { key: `move:${randomUUID()}`, ref: randomUUID(), owner: owners[0], amount: -150n },
      { key: `move:${randomUUID()}`, ref: randomUUID(), owner: owners[2], amount: 1n },
      { key: `move:${randomUUID()}`, ref: `po_X.1+2:3-4`, owner: owners[1], amount: 1000n },
      { key: `move:${randomUUID()}`, ref: randomUUID(), owner: owners[0], amount: 400n },
    ];
    assert.deepEqual(await moves(rows), { count: 4, created: 4 });
    const ordered = [...rows].reverse();
    const stored: { idempotency_key: string; request_hash: string; cause: string; cause_ref: string; description: string; metadata: unknown; lines: string[] }[] = await t.db.query(
      `SELECT p.idempotency_key, p.request_hash, p.cause, p.cause_ref, p.description, p.metadata,
              array_agg(a.kind || ' ' || e.amount ORDER BY e.id) AS lines
         FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id JOIN ledger_accounts a ON a.id = e.account_id
        WHERE p.idempotency_key = ANY($1::text[]) GROUP BY p.id ORDER BY p.id`,
      [rows.map((r) => r.key)],
    );
    assert.deepEqual(
      stored.map((p) => p.idempotency_key),
      ordered.map((r) => r.key),
      'posting ids follow ord',
    );
    for (const [i, p] of stored.entries()) {
      const r = ordered[i];
      assert.equal(p.request_hash, normalizePosting(asRequest(r)).requestHash, `hash of ${r.key}`);
      assert.deepEqual([p.cause, p.cause_ref, p.description, p.metadata], [shape.cause, r.ref, shape.description, shape.metadata]);
      assert.deepEqual(p.lines, [`${shape.from} ${-r.amount}`, `${shape.to} ${r.amount}`]);
    }
    const replay = await bulk(ordered.map(asRequest));
    assert.ok(replay.every((x) => !x.created));
    assert.deepEqual(await moves(rows), { count: 4, created: 0 }, 'a replay creates nothing');
    assert.deepEqual(await ledger.balances(owners[0], 'RUB'), { currency: 'RUB', pending: 0n, available: 750n, disputed: 0n, inTransit: 250n, paid: 0n });
    assert.ok((await ledger.verify()).ok);
  });

  it('refuses the whole call for a bad row, a repeated key, an overdraft or a conflicting replay; writes nothing', async () => {
    const [owner] = await funded(1);
    const ok = (): Row => ({ key: `move:${randomUUID()}`, ref: randomUUID(), owner, amount: 10n });
    const before = await counts();
    await refused(moves([ok(), { ...ok(), amount: 0n }]), 'LEDGER_INVALID_REQUEST', 0);
    await refused(moves([ok(), { ...ok(), ref: 'has space' }]), 'LEDGER_INVALID_REQUEST', 0);
    await refused(moves([ok(), { ...ok(), key: ' ' }]), 'LEDGER_INVALID_REQUEST', 0);
    const twice = ok();
    await refused(moves([twice, twice]), 'LEDGER_INVALID_REQUEST');
    await refused(moves([ok(), { ...ok(), amount: 5000n }]), 'LEDGER_NEGATIVE_BALANCE', 0);
    await refused(t.db.transaction((m: EntityManager) => ledger.postOwnerMoves(m, { ...shape, clawback: true, from: AccountKind.PayoutsInTransit, to: AccountKind.ReferrerAvailable, source: source([ok()]) })), 'LEDGER_NEGATIVE_BALANCE', 0);
    await refused(t.db.transaction((m: EntityManager) => ledger.postOwnerMoves(m, { ...shape, from: AccountKind.PlatformCommissionExpense, source: source([ok()]) })), 'LEDGER_INVALID_LINES');
    assert.deepEqual(await counts(), before);
    const posted = ok();
    await moves([posted]);
    await refused(moves([ok(), { ...posted, amount: 11n }]), 'IDEMPOTENCY_CONFLICT', 0);
    assert.deepEqual(await moves([]), { count: 0, created: 0 });
  });
});
