import assert from 'node:assert/strict';
import { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { Role } from '../src/access/role';
import { COMMANDS } from '../src/cli/commands';
import { LedgerService } from '../src/ledger/ledger.service';
import { AccountKind, PostingCause } from '../src/ledger/ledger.types';
import { FakeStripe } from './support/fake-stripe';
import {
  assertLedgerOk,
  auth,
  balancesOf,
  bankReferrer,
  clawBack,
  connectEnv,
  connectReferrer,
  FakeStripeConnect,
  RU_ACCOUNT,
  RU_BIC,
  seedAvailable,
  StaffUser,
  staffUser,
} from './support/fake-stripe-connect';
import { registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
/** A second app instance on the same database (started once: passport strategies are process-wide). */
let t2: TestApp;
let fake: FakeStripe;
let connect: FakeStripeConnect;
let smtp: SMTPServer;
const mails: { to: string; subject: string; text: string }[] = [];
let alice: StaffUser;
let bob: StaffUser;

const MIN = 100_000n; // program default payout minimum (1000.00 RUB)

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      simpleParser(stream).then((m) => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), subject: m.subject ?? '', text: m.text ?? '' });
        cb();
      }, cb);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  fake = await new FakeStripe().start();
  connect = new FakeStripeConnect(fake);
  t = await startTestApp('payouts', { env: connectEnv(fake, { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` }) });
  t2 = await startTestApp('payouts_second', { databaseUrl: t.databaseUrl, env: connectEnv(fake) });
  alice = await staffUser(t, Role.Finance);
  bob = await staffUser(t, Role.Finance);
});
afterAll(async () => {
  await t.close();
  await t2.close();
  await fake.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});
afterEach(() => assertLedgerOk(t));

/** Cancels every open batch so each test previews only its own referrers. */
async function cancelOpenBatches(): Promise<void> {
  const open = await t.db.query(`SELECT id FROM payout_batches WHERE status IN ('created', 'approved')`);
  for (const b of open) await request(t.url).post(`/api/payouts/batches/${b.id}/cancel`).set(auth(alice.token)).expect(200);
}

async function createApproved(items?: { referrerId: string; amount: string }[]): Promise<string> {
  const created = await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send(items ? { items } : {}).expect(201);
  await request(t.url).post(`/api/payouts/batches/${created.body.id}/approve`).set(auth(bob.token)).expect(200);
  return created.body.id;
}

const counts = async () => {
  const [r] = await t.db.query(
    `SELECT (SELECT count(*) FROM payout_batches) AS batches, (SELECT count(*) FROM payout_items) AS items, (SELECT count(*) FROM ledger_postings) AS postings,
            (SELECT count(*) FROM payout_items WHERE status <> 'pending') AS resolved, (SELECT string_agg(status, ',' ORDER BY id) FROM payout_batches) AS statuses`,
  );
  return { batches: Number(r.batches), items: Number(r.items), postings: Number(r.postings), resolved: Number(r.resolved), statuses: r.statuses };
};

describe('a payout batch from preview to paid', () => {
  it('previews, creates, is approved by a second user, executes Connect transfers, exports and marks bank items', async () => {
    const c1 = await connectReferrer(t, connect);
    const c2 = await connectReferrer(t, connect);
    const bank = await bankReferrer(t);
    const small = await connectReferrer(t, connect);
    const noDetails = await registerReferrer(t);
    const negative = await connectReferrer(t, connect);
    await seedAvailable(t, c1.id, 150_000n);
    await seedAvailable(t, c2.id, MIN);
    await seedAvailable(t, bank.id, 230_050n);
    await seedAvailable(t, small.id, MIN - 1n);
    await seedAvailable(t, noDetails.id, 500_000n);
    await clawBack(t, negative.id, 7_000n);

    const preview = await request(t.url).get('/api/payouts/preview').set(auth(alice.token)).expect(200);
    assert.equal(preview.body.currency, 'RUB');
    assert.equal(preview.body.minimum, String(MIN));
    assert.deepEqual(preview.body.eligible.map((r: any) => r.referrerId).sort(), [c1.id, c2.id, bank.id].sort());
    assert.equal(preview.body.eligibleTotal, String(150_000n + MIN + 230_050n));
    const reasons = Object.fromEntries(preview.body.excluded.map((r: any) => [r.referrerId, r.reason]));
    assert.deepEqual(reasons, { [small.id]: 'below_minimum', [noDetails.id]: 'no_details', [negative.id]: 'negative_balance' });

    const created = await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send({}).expect(201);
    const batchId: string = created.body.id;
    assert.deepEqual({ status: created.body.status, itemCount: created.body.itemCount, total: created.body.total }, { status: 'created', itemCount: 3, total: String(480_050n) });
    assert.deepEqual(await balancesOf(t, c1.id), { available: 0n, inTransit: 150_000n, paid: 0n });
    // The set-based reservation wrote exactly what LedgerService.post would have: replaying it is a no-op.
    const [c1Item] = await t.db.query(`SELECT id FROM payout_items WHERE batch_id = $1 AND referrer_id = $2`, [batchId, c1.id]);
    const replay = await t.db.transaction((m) =>
      t.app.get(LedgerService).post(m, {
        idempotencyKey: `payout-batch:${batchId}:${c1.id}`,
        cause: PostingCause.Payout,
        causeRef: c1Item.id,
        description: 'replay',
        lines: [
          { account: { kind: AccountKind.ReferrerAvailable, ownerId: c1.id, currency: 'RUB' }, amount: -150_000n },
          { account: { kind: AccountKind.PayoutsInTransit, ownerId: c1.id, currency: 'RUB' }, amount: 150_000n },
        ],
      }),
    );
    assert.equal(replay.created, false);
    // The same money cannot go into a second batch.
    const again = await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send({}).expect(422);
    assert.equal(again.body.error.code, 'NOTHING_TO_PAY');

    const before = await counts();
    const early = await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(alice.token)).expect(409);
    assert.equal(early.body.error.code, 'BATCH_NOT_APPROVED');
    const own = await request(t.url).post(`/api/payouts/batches/${batchId}/approve`).set(auth(alice.token)).expect(403);
    assert.equal(own.body.error.code, 'CANNOT_APPROVE_OWN_BATCH');
    assert.deepEqual(await counts(), before);

    const approved = await request(t.url).post(`/api/payouts/batches/${batchId}/approve`).set(auth(bob.token)).expect(200);
    assert.equal(approved.body.approvedBy, bob.id);

    const run = await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(alice.token)).expect(200);
    assert.deepEqual({ transferred: run.body.transferred, failed: run.body.failed, unresolved: run.body.unresolved, bankPending: run.body.bankPending }, { transferred: 2, failed: 0, unresolved: 0, bankPending: 1 });
    assert.equal(run.body.batch.status, 'executing');
    const transfers = connect.transfers((tr) => tr.transfer_group === batchId);
    assert.equal(transfers.length, 2);
    const creates = fake.requestsTo('POST', /^\/v1\/transfers$/).filter((q) => q.body.transfer_group === batchId);
    for (const q of creates) assert.match(q.idempotencyKey!, /^payout-item:[0-9a-f-]{36}$/);
    assert.deepEqual(transfers.map((tr) => [tr.destination, tr.amount]).sort(), [[c1.accountId, 150_000], [c2.accountId, Number(MIN)]].sort());
    assert.deepEqual(await balancesOf(t, c1.id), { available: 0n, inTransit: 0n, paid: 150_000n });

    const csv = await request(t.url).get(`/api/payouts/batches/${batchId}/bank-export.csv`).set(auth(alice.token)).expect(200);
    assert.match(csv.headers['content-type'], /text\/csv/);
    assert.match(csv.text, new RegExp(`Anna Petrova,044525225,${RU_ACCOUNT},2300\\.50,RUB`));

    const payer = `payerName=Handshake%20LLC&payerBank=${RU_BIC}&payerAccount=${RU_ACCOUNT}`;
    const xml = await request(t.url).get(`/api/payouts/batches/${batchId}/bank-export.xml?${payer}`).set(auth(alice.token)).expect(200);
    assert.match(xml.text, /<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain\.001\.001\.03">/);
    assert.match(xml.text, /<InstdAmt Ccy="RUB">2300\.50<\/InstdAmt>/);
    assert.match(xml.text, new RegExp(`<MmbId>${RU_BIC}</MmbId>[\\s\\S]*<Othr>\\s*<Id>${RU_ACCOUNT}</Id>\\s*</Othr>`));
    const badPayer = await request(t.url).get(`/api/payouts/batches/${batchId}/bank-export.xml?payerName=X&payerBank=1&payerAccount=2`).set(auth(alice.token)).expect(400);
    assert.equal(badPayer.body.error.code, 'BANK_DETAILS_MALFORMED');

    const detail = await request(t.url).get(`/api/payouts/batches/${batchId}`).set(auth(bob.token)).expect(200);
    const bankItem = detail.body.items.find((i: any) => i.method === 'bank');
    const connectItem = detail.body.items.find((i: any) => i.method === 'stripe_connect');
    const notBank = await request(t.url).post(`/api/payouts/items/${connectItem.id}/mark-paid`).set(auth(alice.token)).expect(422);
    assert.equal(notBank.body.error.code, 'ITEM_NOT_BANK_TRANSFER');
    await request(t.url).post(`/api/payouts/items/${bankItem.id}/mark-paid`).set(auth(alice.token)).expect(200);
    const twice = await request(t.url).post(`/api/payouts/items/${bankItem.id}/mark-paid`).set(auth(alice.token)).expect(409);
    assert.equal(twice.body.error.code, 'ITEM_ALREADY_RESOLVED');

    const done = await request(t.url).get(`/api/payouts/batches/${batchId}`).set(auth(alice.token)).expect(200);
    assert.equal(done.body.status, 'completed');
    assert.deepEqual(done.body.counts, { pending: 0, sending: 0, paid: 3, failed: 0, cancelled: 0 });
    assert.deepEqual(await balancesOf(t, bank.id), { available: 0n, inTransit: 0n, paid: 230_050n });
    const rerun = await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(alice.token)).expect(409);
    assert.equal(rerun.body.error.code, 'BATCH_ALREADY_EXECUTED');

    // The referrer sees the payout in the statement and got an email.
    const statement = await request(t.url).get('/api/referrers/me/statement').set(auth(c1.token)).expect(200);
    assert.ok(JSON.stringify(statement.body).includes('Payout sent'), 'the payout shows in the statement');
    for (let i = 0; i < 50 && mails.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    const toC1 = mails.find((m) => m.to === c1.email);
    assert.ok(toC1, 'the referrer got an email');
    assert.match(toC1.subject, /Payout sent: RUB\u00a01,500\.00/);
    assert.ok(mails.some((m) => m.to === bank.email && /RUB\u00a02,300\.50/.test(m.subject)));

    // Every finance action is in the audit log with who, before and after.
    const audit = await request(t.url).get(`/api/finance/audit?subjectId=${batchId}`).set(auth(alice.token)).expect(200);
    const actions = audit.body.map((a: any) => `${a.action}:${a.actorEmail}`);
    assert.ok(actions.includes(`payout.create:${alice.email}`));
    assert.ok(actions.includes(`payout.approve:${bob.email}`));
    assert.ok(actions.includes(`payout.execute:${alice.email}`));
    const approveEntry = audit.body.find((a: any) => a.action === 'payout.approve');
    assert.deepEqual([approveEntry.before.status, approveEntry.after.status], ['created', 'approved']);
    const all = await request(t.url).get('/api/finance/audit').set(auth(alice.token)).expect(200);
    const kinds = new Set(all.body.map((a: any) => a.action));
    for (const k of ['payout.preview', 'payout.mark_paid']) assert.ok(kinds.has(k), k);
    const auditCsv = await request(t.url).get('/api/finance/audit/export.csv').set(auth(alice.token)).expect(200);
    assert.match(auditCsv.text, /^id,at,actor_email/);
    assert.match(auditCsv.text, /payout\.approve/);
    await cancelOpenBatches();
    await clawBack(t, small.id, MIN - 1n);
    await seedAvailable(t, negative.id, 7_000n);
  });

  it('a failed transfer returns the money to available with the reason shown', async () => {
    const ok = await connectReferrer(t, connect);
    const bad = await connectReferrer(t, connect);
    await seedAvailable(t, ok.id, 120_000n);
    await seedAvailable(t, bad.id, 130_000n);
    connect.failDestination(bad.accountId, 'This account cannot currently receive transfers');
    const batchId = await createApproved([
      { referrerId: ok.id, amount: '120000' },
      { referrerId: bad.id, amount: '130000' },
    ]);
    const run = await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(bob.token)).expect(200);
    assert.deepEqual([run.body.transferred, run.body.failed], [1, 1]);
    assert.equal(run.body.batch.status, 'completed');
    assert.deepEqual(await balancesOf(t, bad.id), { available: 130_000n, inTransit: 0n, paid: 0n });
    const detail = await request(t.url).get(`/api/payouts/batches/${batchId}`).set(auth(alice.token)).expect(200);
    const failed = detail.body.items.find((i: any) => i.referrerId === bad.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.failureReason, /cannot currently receive transfers/);
    const page = await request(t.url).get(`/finance/payouts/batches/${batchId}`).set('cookie', `hs_session=${alice.token}`).expect(200);
    assert.match(page.text, /cannot currently receive transfers/);
    // Money returned to available is paid by the next batch (once the account is fixed).
    connect.failures.clear();
    await cancelOpenBatches();
    const next = await createApproved([{ referrerId: bad.id, amount: '130000' }]);
    await request(t.url).post(`/api/payouts/batches/${next}/execute`).set(auth(bob.token)).expect(200);
    assert.deepEqual(await balancesOf(t, bad.id), { available: 0n, inTransit: 0n, paid: 130_000n });
  });

  it('a bank item marked failed returns its money; a failure needs a reason', async () => {
    const b = await bankReferrer(t);
    await seedAvailable(t, b.id, 200_000n);
    const batchId = await createApproved([{ referrerId: b.id, amount: '200000' }]);
    const detail = await request(t.url).get(`/api/payouts/batches/${batchId}`).set(auth(alice.token)).expect(200);
    const itemId = detail.body.items[0].id;
    const noReason = await request(t.url).post(`/api/payouts/items/${itemId}/mark-failed`).set(auth(alice.token)).send({ reason: '   ' }).expect(422);
    assert.equal(noReason.body.error.code, 'FAILURE_REASON_REQUIRED');
    await request(t.url).post(`/api/payouts/items/${itemId}/mark-failed`).set(auth(alice.token)).send({ reason: 'Account closed' }).expect(200);
    assert.deepEqual(await balancesOf(t, b.id), { available: 200_000n, inTransit: 0n, paid: 0n });
    await clawBack(t, b.id, 200_000n);
  });
});

describe('never paid twice', () => {
  it('a crash after Stripe accepted a transfer, then a re-run: exactly one transfer per item', async () => {
    const a = await connectReferrer(t, connect);
    const b = await connectReferrer(t, connect);
    await seedAvailable(t, a.id, 110_000n);
    await seedAvailable(t, b.id, 140_000n);
    const batchId = await createApproved([
      { referrerId: a.id, amount: '110000' },
      { referrerId: b.id, amount: '140000' },
    ]);
    connect.crashAfterAccept(a.accountId);
    const first = await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(alice.token)).expect(200);
    assert.deepEqual([first.body.transferred, first.body.unresolved], [1, 1]);
    assert.equal(first.body.batch.status, 'executing');
    const [stuck] = await t.db.query(`SELECT status FROM payout_items WHERE batch_id = $1 AND referrer_id = $2`, [batchId, a.id]);
    assert.equal(stuck.status, 'sending');
    assert.equal(connect.transfers((tr) => tr.destination === a.accountId).length, 1, 'Stripe holds the transfer our database never recorded');
    assert.deepEqual(await balancesOf(t, a.id), { available: 0n, inTransit: 110_000n, paid: 0n });

    // Stripe has forgotten the idempotency key by now: only the transfer group finds it.
    connect.clearCrashes();
    connect.forgetIdempotencyKeys();
    const second = await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(bob.token)).expect(200);
    assert.deepEqual([second.body.transferred, second.body.unresolved], [1, 0]);
    assert.equal(second.body.batch.status, 'completed');
    for (const r of [a, b]) assert.equal(connect.transfers((tr) => tr.destination === r.accountId).length, 1);
    assert.deepEqual(await balancesOf(t, a.id), { available: 0n, inTransit: 0n, paid: 110_000n });
    const audit = await request(t.url).get(`/api/finance/audit?subjectId=${batchId}&action=payout.execute`).set(auth(alice.token)).expect(200);
    assert.deepEqual(audit.body.map((e: any) => e.details.resuming).sort(), [false, true]);
  });

  it('the database connection dies after Stripe accepted a transfer and before our commit; a re-run pays once', async () => {
    const a = await connectReferrer(t, connect);
    await seedAvailable(t, a.id, 125_000n);
    const batchId = await createApproved([{ referrerId: a.id, amount: '125000' }]);
    // When Stripe accepts the transfer, hold the item's row so our commit waits, then kill the
    // waiting connection: Stripe has the transfer, our database never records it.
    const blocker = new Client({ connectionString: t.databaseUrl });
    await blocker.connect();
    let killed: Promise<void> = Promise.resolve();
    connect.afterTransferCreated = async (tr) => {
      if (tr.destination !== a.accountId) return;
      connect.afterTransferCreated = undefined;
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM payout_items WHERE batch_id = $1 FOR UPDATE`, [batchId]);
      killed = (async () => {
        for (let i = 0; i < 250; i++) {
          const [waiting] = (await blocker.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`)).rows;
          if (waiting) {
            await blocker.query('SELECT pg_terminate_backend($1)', [waiting.pid]);
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        await blocker.query('ROLLBACK');
      })();
    };
    try {
      const first = await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(alice.token)).expect(200);
      await killed;
      assert.deepEqual([first.body.transferred, first.body.unresolved], [0, 1]);
    } finally {
      await killed.catch(() => undefined);
      await blocker.end();
    }
    const [item] = await t.db.query(`SELECT status FROM payout_items WHERE batch_id = $1`, [batchId]);
    assert.equal(item.status, 'sending', 'Stripe made the transfer but our database never recorded it');
    assert.equal(connect.transfers((tr) => tr.destination === a.accountId).length, 1);
    assert.deepEqual(await balancesOf(t, a.id), { available: 0n, inTransit: 125_000n, paid: 0n });

    connect.forgetIdempotencyKeys();
    const second = await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(bob.token)).expect(200);
    assert.equal(second.body.transferred, 1);
    assert.equal(second.body.batch.status, 'completed');
    assert.equal(connect.transfers((tr) => tr.destination === a.accountId).length, 1);
    assert.deepEqual(await balancesOf(t, a.id), { available: 0n, inTransit: 0n, paid: 125_000n });
  });

  it('two executions at once on two app instances transfer each item once', async () => {
    try {
      const referrers = [];
      for (let i = 0; i < 4; i++) referrers.push(await connectReferrer(t, connect));
      for (const r of referrers) await seedAvailable(t, r.id, 101_000n);
      const batchId = await createApproved(referrers.map((r) => ({ referrerId: r.id, amount: '101000' })));
      connect.transferDelayMs = 150;
      const [x, y, z] = await Promise.all([
        request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(alice.token)),
        request(t2.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(bob.token)),
        request(t2.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(bob.token)), // a double click
      ]);
      connect.transferDelayMs = 0;
      const statuses = [x.status, y.status, z.status].sort();
      assert.deepEqual(statuses, [200, 409, 409]);
      for (const res of [x, y, z]) if (res.status === 409) assert.ok(['BATCH_EXECUTION_IN_PROGRESS', 'BATCH_ALREADY_EXECUTED'].includes(res.body.error.code));
      assert.equal(connect.transfers((tr) => tr.transfer_group === batchId).length, 4);
      for (const r of referrers) assert.deepEqual(await balancesOf(t, r.id), { available: 0n, inTransit: 0n, paid: 101_000n });
    } finally {
      connect.transferDelayMs = 0;
    }
  });
});

describe('clawbacks and limits', () => {
  it('a clawback after a payout leaves a negative balance that the next batch respects', async () => {
    await cancelOpenBatches();
    const r = await connectReferrer(t, connect);
    await seedAvailable(t, r.id, 150_000n);
    const first = await createApproved([{ referrerId: r.id, amount: '150000' }]);
    await request(t.url).post(`/api/payouts/batches/${first}/execute`).set(auth(alice.token)).expect(200);
    await clawBack(t, r.id, 60_000n); // the supplier was refunded after the payout
    assert.deepEqual(await balancesOf(t, r.id), { available: -60_000n, inTransit: 0n, paid: 150_000n });
    let preview = await request(t.url).get('/api/payouts/preview').set(auth(alice.token)).expect(200);
    assert.equal(preview.body.excluded.find((e: any) => e.referrerId === r.id)?.reason, 'negative_balance');
    const refused = await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send({ items: [{ referrerId: r.id, amount: '100000' }] }).expect(422);
    assert.equal(refused.body.error.code, 'AMOUNT_EXCEEDS_AVAILABLE');

    await seedAvailable(t, r.id, 120_000n); // new commission: 60 000 net, still below the minimum
    preview = await request(t.url).get('/api/payouts/preview').set(auth(alice.token)).expect(200);
    assert.equal(preview.body.excluded.find((e: any) => e.referrerId === r.id)?.reason, 'below_minimum');
    await seedAvailable(t, r.id, 50_000n);
    preview = await request(t.url).get('/api/payouts/preview').set(auth(alice.token)).expect(200);
    assert.equal(preview.body.eligible.find((e: any) => e.referrerId === r.id)?.available, '110000');
    const created = await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send({}).expect(201);
    const detail = await request(t.url).get(`/api/payouts/batches/${created.body.id}`).set(auth(alice.token)).expect(200);
    assert.equal(detail.body.items.find((i: any) => i.referrerId === r.id).amount, '110000', 'only the net balance is paid');
    await request(t.url).post(`/api/payouts/batches/${created.body.id}/cancel`).set(auth(alice.token)).expect(200);
    assert.deepEqual(await balancesOf(t, r.id), { available: 110_000n, inTransit: 0n, paid: 150_000n });
    // The set-based release wrote exactly what LedgerService.post would have: replaying it is a no-op.
    const itemId: string = detail.body.items.find((i: any) => i.referrerId === r.id).id;
    const replay = await t.db.transaction((m) =>
      t.app.get(LedgerService).post(m, {
        idempotencyKey: `payout-cancel:${itemId}`,
        cause: PostingCause.Payout,
        causeRef: itemId,
        description: 'replay',
        lines: [
          { account: { kind: AccountKind.ReferrerAvailable, ownerId: r.id, currency: 'RUB' }, amount: 110_000n },
          { account: { kind: AccountKind.PayoutsInTransit, ownerId: r.id, currency: 'RUB' }, amount: -110_000n },
        ],
      }),
    );
    assert.equal(replay.created, false);
    await clawBack(t, r.id, 110_000n);
  });
});

describe('bad input changes nothing', () => {
  it('refuses approving or executing a cancelled batch, an amount above available, and a cancelled cancel', async () => {
    await cancelOpenBatches();
    const r = await connectReferrer(t, connect);
    await seedAvailable(t, r.id, 100_000n);
    const created = await request(t.url).post('/api/payouts/batches').set(auth(alice.token)).send({ items: [{ referrerId: r.id, amount: '100000' }] }).expect(201);
    await request(t.url).post(`/api/payouts/batches/${created.body.id}/cancel`).set(auth(bob.token)).expect(200);
    assert.deepEqual(await balancesOf(t, r.id), { available: 100_000n, inTransit: 0n, paid: 0n });
    const before = await counts();
    const cases: [string, string, object | undefined, number, string][] = [
      ['approve a cancelled batch', `/api/payouts/batches/${created.body.id}/approve`, undefined, 409, 'BATCH_CANCELLED'],
      ['execute a cancelled batch', `/api/payouts/batches/${created.body.id}/execute`, undefined, 409, 'BATCH_CANCELLED'],
      ['cancel a cancelled batch', `/api/payouts/batches/${created.body.id}/cancel`, undefined, 409, 'BATCH_CANCELLED'],
      ['pay above available', '/api/payouts/batches', { items: [{ referrerId: r.id, amount: '100001' }] }, 422, 'AMOUNT_EXCEEDS_AVAILABLE'],
      ['pay below the minimum', '/api/payouts/batches', { items: [{ referrerId: r.id, amount: '99999' }] }, 422, 'AMOUNT_BELOW_MINIMUM'],
      ['a negative amount', '/api/payouts/batches', { items: [{ referrerId: r.id, amount: '-5' }] }, 400, 'VALIDATION_FAILED'],
      ['a referrer twice', '/api/payouts/batches', { items: [{ referrerId: r.id, amount: '50000' }, { referrerId: r.id, amount: '50000' }] }, 400, 'VALIDATION_FAILED'],
      ['an unknown batch', `/api/payouts/batches/00000000-0000-4000-8000-000000000000/execute`, undefined, 404, 'BATCH_NOT_FOUND'],
      ['an adjustment without a reason', '/api/adjustments', { referrerId: r.id, amount: '500' }, 400, 'VALIDATION_FAILED'],
      ['an adjustment with a blank reason', '/api/adjustments', { referrerId: r.id, amount: '500', reason: '  ' }, 422, 'ADJUSTMENT_REASON_REQUIRED'],
      ['a zero adjustment', '/api/adjustments', { referrerId: r.id, amount: '0', reason: 'nothing' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [name, path, body, status, code] of cases) {
      const res = await request(t.url).post(path).set(auth(alice.token)).send(body ?? {});
      assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code, name);
      assert.deepEqual(await counts(), before, name);
    }
    assert.deepEqual(await balancesOf(t, r.id), { available: 100_000n, inTransit: 0n, paid: 0n });
    await clawBack(t, r.id, 100_000n);
  });

  it('admin may read but not act; marketers and referrers may not touch payouts', async () => {
    const admin = await staffUser(t, Role.Admin);
    const marketer = await staffUser(t, Role.Marketer);
    await request(t.url).get('/api/payouts/preview').set(auth(admin.token)).expect(200);
    await request(t.url).get('/api/finance/audit').set(auth(admin.token)).expect(200);
    await request(t.url).post('/api/payouts/batches').set(auth(admin.token)).send({}).expect(403);
    await request(t.url).get('/api/payouts/preview').set(auth(marketer.token)).expect(403);
    const r = await registerReferrer(t);
    await request(t.url).get('/api/payouts/batches').set(auth(r.token)).expect(403);
    await request(t.url).get('/finance/payouts').set('cookie', `hs_session=${r.token}`).set('accept', 'text/html').expect(403);
  });
});

describe('adjustments', () => {
  it('credits and debits a referrer through the ledger with a reason, audited', async () => {
    const r = await registerReferrer(t);
    const credit = await request(t.url).post('/api/adjustments').set(auth(alice.token)).send({ referrerId: r.id, amount: '2500', reason: 'Offline invoice commission' }).expect(201);
    assert.equal(credit.body.availableAfter, '2500');
    const debit = await request(t.url).post('/api/adjustments').set(auth(bob.token)).send({ referrerId: r.id, amount: '-4000', reason: 'Duplicate credit reversed' }).expect(201);
    assert.equal(debit.body.availableAfter, '-1500');
    const list = await request(t.url).get(`/api/adjustments?referrerId=${r.id}`).set(auth(alice.token)).expect(200);
    assert.equal(list.body.length, 2);
    const audit = await request(t.url).get(`/api/finance/audit?subjectId=${r.id}&action=adjustment.create`).set(auth(alice.token)).expect(200);
    assert.deepEqual(audit.body.map((a: any) => [a.before.available, a.after.available]).reverse(), [['0', '2500'], ['2500', '-1500']]);
    await request(t.url).post('/api/adjustments').set(auth(alice.token)).send({ referrerId: r.id, amount: '1500', reason: 'Settle test balance' }).expect(201);
  });

  it('the console page links to the adjustments page (the one adjustment form) and the reports', async () => {
    const page = await request(t.url).get('/finance/payouts').set('cookie', `hs_session=${alice.token}`).expect(200);
    assert.doesNotMatch(page.text, /data-test="adjust-form"/);
    assert.match(page.text, /href="\/finance\/adjustments"/);
    assert.match(page.text, /\/api\/reconciliation\/payouts\.csv\?from/);
  });
});

describe('cli', () => {
  it('payouts:preview and finance:reconcile act as a named finance user', async () => {
    const lines: string[] = [];
    const ctx = { app: t.app, config: t.config, out: (l: string) => lines.push(l) };
    assert.equal(await COMMANDS['payouts:preview'].run(['--as', alice.email], ctx), 0);
    assert.match(lines[0], /^currency=RUB minimum=100000 eligible=\d+ total=\d+/);
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const code = await COMMANDS['finance:reconcile'].run(['--as', alice.email, '--from', from, '--to', to], ctx);
    assert.match(lines[1], /transfers=\d+ payouts=\d+ differences=\d+/);
    assert.equal(code, lines.length > 2 ? 1 : 0);
    await assert.rejects(() => COMMANDS['payouts:preview'].run([], ctx), /--as/);
  });
});
