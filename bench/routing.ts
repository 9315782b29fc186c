/**
 * npm run bench -- routing [leads] [members]
 * 200 admitted members and 100,000 sales-ready leads, seeded set-based, then routed by the real
 * RoutingService in batches (one transaction and a handful of statements per batch).
 * Prints rss_mb=<n>, then last: leads=<n> routed_per_s=<n>.
 */
import { RoutingService } from '../src/exchange/routing/routing.service';
import { memoryPhases, peakRssMb, progress, startBenchEnv } from './support/bench-env';

const LEADS = Number(process.argv[2] ?? 100_000);
const MEMBERS = Number(process.argv[3] ?? 200);
const TAGS = 20;
const BATCH = 2000;

async function main(): Promise<void> {
  const env = await startBenchEnv('routing', { JOBS_ENABLED: 'false' });
  const mem = memoryPhases();
  try {
    mem.phase('start');
    const db = env.db;
    const seedStart = Date.now();
    await db.query(`INSERT INTO exchange_tags (slug, label) SELECT 'tag-' || g, 'Tag ' || g FROM generate_series(1, $1) g`, [TAGS]);
    await db.query(`INSERT INTO users (email, password_hash, role) SELECT 'bench-' || g || '@partner.example', 'not-a-hash', 'partner' FROM generate_series(1, $1) g`, [MEMBERS]);
    // Each member: 2–4 tags, a threshold from 0 to 4,000,000.00, capacity enough for its share and then some.
    await db.query(
      `INSERT INTO exchange_members (user_id, company_name, contact_name, status, currency, tag_ids, threshold, weekly_capacity)
       SELECT u.id, 'Member ' || u.email, 'Bench', 'admitted', 'RUB',
              ARRAY(SELECT DISTINCT 1 + floor(random() * $1)::int FROM generate_series(1, 2 + floor(random() * 3)::int) WHERE u.id IS NOT NULL),
              (floor(random() * 5) * 100000000)::bigint, $2
         FROM users u WHERE u.email LIKE 'bench-%'`,
      [TAGS, Math.ceil((LEADS * 3) / MEMBERS)],
    );
    // Some closed history so win rates differ between members.
    await db.query(
      `WITH ms AS (SELECT array_agg(id) AS a FROM exchange_members)
       INSERT INTO exchange_leads (channel, company_name, company_key, contact_name, tag_ids, need_key, budget, currency, authority, need,
              score_budget, score_authority, score_need, score_timing, qualification, routing_state, deal_status, receiver_member_id)
       SELECT 'api', 'Past ' || g, 'past' || g, 'X', ARRAY[1 + floor(random() * $1)::int], 'n', 0, 'RUB', 'user', 'low', 1, 1, 1, 1, 'sales_ready', 'accepted',
              CASE WHEN random() < 0.4 THEN 'won' ELSE 'lost' END, ms.a[1 + floor(random() * array_length(ms.a, 1))::int]
         FROM generate_series(1, 5000) g, ms`,
      [TAGS],
    );
    await db.query(
      `WITH ms AS (SELECT array_agg(id) AS a FROM exchange_members)
       INSERT INTO exchange_leads (submitter_member_id, channel, company_name, company_key, contact_name, tag_ids, need_key, budget, currency, authority, need,
              timeline_days, score_budget, score_authority, score_need, score_timing, qualification, routing_state)
       SELECT CASE WHEN random() < 0.8 THEN ms.a[1 + floor(random() * array_length(ms.a, 1))::int] END, 'api', 'Lead ' || g, 'lead' || g, 'X',
              ARRAY(SELECT DISTINCT 1 + floor(random() * $1)::int FROM generate_series(1, 1 + floor(random() * 2)::int) WHERE g IS NOT NULL), 'n',
              (floor(random() * 600) * 1000000)::bigint, 'RUB', 'decision_maker', 'high', 20,
              3 + floor(random() * 3)::int, 5, 4, 5, 'sales_ready', 'pending'
         FROM generate_series(1, $2) g, ms`,
      [TAGS, LEADS],
    );
    await db.query('ANALYZE');
    process.stderr.write(`seeded ${MEMBERS} members and ${LEADS} leads in ${((Date.now() - seedStart) / 1000).toFixed(1)} s\n`);

    mem.phase('seed');
    const routing = env.app.get(RoutingService);
    let done = 0;
    const start = process.hrtime.bigint();
    const total = await routing.routePending(BATCH, (r) => {
      done += r.routed + r.withOperator;
      progress('routed', done, LEADS);
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    mem.phase('route');
    mem.stop();

    const [check] = await db.query(
      `SELECT (SELECT count(*) FROM exchange_leads WHERE routing_state = 'pending')::int AS pending,
              (SELECT count(*) FROM (SELECT lead_id FROM exchange_assignments WHERE state IN ('offered','accepted') GROUP BY lead_id HAVING count(*) > 1) d)::int AS doubled,
              (SELECT count(*) FROM exchange_leads l WHERE l.routing_state = 'offered' AND l.receiver_member_id = l.submitter_member_id)::int AS to_submitter`,
    );
    if (check.pending !== 0 || check.doubled !== 0 || check.to_submitter !== 0) throw new Error(`routing check failed: ${JSON.stringify(check)}`);
    process.stderr.write(`offered=${total.routed} with_operator=${total.withOperator} seconds=${seconds.toFixed(2)} batch=${BATCH}\n`);
    console.log(`peak by phase (MB): ${mem.summary()}`);
    console.log(`rss_mb=${peakRssMb()}`);
    console.log(`leads=${total.routed + total.withOperator} routed_per_s=${Math.round((total.routed + total.withOperator) / seconds)}`);
  } finally {
    await env.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
