/**
 * npm run bench -- webhooks [--events 20000] [--senders 32] [--suppliers 10000] [--warmup 2000] [--cold] [--statements]
 *
 * Fresh database with 10,000 attributed suppliers (seeded with set-based SQL), then ≥20,000 signed
 * invoice.paid events sent over HTTP by 32 concurrent senders; waits until every commission is
 * posted to the ledger. The senders run in a child process (the app's process is the one measured:
 * CPU, rss_mb). Prints rss_mb=<n>, then `events_per_s=<n> ack_p99_ms=<n>` (end to end: first
 * send → last commission posted).
 *
 * Measured in steady state, as a running server is: before the clock starts, a warm-up of 2,000
 * events for 2,000 further suppliers goes the same way (code compiled, connections open), and the
 * server's WAL segments are recycled ones. A fresh cluster has none: it creates and zero-fills a
 * 16 MB segment every ~1.5 s of this load, and the commit that needs one waits 50–100 ms (seen as
 * IO:WalInitWrite in pg_stat_activity), and with it every ack in flight. `--cold` measures without
 * either (the figures of a server just initialised and started).
 */
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { peakRssMb, postgresCpuMs, progress, startBenchDatabase, startBenchEnv, STATEMENT_STATS } from './support/bench-env';

const SECRET = 'whsec_bench_secret';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { events: { type: 'string' }, senders: { type: 'string' }, suppliers: { type: 'string' }, warmup: { type: 'string' }, cold: { type: 'boolean' }, statements: { type: 'boolean' } },
  });
  const cold = values.cold === true;
  const warmup = cold ? 0 : Number(values.warmup ?? 2_000);
  const suppliers = Number(values.suppliers ?? 10_000);
  const total = Math.max(Number(values.events ?? 20_000), 1);
  const senders = Number(values.senders ?? 32);
  const referrers = Math.ceil(suppliers / 2);

  // --statements: the database's statements by time (pg_stat_statements) and its WAL, after the run.
  const statements = values.statements === true;
  const env = await startBenchEnv(
    'webhooks',
    { STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_bench', STRIPE_API_BASE: 'http://127.0.0.1:9' },
    statements ? await startBenchDatabase('webhooks', STATEMENT_STATS) : undefined,
  );
  try {
    const t0 = Date.now();
    await seed(env.db.query.bind(env.db), referrers, suppliers + warmup);
    process.stderr.write(`seeded ${referrers} referrers, ${suppliers} attributed suppliers (and ${warmup} for the warm-up) in ${Date.now() - t0} ms\n`);

    // The senders run in their own process (bench/support/webhook-senders-process.ts): this process
    // is the app's, so its CPU, event loop and rss_mb are the app's alone. Bodies are signed there
    // before the clock starts (the sender's signing is Stripe's cost, not ours).
    const sendersProcess = fork(join(__dirname, 'support', 'webhook-senders-process.js'));
    const fromSenders = (type: string) =>
      new Promise<Record<string, any>>((resolve, reject) => {
        const onMessage = (msg: Record<string, any>) => {
          if (msg.type === type) {
            sendersProcess.off('message', onMessage);
            resolve(msg);
          } else if (msg.type === 'error') reject(new Error(`senders process: ${msg.message}`));
        };
        sendersProcess.on('message', onMessage);
        sendersProcess.once('exit', (code) => reject(new Error(`senders process exited (${code})`)));
      });
    const ready = fromSenders('ready');
    sendersProcess.send({ type: 'prepare', url: env.url, secret: SECRET, total, senders, suppliers, warmup, now: Math.floor(Date.now() / 1000) });
    await ready;
    const inbox = env.app.get(StripeInboxService);
    const postedCount = async () => Number((await env.db.query(`SELECT count(*) AS n FROM ledger_postings WHERE cause = 'invoice'`))[0].n);
    if (warmup > 0) {
      const warmed = fromSenders('warmed');
      sendersProcess.send({ type: 'warm' });
      await warmed;
      const warmDeadline = Date.now() + 2 * 60_000;
      while ((await postedCount()) < warmup) {
        if (Date.now() > warmDeadline) throw new Error('the warm-up events were not all posted within 2 minutes');
        await inbox.whenIdle().then(() => new Promise((r) => setTimeout(r, 50)));
      }
    }
    if (!cold) await recycleWal(env.db.query.bind(env.db));
    const postedBefore = await postedCount();

    const done = fromSenders('done');
    if (statements) await env.db.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset(); SELECT pg_stat_reset_shared('wal')`);
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    const pgCpuAtStart = postgresCpuMs();
    sendersProcess.send({ type: 'go' });
    const acks = await done;
    sendersProcess.send({ type: 'stop' });
    const sentMs = acks.sentMs as number;
    const cpuAtAcks = process.cpuUsage(cpuAtStart);
    loopDelay.disable();
    const pgCpuAtAcks = postgresCpuMs();
    process.stderr.write(`acks: ${total} in ${Math.round(sentMs)} ms (${Math.round((total / sentMs) * 1000)}/s), non-200: ${acks.errors}\n`);
    process.stderr.write(`ack p50=${acks.p50.toFixed(1)} ms p90=${acks.p90.toFixed(1)} ms p99=${acks.p99.toFixed(1)} ms max=${acks.max.toFixed(1)} ms; senders process CPU ${Math.round(acks.cpuMs)} ms\n`);

    process.stderr.write(`app event loop delay while sending: p50=${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms p99=${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms max=${(loopDelay.max / 1e6).toFixed(1)} ms\n`);
    process.stderr.write(`CPU until the last ack: app ${((cpuAtAcks.user + cpuAtAcks.system) / 1000 / total).toFixed(2)} ms per event${pgCpuAtStart !== undefined && pgCpuAtAcks !== undefined ? `, PostgreSQL ${((pgCpuAtAcks - pgCpuAtStart) / total).toFixed(2)} ms per event` : ''}\n`);
    // Wait until every commission is posted (the inbox processor works in groups; the retry pass picks up failures).
    const deadline = Date.now() + 10 * 60_000;
    let posted = 0;
    for (;;) {
      posted = (await postedCount()) - postedBefore;
      progress('posted', Math.min(posted, total), total);
      if (posted >= total || Date.now() > deadline) break;
      const open = Number((await env.db.query(`SELECT count(*) AS n FROM stripe_webhook_events WHERE status = 'failed'`))[0].n);
      if (open > 0) await inbox.whenIdle().then(() => inbox.retryDue(5000, true));
      await new Promise((r) => setTimeout(r, 50));
    }
    const endToEndMs = performance.now() - started;
    const failed = Number((await env.db.query(`SELECT count(*) AS n FROM stripe_webhook_events WHERE status <> 'processed'`))[0].n);
    const cpu = process.cpuUsage(cpuAtStart);
    process.stderr.write(`commissions posted: ${posted} in ${Math.round(endToEndMs)} ms; events not processed: ${failed}\n`);
    process.stderr.write(`app process CPU: ${((cpu.user + cpu.system) / 1000 / total).toFixed(2)} ms per event (user ${Math.round(cpu.user / 1000)} ms, system ${Math.round(cpu.system / 1000)} ms)\n`);
    const pgCpuAtEnd = postgresCpuMs();
    if (pgCpuAtStart !== undefined && pgCpuAtEnd !== undefined) process.stderr.write(`PostgreSQL CPU: ${((pgCpuAtEnd - pgCpuAtStart) / total).toFixed(2)} ms per event (${Math.round(pgCpuAtEnd - pgCpuAtStart)} ms)\n`);
    if (statements) await printStatements(env.db.query.bind(env.db));
    if (posted < total) throw new Error(`only ${posted} of ${total} commissions were posted within 10 minutes`);
    console.log(`rss_mb=${peakRssMb()}`);
    console.log(`events_per_s=${Math.round((total / endToEndMs) * 1000)} ack_p99_ms=${(acks.p99 as number).toFixed(1)}`);
  } finally {
    await env.close();
  }
}

/** The 25 statements that took the database longest (executing, planning; rows; WAL), then its WAL totals. */
async function printStatements(q: (sql: string) => Promise<Record<string, any>[]>): Promise<void> {
  const rows = await q(
    `SELECT calls, round(total_exec_time) AS exec_ms, round(total_plan_time) AS plan_ms, rows, round(wal_bytes / 1e6) AS wal_mb, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS query
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25`,
  );
  process.stderr.write('calls\texec_ms\tplan_ms\trows\twal_mb\tquery (nested statements counted inside their caller too)\n');
  for (const r of rows) process.stderr.write(`${r.calls}\t${r.exec_ms}\t${r.plan_ms}\t${r.rows}\t${r.wal_mb}\t${r.query}\n`);
  const [wal] = await q('SELECT wal_records, wal_bytes FROM pg_stat_wal');
  process.stderr.write(`WAL: ${wal.wal_records} records, ${Math.round(Number(wal.wal_bytes) / 1e6)} MB\n`);
}

/**
 * Leaves the server with recycled WAL segments, as a server that has run for a while has: writes
 * ~200 MB of WAL (a table created and dropped), then a checkpoint recycles those segments for the
 * WAL to come. Needs a superuser (the embedded server's user is); elsewhere it says so and goes on cold.
 */
async function recycleWal(q: (sql: string) => Promise<unknown>): Promise<void> {
  const t0 = Date.now();
  try {
    await q(`CREATE TABLE bench_wal_warmup AS SELECT g, repeat(md5(g::text), 32) AS filler FROM generate_series(1, 200000) g`);
    await q('DROP TABLE bench_wal_warmup');
    await q('CHECKPOINT');
    process.stderr.write(`WAL segments recycled in ${Date.now() - t0} ms\n`);
  } catch (err) {
    process.stderr.write(`WAL not recycled (${(err as Error).message}): measuring with a cold WAL\n`);
  }
}

/** Referrers, codes, suppliers, attributions and Stripe customers, set-based (no HTTP sign-ups). */
async function seed(q: (sql: string, params?: unknown[]) => Promise<unknown>, referrers: number, suppliers: number): Promise<void> {
  await q(`INSERT INTO users (id, email, password_hash, role)
           SELECT md5('ref-user' || g)::uuid, 'referrer' || g || '@bench-retail.example', 'not-a-hash', 'referrer' FROM generate_series(1, $1) g`, [referrers]);
  await q(`INSERT INTO referrers (id, user_id, full_name, company_name, email_domain)
           SELECT md5('ref' || g)::uuid, md5('ref-user' || g)::uuid, 'Referrer ' || g, 'Retail ' || g, 'bench-retail.example' FROM generate_series(1, $1) g`, [referrers]);
  await q(`INSERT INTO referrer_splits (referrer_id, discount_bp, commission_bp, budget_bp) SELECT md5('ref' || g)::uuid, 500, 1500, 2000 FROM generate_series(1, $1) g`, [referrers]);
  await q(`INSERT INTO promo_codes (id, referrer_id, code, status) SELECT md5('code' || g)::uuid, md5('ref' || g)::uuid, 'BENCH' || lpad(g::text, 7, '0'), 'active' FROM generate_series(1, $1) g`, [referrers]);
  await q(`INSERT INTO users (id, email, password_hash, role)
           SELECT md5('sup-user' || g)::uuid, 'owner' || g || '@bench-wholesale.example', 'not-a-hash', 'supplier' FROM generate_series(1, $1) g`, [suppliers]);
  await q(`INSERT INTO suppliers (id, user_id, company_name, company_tax_id, email_domain)
           SELECT md5('sup' || g)::uuid, md5('sup-user' || g)::uuid, 'Wholesale ' || g, (7700000000 + g)::text, 'bench-wholesale.example' FROM generate_series(1, $1) g`, [suppliers]);
  await q(`INSERT INTO supplier_attributions (supplier_id, referrer_id, promo_code_id, discount_bp, commission_bp, commission_months, currency, via)
           SELECT md5('sup' || g)::uuid, md5('ref' || ((g - 1) % $2 + 1))::uuid, md5('code' || ((g - 1) % $2 + 1))::uuid, 500, 1500, 12, 'RUB', 'code'
             FROM generate_series(1, $1) g`, [suppliers, referrers]);
  await q(`INSERT INTO billing_accounts (supplier_id, stripe_customer_id, stripe_subscription_id, subscription_status)
           SELECT md5('sup' || g)::uuid, 'cus_bench_' || g, 'sub_bench_' || g, 'active' FROM generate_series(1, $1) g`, [suppliers]);
  await q('ANALYZE');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
