/**
 * npm run bench -- payouts [referrers]
 *
 * Seeds N referrers (default 100,000) with available balances, set-based: users and referrers by
 * INSERT ... SELECT, payout details (90% Stripe Connect ready, 9% bank with encrypted details, 1%
 * none), and one released commission posting per referrer written by LedgerService.postMany in chunks
 * (ledger:verify is checked after seeding and after creation). Then measures the
 * payout preview and the creation of one batch paying everyone eligible.
 *
 * The seeding runs in a child process (its own app instance on the same database), so the peak
 * memory printed is that of the app doing the preview and the batch, not of the bench's set-up.
 * `peak by phase` gives rss, heap used and external memory per phase (sampled every 20 ms), to
 * show which phase sets rss_mb.
 */
import { fork } from 'node:child_process';
import { Role } from '../src/access/role';
import { StaffService } from '../src/auth/staff.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { AccountKind, PostingCause } from '../src/ledger/ledger.types';
import { encryptDetails } from '../src/common/crypto/details-crypto';
import { withRussianControlKey } from '../src/payout-details/bank-details';
import { PayoutsService } from '../src/payouts/payouts.service';
import { listenOn } from '../test/support/app-on-database';
import { memoryPhases, peakRssMb, startBenchDatabase, startBenchEnv } from './support/bench-env';

const N = Number((process.argv[2] === '--seed-only' ? undefined : process.argv[2]) ?? 100_000);
const SEED_CHUNK = 5_000;
/** Both processes encrypt and read bank details with one key. */
const ENV = { JOBS_ENABLED: 'false', PAYOUT_DETAILS_KEY: '9f'.repeat(32) };

/** The child: seeds the database at argv[3] and exits. */
async function seedOnly(databaseUrl: string): Promise<void> {
  const started = await listenOn(databaseUrl, ENV);
  try {
    const { db, app, config } = started;
    const referrers: { id: string }[] = await db.query(
      `WITH u AS (
         INSERT INTO users (email, password_hash, role)
         SELECT 'bench-' || g || '@bench.example', 'x', 'referrer' FROM generate_series(1, $1::int) g RETURNING id, email
       )
       INSERT INTO referrers (user_id, full_name, company_name, email_domain)
       SELECT id, 'Bench Referrer', 'Bench Co', 'bench.example' FROM u RETURNING id`,
      [N],
    );
    const ids = referrers.map((r) => r.id);
    const connectIds = ids.filter((_, i) => i % 100 < 90);
    const bankIds = ids.filter((_, i) => i % 100 >= 90 && i % 100 < 99);
    await db.query(
      `INSERT INTO payout_details (referrer_id, method, stripe_account_id, stripe_transfers_active, stripe_details_submitted)
       SELECT id, 'stripe_connect', 'acct_bench' || replace(id::text, '-', ''), true, true FROM unnest($1::uuid[]) AS x(id)`,
      [connectIds],
    );
    const account = withRussianControlKey('044525225', '40817810X00001234567');
    for (let i = 0; i < bankIds.length; i += SEED_CHUNK) {
      const chunk = bankIds.slice(i, i + SEED_CHUNK);
      const blobs = chunk.map((id) => encryptDetails(config.payoutDetailsKey, id, { accountHolder: 'Bench Referrer', bankIdentifier: '044525225', accountNumber: account }));
      await db.query(
        `INSERT INTO payout_details (referrer_id, method, bank_encrypted, bank_account_last4) SELECT x.id, 'bank', x.blob, '4567' FROM unnest($1::uuid[], $2::bytea[]) AS x(id, blob)`,
        [chunk, blobs],
      );
    }
    // Balances from 500.00 to 5000.00 RUB: about one in nine is below the 1000.00 minimum.
    const ledger = app.get(LedgerService);
    for (let i = 0; i < ids.length; i += SEED_CHUNK) {
      const chunk = ids.slice(i, i + SEED_CHUNK);
      await db.transaction((m) =>
        ledger.postMany(
          m,
          chunk.map((id, j) => {
            const amount = 50_000n + BigInt(((i + j) * 7919) % 450_001);
            return {
              idempotencyKey: `bench-seed:${id}`,
              cause: PostingCause.Invoice,
              causeRef: `in_bench${i + j}`,
              description: 'Bench commission (released)',
              lines: [
                { account: { kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency: 'RUB' }, amount: -amount },
                { account: { kind: AccountKind.ReferrerAvailable, ownerId: id, currency: 'RUB' }, amount },
              ],
            };
          }),
        ),
      );
      process.stderr.write(`seeded ${Math.min(i + SEED_CHUNK, ids.length)}/${ids.length}\n`);
    }
  } finally {
    await started.app.close();
  }
}

async function main(): Promise<void> {
  const database = await startBenchDatabase('payouts');
  const t0 = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = fork(__filename, ['--seed-only', database.databaseUrl], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding exited with ${code}`))));
  });
  const env = await startBenchEnv('payouts', ENV, database);
  try {
    const { db, app } = env;
    const ledger = app.get(LedgerService);
    const seedMs = Date.now() - t0;
    // Peak memory per phase (sampled every 20 ms): shows which phase sets rss_mb.
    const mem = memoryPhases();
    const phase = (name: string) => mem.phase(name);
    phase('start');
    let report = await ledger.verify();
    if (!report.ok) throw new Error(`ledger:verify failed after seeding: ${report.firstDiscrepancy}`);
    await db.query('ANALYZE');
    phase('verify');

    const staff = await app.get(StaffService).create('bench-finance@handshake.example', 'Quiet-Lantern-Orbit-57', Role.Finance);
    const actor = { id: staff.id, email: staff.email, role: Role.Finance };
    const payouts = app.get(PayoutsService);

    let t = Date.now();
    const preview = await payouts.preview('RUB', actor, 1000);
    const previewMs = Date.now() - t;
    phase('preview');
    t = Date.now();
    const batch = await payouts.create({ currency: 'RUB' }, actor);
    const createMs = Date.now() - t;
    phase('create');
    if (batch.itemCount !== preview.eligibleCount) throw new Error(`batch has ${batch.itemCount} items, preview promised ${preview.eligibleCount}`);
    if (batch.total !== preview.eligibleTotal) throw new Error(`batch total ${batch.total} differs from the preview's ${preview.eligibleTotal}`);
    t = Date.now();
    report = await ledger.verify();
    const verifyMs = Date.now() - t;
    phase('verify');
    mem.stop();
    if (!report.ok) throw new Error(`ledger:verify failed after batch creation: ${report.firstDiscrepancy}`);

    console.log(`seed_ms=${seedMs} eligible=${preview.eligibleCount} excluded=${preview.excludedCount} (${JSON.stringify(preview.excludedByReason)}) batch_items=${batch.itemCount} verify_ms=${verifyMs} postings=${report.postings}`);
    console.log(`peak by phase (MB): ${mem.summary()}`);
    console.log(`rss_mb=${peakRssMb()}`);
    console.log(`referrers=${N} preview_ms=${previewMs} create_ms=${createMs}`);
  } finally {
    await env.close();
  }
}

(process.argv[2] === '--seed-only' ? seedOnly(process.argv[3]) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
