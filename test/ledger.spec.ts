import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { EntityManager } from 'typeorm';
import { Role } from '../src/access/role';
import { JobsService } from '../src/jobs/jobs.service';
import { LedgerException } from '../src/ledger/ledger.exception';
import { LEDGER_VERIFY_JOB } from '../src/ledger/ledger-verify.job';
import { LedgerService } from '../src/ledger/ledger.service';
import { AccountKind, AccountRef, PostingCause, PostingRequest } from '../src/ledger/ledger.types';
import { staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let ledger: LedgerService;

beforeAll(async () => {
  t = await startTestApp('ledger', { env: { JOBS_ENABLED: 'false' } });
  ledger = t.app.get(LedgerService);
});
afterAll(() => t.close());

const count = async (table: string) => Number((await t.db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
const counts = async () => ({ postings: await count('ledger_postings'), entries: await count('ledger_entries'), accounts: await count('ledger_accounts') });
const acct = (kind: AccountKind, ownerId: string | null, currency = 'RUB'): AccountRef => ({ kind, ownerId, currency });
const expense = (currency = 'RUB') => acct(AccountKind.PlatformCommissionExpense, null, currency);

function commission(ownerId: string, amount: bigint, key = `commission:${randomUUID()}`, currency = 'RUB'): PostingRequest {
  return {
    idempotencyKey: key,
    cause: PostingCause.Invoice,
    causeRef: key.split(':')[1] ?? key,
    description: `Commission ${amount}`,
    lines: [
      { account: expense(currency), amount: -amount },
      { account: acct(AccountKind.ReferrerPending, ownerId, currency), amount },
    ],
  };
}

function move(cause: PostingCause, from: AccountRef, to: AccountRef, amount: bigint, key = `${cause}:${randomUUID()}`): PostingRequest {
  return {
    idempotencyKey: key,
    cause,
    causeRef: key,
    description: `${cause} ${amount}`,
    lines: [
      { account: from, amount: -amount },
      { account: to, amount },
    ],
  };
}

const post = (req: PostingRequest) => t.db.transaction((m: EntityManager) => ledger.post(m, req));

async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof LedgerException && err.code === code);
}

describe('posting and balances', () => {
  it('posts a commission in the caller transaction and reports balances, statement and postings by cause', async () => {
    const owner = randomUUID();
    const res = await t.db.transaction(async (m) => {
      const r = await ledger.post(m, { ...commission(owner, 1500n, 'commission:in_basic'), metadata: { invoice: 'in_basic' } });
      // inside the same transaction the balance is already there
      assert.equal((await ledger.balances(owner, 'RUB', m)).pending, 1500n);
      return r;
    });
    assert.equal(res.created, true);
    assert.match(res.postingId, /^\d+$/);
    assert.deepEqual(await ledger.balances(owner, 'RUB'), { currency: 'RUB', pending: 1500n, available: 0n, disputed: 0n, inTransit: 0n, paid: 0n });

    const statement = await ledger.statement(owner, 'RUB');
    assert.equal(statement.length, 1);
    assert.equal(statement[0].postingId, res.postingId);
    assert.equal(statement[0].cause, PostingCause.Invoice);
    assert.equal(statement[0].causeRef, 'in_basic');
    assert.equal(statement[0].account, AccountKind.ReferrerPending);
    assert.equal(statement[0].amount, 1500n);
    assert.equal(statement[0].balanceAfter, 1500n);

    const byCause = await ledger.postingsByCause(PostingCause.Invoice, 'in_basic');
    assert.equal(byCause.length, 1);
    assert.equal(byCause[0].idempotencyKey, 'commission:in_basic');
    assert.deepEqual(byCause[0].metadata, { invoice: 'in_basic' });
    assert.deepEqual(
      byCause[0].entries.map((e) => [e.account.kind, e.amount]),
      [
        [AccountKind.PlatformCommissionExpense, -1500n],
        [AccountKind.ReferrerPending, 1500n],
      ],
    );
  });

  it('returns zeros for an owner without accounts', async () => {
    assert.deepEqual(await ledger.balances(randomUUID(), 'USD'), { currency: 'USD', pending: 0n, available: 0n, disputed: 0n, inTransit: 0n, paid: 0n });
    assert.deepEqual(await ledger.statement(randomUUID(), 'USD'), []);
  });

  it('opens its own transaction when the manager is not in one', async () => {
    const owner = randomUUID();
    const r = await ledger.post(t.db.manager, commission(owner, 10n));
    assert.equal(r.created, true);
    assert.equal((await ledger.balances(owner, 'RUB')).pending, 10n);
  });

  it('moves money through hold, payout and paid; statement newest first with running balances', async () => {
    const owner = randomUUID();
    const pending = acct(AccountKind.ReferrerPending, owner);
    const available = acct(AccountKind.ReferrerAvailable, owner);
    const transit = acct(AccountKind.PayoutsInTransit, owner);
    const paid = acct(AccountKind.ReferrerPaid, owner);
    await post(commission(owner, 700n));
    await post(commission(owner, 300n));
    await post(move(PostingCause.HoldRelease, pending, available, 1000n));
    await post(move(PostingCause.Payout, available, transit, 600n));
    await post(move(PostingCause.Payout, transit, paid, 600n));
    assert.deepEqual(await ledger.balances(owner, 'RUB'), { currency: 'RUB', pending: 0n, available: 400n, disputed: 0n, inTransit: 0n, paid: 600n });
    const lines = await ledger.statement(owner, 'RUB');
    assert.equal(lines.length, 8);
    assert.deepEqual(
      lines.slice(0, 2).map((l) => [l.account, l.amount, l.balanceAfter]),
      [
        [AccountKind.ReferrerPaid, 600n, 600n],
        [AccountKind.PayoutsInTransit, -600n, 0n],
      ],
    );
    assert.equal(lines[7].balanceAfter, 700n);
    assert.equal((await ledger.statement(owner, 'RUB', { limit: 3, offset: 6 })).length, 2);

    const byOwner = await ledger.balancesByOwner(AccountKind.ReferrerAvailable, 'RUB');
    assert.equal(byOwner.get(owner), 400n);
    assert.equal((await ledger.balancesByOwner(AccountKind.ReferrerAvailable, 'RUB', { minBalance: 401n })).has(owner), false);
  });

  it('keeps currencies apart: one account per (kind, owner, currency)', async () => {
    const owner = randomUUID();
    await post(commission(owner, 5n, undefined, 'RUB'));
    await post(commission(owner, 7n, undefined, 'USD'));
    assert.equal((await ledger.balances(owner, 'RUB')).pending, 5n);
    assert.equal((await ledger.balances(owner, 'USD')).pending, 7n);
  });
});

describe('idempotency', () => {
  it('replays the same key and lines as the first posting, writing nothing', async () => {
    const owner = randomUUID();
    const req = commission(owner, 250n);
    const first = await post(req);
    const before = await counts();
    const again = await post({ ...req, lines: [...req.lines].reverse(), description: 'redelivered' });
    assert.deepEqual(again, { postingId: first.postingId, created: false });
    assert.deepEqual(await counts(), before);
    assert.equal((await ledger.balances(owner, 'RUB')).pending, 250n);
  });

  it('refuses the same key with different lines with IDEMPOTENCY_CONFLICT (409) and writes nothing', async () => {
    const owner = randomUUID();
    const req = commission(owner, 250n);
    await post(req);
    const before = await counts();
    await assert.rejects(post(commission(owner, 251n, req.idempotencyKey)), (err: unknown) => {
      assert.ok(err instanceof LedgerException);
      assert.equal(err.code, 'IDEMPOTENCY_CONFLICT');
      assert.equal(err.httpStatus, 409);
      return true;
    });
    assert.deepEqual(await counts(), before);
    assert.equal((await ledger.balances(owner, 'RUB')).pending, 250n);
  });

  it('a rolled-back caller transaction leaves nothing, and the key and accounts can be used again', async () => {
    const owner = randomUUID();
    const req = commission(owner, 90n);
    const before = await counts();
    await assert.rejects(
      t.db.transaction(async (m) => {
        await ledger.post(m, req);
        throw new Error('caller failed later');
      }),
      /caller failed later/,
    );
    assert.deepEqual(await counts(), before);
    // the service cached the rolled-back account ids; it must notice and recreate them
    const r = await post(req);
    assert.equal(r.created, true);
    assert.equal((await ledger.balances(owner, 'RUB')).pending, 90n);
  });
});

describe('refused postings write nothing', () => {
  const owner = randomUUID();
  const cases: [string, PostingRequest, string][] = [
    ['unbalanced', { ...commission(owner, 5n), lines: [{ account: expense(), amount: -5n }, { account: acct(AccountKind.ReferrerPending, owner), amount: 6n }] }, 'LEDGER_UNBALANCED'],
    [
      'mixed-currency',
      { ...commission(owner, 5n), lines: [{ account: expense('RUB'), amount: -5n }, { account: acct(AccountKind.ReferrerPending, owner, 'USD'), amount: 5n }] },
      'LEDGER_UNBALANCED',
    ],
    ['zero-amount', { ...commission(owner, 5n), lines: [{ account: expense(), amount: 0n }, { account: acct(AccountKind.ReferrerPending, owner), amount: 0n }] }, 'LEDGER_INVALID_LINES'],
    ['one-line', { ...commission(owner, 5n), lines: [{ account: acct(AccountKind.ReferrerPending, owner), amount: 5n }] }, 'LEDGER_INVALID_LINES'],
    ['unknown-kind', { ...commission(owner, 5n), lines: [{ account: expense(), amount: -5n }, { account: acct('bonus' as AccountKind, owner), amount: 5n }] }, 'LEDGER_INVALID_LINES'],
  ];
  for (const [name, req, code] of cases) {
    it(`refuses a ${name} posting with ${code}`, async () => {
      const before = await counts();
      await refused(post(req), code);
      assert.deepEqual(await counts(), before);
    });
  }

  it('refuses a hold release that would overdraw pending, but lets a clawback take available negative', async () => {
    const owner = randomUUID();
    const pending = acct(AccountKind.ReferrerPending, owner);
    const available = acct(AccountKind.ReferrerAvailable, owner);
    await post(commission(owner, 1000n));
    const before = await counts();
    await refused(post(move(PostingCause.HoldRelease, pending, available, 1001n)), 'LEDGER_NEGATIVE_BALANCE');
    assert.deepEqual(await counts(), before);

    await post(move(PostingCause.HoldRelease, pending, available, 1000n));
    await post(move(PostingCause.Payout, available, acct(AccountKind.PayoutsInTransit, owner), 1000n));
    await refused(post(move(PostingCause.Payout, available, acct(AccountKind.PayoutsInTransit, owner), 1n)), 'LEDGER_NEGATIVE_BALANCE');
    // the invoice is refunded after the money was paid out: the debt is carried on available
    await post({ ...move(PostingCause.Refund, available, expense(), 400n), clawback: true });
    assert.deepEqual(await ledger.balances(owner, 'RUB'), { currency: 'RUB', pending: 0n, available: -400n, disputed: 0n, inTransit: 1000n, paid: 0n });
    // the next commission released pays the debt off first
    await post(commission(owner, 500n));
    await post(move(PostingCause.HoldRelease, pending, available, 500n));
    assert.equal((await ledger.balances(owner, 'RUB')).available, 100n);
    assert.equal((await ledger.verify()).ok, true);
  });

  it("overdraft is the account kind plus the posting's clawback flag, not the cause", async () => {
    const owner = randomUUID();
    const available = acct(AccountKind.ReferrerAvailable, owner);
    const disputed = acct(AccountKind.ReferrerDisputed, owner);
    await post(commission(owner, 100n));
    const before = await counts();
    // a refund that does not say it is a clawback is refused like any other posting
    await assert.rejects(post(move(PostingCause.Refund, available, expense(), 10n)), (err: unknown) => {
      assert.ok(err instanceof LedgerException && err.code === 'LEDGER_NEGATIVE_BALANCE', String(err));
      assert.match(err.message, /only a clawback posting \(clawback: true\) may take referrer_pending, referrer_available, referrer_disputed below zero/);
      return true;
    });
    assert.deepEqual(await counts(), before);
    // the flag, whatever the cause, lets a referrer balance go below zero
    await post({ ...move(PostingCause.Adjustment, available, acct(AccountKind.PlatformAdjustments, null), 10n), clawback: true });
    await post({ ...move(PostingCause.Dispute, disputed, expense(), 5n), clawback: true });
    // in transit and paid never go below zero, not even by a clawback
    for (const kind of [AccountKind.PayoutsInTransit, AccountKind.ReferrerPaid]) {
      await refused(post({ ...move(PostingCause.Refund, acct(kind, owner), expense(), 1n), clawback: true }), 'LEDGER_NEGATIVE_BALANCE');
    }
    // platform accounts always may: a commission takes the expense account below zero, no flag needed
    await post(commission(owner, 1n));
    assert.deepEqual(await ledger.balances(owner, 'RUB'), { currency: 'RUB', pending: 101n, available: -10n, disputed: -5n, inTransit: 0n, paid: 0n });
    await refused(post({ ...move(PostingCause.Refund, available, expense(), 1n), clawback: 'yes' as unknown as boolean }), 'LEDGER_INVALID_REQUEST');
    assert.equal((await ledger.verify()).ok, true);
  });
});

describe('database guards', () => {
  it('rejects UPDATE and DELETE on entries and postings', async () => {
    await post(commission(randomUUID(), 42n));
    for (const sql of [
      'UPDATE ledger_entries SET amount = amount + 1',
      'DELETE FROM ledger_entries',
      "UPDATE ledger_postings SET description = 'rewritten'",
      'DELETE FROM ledger_postings',
      'TRUNCATE ledger_entries, ledger_postings',
    ]) {
      await assert.rejects(t.db.query(sql), /append-only/, sql);
    }
  });

  it('refuses, at commit, a posting written around the service that does not balance', async () => {
    const before = await counts();
    const [account] = await t.db.query(`SELECT id FROM ledger_accounts WHERE kind = 'platform_commission_expense' AND currency = 'RUB'`);
    await assert.rejects(
      t.db.transaction(async (m) => {
        const [p] = await m.query(`INSERT INTO ledger_postings (idempotency_key, request_hash, cause, cause_ref, description, occurred_at) VALUES ('raw:1', 'x', 'adjustment', 'raw', 'raw', now()) RETURNING id`);
        await m.query(`INSERT INTO ledger_entries (posting_id, account_id, currency, amount, balance_after) VALUES ($1, $2, 'RUB', 5, 5), ($1, $2, 'RUB', -4, 1)`, [p.id, account.id]);
      }),
      /does not balance/,
    );
    await assert.rejects(
      t.db.transaction(async (m) => {
        await m.query(`INSERT INTO ledger_postings (idempotency_key, request_hash, cause, cause_ref, description, occurred_at) VALUES ('raw:2', 'x', 'adjustment', 'raw', 'raw', now())`);
      }),
      /at least 2/,
    );
    // an entry appended later to an existing, balanced posting
    const old = await post(commission(randomUUID(), 11n));
    await assert.rejects(
      t.db.transaction((m) => m.query(`INSERT INTO ledger_entries (posting_id, account_id, currency, amount, balance_after) VALUES ($1, $2, 'RUB', 1, 1)`, [old.postingId, account.id])),
      new RegExp(`posting ${old.postingId} does not balance: RUB sums to 1`),
    );
    assert.equal((await counts()).postings, before.postings + 1);
  });

  it('refuses entries written around the service that name a missing posting, a missing account or another currency', async () => {
    const before = await counts();
    const [account] = await t.db.query(`SELECT id FROM ledger_accounts WHERE kind = 'platform_commission_expense' AND currency = 'RUB'`);
    const raw = (key: string, entries: (p: string) => [string, string, string][]) =>
      t.db.transaction(async (m) => {
        const [p] = await m.query(`INSERT INTO ledger_postings (idempotency_key, request_hash, cause, cause_ref, description, occurred_at) VALUES ($1, 'x', 'adjustment', 'raw', 'raw', now()) RETURNING id`, [key]);
        const rows = entries(String(p.id));
        await m.query(
          `INSERT INTO ledger_entries (posting_id, account_id, currency, amount, balance_after) SELECT x.p, x.a, x.c, x.amount, 0 FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[]) AS x(p, a, c, amount)`,
          [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((_, i) => (i % 2 === 0 ? 3 : -3))],
        );
      });
    const missing = '999999999';
    // The checks count the distinct ids found through the keys: one missing among many is still found.
    // (Entries go +3, -3 in pairs, so every posting balances per currency and only the reference is wrong.)
    await assert.rejects(raw('raw:fk1', (p) => [[p, account.id, 'RUB'], [p, account.id, 'RUB'], [missing, account.id, 'RUB'], [missing, account.id, 'RUB']]), /refers to posting 999999999, which does not exist/);
    await assert.rejects(raw('raw:fk2', (p) => [[p, account.id, 'RUB'], [p, missing, 'RUB']]), /refers to account 999999999, which does not exist in its currency/);
    await assert.rejects(raw('raw:fk3', (p) => [[p, account.id, 'RUB'], [p, account.id, 'RUB'], [p, account.id, 'EUR'], [p, account.id, 'EUR']]), new RegExp(`refers to account ${account.id}, which does not exist in its currency`));
    assert.deepEqual(await counts(), before);
  });
});

describe('verify finds what the guards would have refused', () => {
  /** Writes around every trigger (as the embedded superuser), checks verify, then removes the damage. */
  async function damaged(write: (m: EntityManager, postingId: string, a: string, b: string) => Promise<void>): Promise<string> {
    const owner = randomUUID();
    await post(commission(owner, 100n));
    const [a] = await t.db.query(`SELECT id FROM ledger_accounts WHERE owner_id = $1`, [owner]);
    const [b] = await t.db.query(`SELECT id FROM ledger_accounts WHERE kind = 'platform_commission_expense' AND currency = 'RUB'`);
    let postingId = '';
    await t.db.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      const [p] = await m.query(`INSERT INTO ledger_postings (idempotency_key, request_hash, cause, cause_ref, description, occurred_at) VALUES ($1, 'x', 'adjustment', 'raw', 'raw', now()) RETURNING id`, [
        `raw:${owner}`,
      ]);
      postingId = p.id.toString();
      await write(m, postingId, a.id.toString(), b.id.toString());
    });
    const report = await ledger.verify();
    await t.db.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`DELETE FROM ledger_entries WHERE posting_id = $1`, [postingId]);
      await m.query(`DELETE FROM ledger_postings WHERE id = $1`, [postingId]);
      await m.query(`UPDATE ledger_accounts a SET balance = coalesce((SELECT sum(amount) FROM ledger_entries e WHERE e.account_id = a.id), 0) WHERE a.id IN ($1, $2)`, [a.id, b.id]);
    });
    assert.equal(report.ok, false);
    const clean = await ledger.verify();
    assert.equal(clean.ok, true, clean.firstDiscrepancy);
    return report.firstDiscrepancy!;
  }

  it('an unbalanced posting', async () => {
    const problem = await damaged(async (m, p, a, b) => {
      await m.query(`INSERT INTO ledger_entries (posting_id, account_id, currency, amount, balance_after) VALUES ($1, $2, 'RUB', 7, 107), ($1, $3, 'RUB', -5, 0)`, [p, a, b]);
    });
    assert.match(problem, /^posting \d+ does not balance: its RUB entries sum to 2$/);
  });

  it('a posting with a single entry', async () => {
    const problem = await damaged(async (m, p, a) => {
      await m.query(`INSERT INTO ledger_entries (posting_id, account_id, currency, amount, balance_after) VALUES ($1, $2, 'RUB', 7, 107)`, [p, a]);
    });
    assert.match(problem, /^posting \d+ \(raw:.*\) has 1 entries; at least 2 are required$/);
  });

  it('a broken running balance', async () => {
    const problem = await damaged(async (m, p, a, b) => {
      await m.query(`INSERT INTO ledger_entries (posting_id, account_id, currency, amount, balance_after) VALUES ($1, $2, 'RUB', 7, 999), ($1, $3, 'RUB', -7, 0)`, [p, a, b]);
      await m.query(`UPDATE ledger_accounts a SET balance = (SELECT sum(amount) FROM ledger_entries e WHERE e.account_id = a.id) WHERE a.id IN ($1, $2)`, [a, b]);
    });
    assert.match(problem, /^entry \d+ on account \d+: balance_after 999 but the running sum of the account's entries is 107$/);
  });
});

