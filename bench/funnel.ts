/**
 * npm run bench -- funnel [recipients]
 * A campaign with 1,000,000 recipients and 5,000,000 tracking events (seeded set-based), then the
 * funnel report over HTTP: it reads counter rows, so its latency does not depend on the events.
 */
import { Role } from '../src/access/role';
import { StaffService } from '../src/auth/staff.service';
import { COUNTER_SHARDS } from '../src/funnel/funnel-counters';
import { peakRssMb, percentile, startBenchEnv } from './support/bench-env';

const RECIPIENTS = Number(process.argv[2] ?? 1_000_000);
const EVENTS = RECIPIENTS * 5;
const REQUESTS = 300;

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  process.stderr.write(`${label}: ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  return result;
}

async function main(): Promise<void> {
  const env = await startBenchEnv('funnel', { JOBS_ENABLED: 'false' });
  try {
    const db = env.db;
    const [a] = await db.query(`INSERT INTO audiences (name) VALUES ('bench') RETURNING id`);
    const [c] = await db.query(`INSERT INTO campaigns (name, audience_id, subject, body, status, listed, started_at) VALUES ('bench', $1, 's', 'b', 'sent', $2, now()) RETURNING id`, [a.id, RECIPIENTS]);
    await db.query(`INSERT INTO campaign_counters (campaign_id, shard) SELECT $1, g FROM generate_series(0, $2 - 1) g`, [c.id, COUNTER_SHARDS]);
    await timed('contacts', () => db.query(`INSERT INTO contacts (audience_id, email, name) SELECT $1, 'r' || g || '@bench.example', 'R ' || g FROM generate_series(1, $2) g`, [a.id, RECIPIENTS]));
    // Deterministic shape: 3% bounce, 30% machine-opened, 25% human-opened, 5% clicked.
    await timed('sends', () =>
      db.query(
        `INSERT INTO campaign_sends (campaign_id, contact_id, email, status, attempts, sent_at, bounced_at, human_open_at, machine_open_at, machine_open_reason, human_click_at)
         SELECT $1, ct.id, ct.email, CASE WHEN n % 33 = 0 THEN 'bounced' ELSE 'sent' END, 1, now() - interval '1 day',
                CASE WHEN n % 33 = 0 THEN now() END, CASE WHEN n % 4 = 1 THEN now() END, CASE WHEN n % 10 < 3 THEN now() END,
                CASE WHEN n % 10 < 2 THEN 'apple-privacy-proxy' WHEN n % 10 = 2 THEN 'scanner-agent' END, CASE WHEN n % 20 = 1 THEN now() END
           FROM (SELECT id, email, row_number() OVER () AS n FROM contacts WHERE audience_id = $2) ct`,
        [c.id, a.id],
      ),
    );
    await timed('events', () =>
      db.query(
        `INSERT INTO tracking_events (send_id, campaign_id, kind, machine, user_agent, ip, delay_ms, created_at)
         SELECT b.lo + (k % $3), $1, CASE WHEN k % 5 = 0 THEN 'click' ELSE 'open' END, k % 3 = 0, 'Mozilla/5.0', '203.0.113.' || (k % 250), 60000 + k, now()
           FROM (SELECT min(id) AS lo FROM campaign_sends WHERE campaign_id = $1) b CROSS JOIN generate_series(0, $2 - 1) k`,
        [c.id, EVENTS, RECIPIENTS],
      ),
    );
    // Counters as the recorder would have left them (bumped once per first event).
    await timed('counters', () =>
      db.query(
        `WITH t AS (SELECT count(*) FILTER (WHERE status IN ('sent','bounced'))::int AS sent, count(*) FILTER (WHERE bounced_at IS NOT NULL)::int AS bounced,
                           count(*) FILTER (WHERE human_open_at IS NOT NULL)::int AS oh, count(*) FILTER (WHERE machine_open_at IS NOT NULL AND human_open_at IS NULL)::int AS om,
                           count(*) FILTER (WHERE human_click_at IS NOT NULL)::int AS ch FROM campaign_sends WHERE campaign_id = $1)
         UPDATE campaign_counters SET sent = t.sent, bounced = t.bounced, opened_human = t.oh, opened_machine = t.om, clicked_human = t.ch FROM t WHERE campaign_id = $1 AND shard = 0`,
        [c.id],
      ),
    );
    await timed('machine counters', () =>
      db.query(
        `INSERT INTO campaign_machine_counters (campaign_id, shard, stage, reason, n)
         SELECT $1, 0, 'open', machine_open_reason, count(*) FROM campaign_sends WHERE campaign_id = $1 AND machine_open_at IS NOT NULL AND human_open_at IS NULL GROUP BY machine_open_reason`,
        [c.id],
      ),
    );
    await db.query('ANALYZE');
    const [{ n: events }] = await db.query(`SELECT count(*)::bigint AS n FROM tracking_events`);
    await env.app.get(StaffService).create('bench-marketer@handshake.example', 'Quiet-Lantern-Orbit-57', Role.Marketer);
    const login = await fetch(`${env.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench-marketer@handshake.example', password: 'Quiet-Lantern-Orbit-57' }) });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const times: number[] = [];
    let last: any;
    for (let i = 0; i < REQUESTS; i++) {
      const start = performance.now();
      const res = await fetch(`${env.url}/api/campaigns/${c.id}/funnel`, { headers: { authorization: `Bearer ${token}` } });
      last = await res.json();
      times.push(performance.now() - start);
      if (res.status !== 200) throw new Error(`funnel answered ${res.status}`);
    }
    process.stdout.write(`events=${events} figures=${JSON.stringify(last.figures)} machine=${JSON.stringify(last.machine)} p95_ms=${percentile(times, 95).toFixed(1)}\n`);
    process.stdout.write(`rss_mb=${peakRssMb()}\n`);
    process.stdout.write(`recipients=${RECIPIENTS} funnel_p50_ms=${percentile(times, 50).toFixed(1)}\n`);
  } finally {
    await env.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
