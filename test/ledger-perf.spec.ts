import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { LedgerService } from '../src/ledger/ledger.service';
import { AccountKind, PostingCause } from '../src/ledger/ledger.types';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Sizing runs, skipped unless LEDGER_PERF=1 (they take a few minutes and print figures, not assert
 * timings): `LEDGER_PERF=1 node scripts/run-tests.js ledger-perf`. Sizes: LEDGER_PERF_POSTS (post()
 * from 32 callers), LEDGER_PERF_MANY (one postMany call), LEDGER_PERF_BATCHED (postMany in batches of
 * 500), LEDGER_PERF_OWNERS / LEDGER_PERF_BULK_POSTINGS (verify of a bulk-loaded ledger).
 */
const skip = process.env.LEDGER_PERF ? false : 'set LEDGER_PERF=1 to run the ledger sizing runs';

(skip ? describe.skip : describe)('ledger sizing', () => {
  let t: TestApp;
  let ledger: LedgerService;
  beforeAll(async () => {
    t = await startTestApp('ledger_perf', { env: { JOBS_ENABLED: 'false' } });
    ledger = t.app.get(LedgerService);
  });
  afterAll(() => t?.close());

  it('posts commissions from 32 concurrent callers', async () => {
    const owners = Array.from({ length: 2000 }, () => randomUUID());
    const total = Number(process.env.LEDGER_PERF_POSTS ?? 4000);
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < total) {
          const i = next++;
          const owner = owners[i % owners.length];
          await t.db.transaction(async (m) => {
            if (process.env.LEDGER_PERF_ASYNC_COMMIT) await m.query('SET LOCAL synchronous_commit = off');
            return ledger.post(m, {
              idempotencyKey: `commission:perf_${i}`,
              cause: process.env.LEDGER_PERF_NO_HOT ? PostingCause.Adjustment : PostingCause.Invoice,
              // LEDGER_PERF_NO_HOT takes the owner's disputed balance below zero: a clawback
              clawback: !!process.env.LEDGER_PERF_NO_HOT,
              causeRef: `perf_${i}`,
              description: 'perf',
              lines: [
                // LEDGER_PERF_NO_HOT=1: no platform account, to compare against the hot-account case
                process.env.LEDGER_PERF_NO_HOT
                  ? { account: { kind: AccountKind.ReferrerDisputed, ownerId: owner, currency: 'RUB' }, amount: -BigInt(100 + i) }
                  : { account: { kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency: 'RUB' }, amount: -BigInt(100 + i) },
                { account: { kind: AccountKind.ReferrerPending, ownerId: owner, currency: 'RUB' }, amount: BigInt(100 + i) },
              ],
            });
          });
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`ledger perf: ${total} postings in ${seconds.toFixed(1)} s = ${Math.round(total / seconds)} postings/s (32 callers, ${process.env.LEDGER_PERF_NO_HOT ? 'owner accounts only' : 'one hot platform account'})`);
    assert.equal((await ledger.verify()).ok, true);
  });

  it('posts 100,000 postings through postMany in one call (hot platform account), then replays them', async () => {
    const total = Number(process.env.LEDGER_PERF_MANY ?? 100_000);
    const owners = Array.from({ length: 20_000 }, () => randomUUID());
    const run = randomUUID().slice(0, 8);
    const requests = Array.from({ length: total }, (_, i) => ({
      idempotencyKey: `commission:many_${run}_${i}`,
      cause: PostingCause.Invoice,
      causeRef: `many_${run}_${i}`,
      description: 'perf many',
      lines: [
        { account: { kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency: 'RUB' }, amount: -BigInt(100 + (i % 900)) },
        { account: { kind: AccountKind.ReferrerPending, ownerId: owners[i % owners.length], currency: 'RUB' }, amount: BigInt(100 + (i % 900)) },
      ],
    }));
    let posted = 0;
    let started = Date.now();
    let inCall = 0;
    await t.db.transaction(async (m) => {
      const results = await ledger.postMany(m, requests);
      inCall = Date.now() - started;
      posted = results.filter((r) => r.created).length;
    });
    let seconds = (Date.now() - started) / 1000;
    assert.equal(posted, total);
    console.log(`ledger perf: postMany of ${total} postings took ${seconds.toFixed(1)} s including commit (${inCall} ms in the call) = ${Math.round(total / seconds)} postings/s`);

    started = Date.now();
    const replay = await ledger.postMany(t.db.manager, requests);
    seconds = (Date.now() - started) / 1000;
    assert.ok(replay.every((r) => !r.created));
    console.log(`ledger perf: replay of the same ${total} postings (nothing written) took ${seconds.toFixed(1)} s`);
    const report = await ledger.verify();
    assert.equal(report.ok, true, report.firstDiscrepancy);
  });

  it('posts commissions through postMany in batches of 500 from 4 concurrent callers (hot platform account)', async () => {
    const total = Number(process.env.LEDGER_PERF_BATCHED ?? 40_000);
    const size = 500;
    const owners = Array.from({ length: 5000 }, () => randomUUID());
    const run = randomUUID().slice(0, 8);
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < total) {
          const from = next;
          next += size;
          const requests = Array.from({ length: Math.min(size, total - from) }, (_, j) => {
            const i = from + j;
            return {
              idempotencyKey: `commission:batched_${run}_${i}`,
              cause: PostingCause.Invoice,
              causeRef: `batched_${run}_${i}`,
              description: 'perf batched',
              lines: [
                { account: { kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency: 'RUB' }, amount: -BigInt(100 + (i % 900)) },
                { account: { kind: AccountKind.ReferrerPending, ownerId: owners[i % owners.length], currency: 'RUB' }, amount: BigInt(100 + (i % 900)) },
              ],
            };
          });
          await t.db.transaction((m) => ledger.postMany(m, requests));
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`ledger perf: ${total} postings through postMany in batches of ${size} (4 callers) in ${seconds.toFixed(1)} s = ${Math.round(total / seconds)} postings/s`);
    assert.equal((await ledger.verify()).ok, true);
  });

  it('verifies a large ledger (100,000 owners); bulk balances in one query', async () => {
    const owners = Number(process.env.LEDGER_PERF_OWNERS ?? 100_000);
    const postings = Number(process.env.LEDGER_PERF_BULK_POSTINGS ?? 250_000);
    await t.db.transaction(async (m) => {
      // Bulk load around the service, consistent by construction (running balances included); the
      // deferred per-posting trigger is switched off for the load only.
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`INSERT INTO ledger_accounts (kind, owner_id, currency) SELECT 'referrer_available', gen_random_uuid(), 'RUB' FROM generate_series(1, $1)`, [owners]);
      await m.query(`INSERT INTO ledger_accounts (kind, owner_id, currency) VALUES ('platform_adjustments', NULL, 'RUB') ON CONFLICT DO NOTHING`);
      await m.query(
        `INSERT INTO ledger_postings (idempotency_key, request_hash, cause, cause_ref, description, occurred_at)
         SELECT 'adjustment:bulk:' || g, 'bulk', 'adjustment', 'bulk-' || g, 'bulk', now() FROM generate_series(1, $1) g`,
        [postings],
      );
      await m.query(`
        WITH p AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM ledger_postings WHERE cause_ref LIKE 'bulk-%'),
             o AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM ledger_accounts WHERE kind = 'referrer_available' AND owner_id IS NOT NULL),
             platform AS (SELECT id FROM ledger_accounts WHERE kind = 'platform_adjustments' AND owner_id IS NULL AND currency = 'RUB'),
             lines AS (
               SELECT p.id AS posting_id, x.account_id, x.amount
               FROM p CROSS JOIN platform JOIN o ON o.n = p.n % $1
               CROSS JOIN LATERAL (VALUES (o.id, 10 + p.n % 90), (platform.id, -(10 + p.n % 90))) AS x(account_id, amount))
        INSERT INTO ledger_entries (posting_id, account_id, currency, amount, balance_after)
        SELECT posting_id, account_id, 'RUB', amount, sum(amount) OVER (PARTITION BY account_id ORDER BY posting_id)
        FROM lines ORDER BY posting_id, amount`, [owners]);
      await m.query(
        `UPDATE ledger_accounts a SET balance = s.total FROM (SELECT account_id, sum(amount) AS total FROM ledger_entries GROUP BY account_id) s
         WHERE s.account_id = a.id AND a.balance <> s.total`,
      );
    });
    await t.db.query('VACUUM ANALYZE ledger_accounts');
    await t.db.query('VACUUM ANALYZE ledger_entries');
    await t.db.query('VACUUM ANALYZE ledger_postings');

    let started = Date.now();
    const report = await ledger.verify();
    console.log(`ledger perf: verify of ${report.postings} postings / ${report.entries} entries / ${report.accounts} accounts took ${Date.now() - started} ms`);
    assert.equal(report.ok, true, report.firstDiscrepancy);

    started = Date.now();
    const map = await ledger.balancesByOwner(AccountKind.ReferrerAvailable, 'RUB');
    console.log(`ledger perf: balancesByOwner over ${map.size} owners took ${Date.now() - started} ms`);
    assert.ok(map.size >= owners);

    const [some] = await t.db.query(`SELECT owner_id FROM ledger_accounts WHERE kind = 'referrer_available' AND owner_id IS NOT NULL LIMIT 1`);
    started = Date.now();
    const lines = await ledger.statement(some.owner_id, 'RUB', { limit: 50 });
    console.log(`ledger perf: statement page of ${lines.length} lines took ${Date.now() - started} ms`);
  });
});