describe('verify, the CLI and the staff route', () => {
  function cli(): Promise<{ code: number; out: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(__dirname, '..', 'src', 'cli.js'), 'ledger:verify'], {
        env: { ...process.env, DATABASE_URL: t.databaseUrl, NODE_ENV: 'test', JOBS_ENABLED: 'false', LOG_LEVEL: 'silent' },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code: code ?? 1, out }));
    });
  }

  it('passes on a clean ledger, detects a tampered balance, and the CLI exits 1 with that line', async () => {
    const owner = randomUUID();
    await post(commission(owner, 800n));
    const clean = await ledger.verify();
    assert.equal(clean.ok, true, clean.firstDiscrepancy);
    assert.ok(clean.postings > 0 && clean.entries >= 2 * clean.postings && clean.accounts > 0);
    let run = await cli();
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, new RegExp(`postings=${clean.postings} entries=${clean.entries} accounts=${clean.accounts} ok=true`));

    const admin = await staffToken(t, Role.Admin);
    const finance = await staffToken(t, Role.Finance);
    const marketer = await staffToken(t, Role.Marketer);
    const okRes = await request(t.url).get('/api/ledger/verify').set('authorization', `Bearer ${finance}`).expect(200);
    assert.equal(okRes.body.ok, true);
    await request(t.url).get('/api/ledger/verify').set('authorization', `Bearer ${marketer}`).expect(403);
    await request(t.url).get('/api/ledger/verify').expect(401);

    const [account] = await t.db.query(`SELECT id FROM ledger_accounts WHERE kind = 'referrer_pending' AND owner_id = $1`, [owner]);
    await t.db.query(`UPDATE ledger_accounts SET balance = balance + 1 WHERE id = $1`, [account.id]);
    try {
      const bad = await ledger.verify();
      assert.equal(bad.ok, false);
      assert.match(bad.firstDiscrepancy!, new RegExp(`account ${account.id} \\(referrer_pending of ${owner}, RUB\\): stored balance 801 but its entries sum to 800`));
      const res = await request(t.url).get('/api/ledger/verify').set('authorization', `Bearer ${admin}`).expect(200);
      assert.equal(res.body.ok, false);
      assert.equal(res.body.firstDiscrepancy, bad.firstDiscrepancy);
      run = await cli();
      assert.equal(run.code, 1, run.out);
      assert.ok(run.out.includes(bad.firstDiscrepancy!), run.out);
    } finally {
      await t.db.query(`UPDATE ledger_accounts SET balance = balance - 1 WHERE id = $1`, [account.id]);
    }
    assert.equal((await ledger.verify()).ok, true);
  });

  it('the nightly verification job reports through the metrics', async () => {
    await t.app.get(JobsService).runNow(LEDGER_VERIFY_JOB);
    const res = await request(t.url).get('/metrics').set('Authorization', `Bearer ${t.config.metricsToken}`).expect(200);
    assert.match(res.text, /^ledger_verify_ok 1$/m);
    assert.match(res.text, /^ledger_verify_last_run_timestamp_seconds \d+$/m);
  });
});
